package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The MADT's structure walk ({@code acpi_parse_entries_array}): types kept, lengths bounded. */
class MadtReaderTest {
  /** A MADT with the given structures (each {type, length, padding...}), checksum fixed. */
  private static byte[] madt(byte[]... structures) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("APIC".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[40]);
    for (byte[] s : structures) {
      out.writeBytes(s);
    }
    byte[] b = out.toByteArray();
    b[4] = (byte) b.length;
    b[5] = (byte) (b.length >> 8);
    int sum = 0;
    for (byte x : b) {
      sum += x;
    }
    b[9] = (byte) -sum;
    return b;
  }

  private static byte[] structure(int type, int length) {
    byte[] s = new byte[Math.max(length, 2)];
    s[0] = (byte) type;
    s[1] = (byte) length;
    return s;
  }

  @Test
  void aGicItsIsFoundAmongTheStructures() throws Exception {
    // An Arm server's shape: GICC (0x0B, 80 bytes), GICD (0x0C, 24), GIC ITS (0x0F, 20).
    Read<MadtTable> read = MadtReader.read(madt(structure(0x0b, 80), structure(0x0c, 24), structure(0x0f, 20)), "APIC");

    assertThat(read.notes()).isEmpty();
    assertThat(read.value().structures()).containsExactly(new MadtTable.Structure(44, 0x0b, 80),
        new MadtTable.Structure(124, 0x0c, 24), new MadtTable.Structure(148, 0x0f, 20)).inOrder();
    assertThat(read.value().hasGicIts()).isTrue();
  }

  @Test
  void anX86MadtHasNoGicIts() throws Exception {
    // Local APIC (0), I/O APIC (1), interrupt source override (2).
    MadtTable t = MadtReader.read(madt(structure(0, 8), structure(1, 12), structure(2, 10)), "APIC").value();

    assertThat(t.hasGicIts()).isFalse();
  }

  @Test
  void aStructureShorterThanItsHeaderEndsTheWalkWithANote() throws Exception {
    Read<MadtTable> read = MadtReader.read(madt(structure(0, 8), structure(0x0f, 0), structure(0x0f, 20)), "APIC");

    assertThat(read.value().hasGicIts()).isFalse();
    assertThat(read.notes()).hasSize(1);
    assertThat(read.notes().get(0).position()).isEqualTo(Position.offset(52));
  }

  @Test
  void aStructureRunningPastTheTableIsAnErrorAtItsOffset() {
    byte[] table = madt(structure(0, 8), structure(0x0f, 20));
    byte[] cut = madt(structure(0, 8), new byte[] {0x0f, 20, 0, 0});

    InputException e = assertThrows(InputException.class, () -> MadtReader.read(cut, "APIC"));

    assertThat(table.length).isGreaterThan(cut.length);
    assertThat(e.position()).isEqualTo(Position.offset(52));
    assertThat(e.detail()).contains("interrupt controller structure of type 0xf needs 20 bytes");
  }

  @Test
  void anotherTableIsRefused() {
    byte[] dsdt = madt();
    dsdt[0] = 'D';

    InputException e = assertThrows(InputException.class, () -> MadtReader.read(dsdt, "APIC"));

    assertThat(e.detail()).contains("not a APIC table");
  }

  /**
   * gic_acpi_parse_madt_its registers each GIC ITS under its translation ID with its base address
   * (iort_register_domain_token), which iort_find_its_base looks up for the Hi161x regions.
   */
  @Test
  void gicItsIdsAndBaseAddressesAreKept() throws Exception {
    MadtTable t = MadtReader.read(MadtBuilder.gicIts(0, 0x202100000L, 7, 0xffff_0000_0000_0000L), "APIC").value();

    assertThat(t.gicIts()).containsExactly(new MadtTable.GicIts(44, 0, 0x202100000L),
        new MadtTable.GicIts(64, 7, 0xffff_0000_0000_0000L)).inOrder();
    assertThat(t.its(7).orElseThrow().baseAddress()).isEqualTo(0xffff_0000_0000_0000L);
    assertThat(t.its(1)).isEmpty();
  }

  /** A GIC ITS structure too short for its base address registers no ITS (but still counts as one). */
  @Test
  void aTruncatedGicItsGivesNoBase() throws Exception {
    MadtTable t = MadtReader.read(madt(structure(0x0f, 8)), "APIC").value();

    assertThat(t.hasGicIts()).isTrue();
    assertThat(t.gicIts()).isEmpty();
  }
}
