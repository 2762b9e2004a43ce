package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /sys/firmware/memmap} as drivers/firmware/memmap.c makes it, and E820 coverage as arch/x86/kernel/e820.c walks it. */
class FirmwareMemoryMapTest {
  @TempDir Path tmp;

  private FirmwareMemoryMap read() throws InputException {
    return FirmwareMemoryMap.read(tmp).orElseThrow();
  }

  private String failure() {
    return assertThrows(InputException.class, () -> FirmwareMemoryMap.read(tmp)).getMessage();
  }

  @Test
  void entriesAreReadInTheKernelsOrderWithInclusiveEnds() throws Exception {
    MemmapFixture f = new MemmapFixture(tmp);
    for (int i = 0; i < 11; i++) {
      f.entry(i * 0x1000L, i * 0x1000L + 0xfff, i == 10 ? FirmwareMemoryMap.RESERVED : "System RAM");
    }
    FirmwareMemoryMap map = read();
    assertThat(map.entries()).hasSize(11);
    // Directory 10 comes after 9, not after 1.
    assertThat(map.entries().get(10)).isEqualTo(new FirmwareMemoryMap.Entry(10, 0xa000L, 0xafffL, "Reserved"));
  }

  @Test
  void aTreeWithoutAMemoryMapHasNone() throws Exception {
    assertThat(FirmwareMemoryMap.read(tmp)).isEqualTo(Optional.empty());
  }

  @Test
  void coverageChainsEntriesButAGapBreaksIt() throws Exception {
    MemmapFixture.bugzilla216443(tmp);
    FirmwareMemoryMap map = read();
    // The RMRR of the bug lies in the NVS entry alone.
    assertThat(map.mappedAll(0x6f760000L, 0x6f763000L, e -> true).map(FirmwareMemoryMap.Entry::type))
        .hasValue(FirmwareMemoryMap.ACPI_NVS);
    assertThat(map.mappedAll(0x6f760000L, 0x6f763000L, e -> e.type().equals("Reserved"))).isEmpty();
    // Across reserved and NVS: covered, by the NVS entry last.
    assertThat(map.mappedAll(0x6ebfe000L, 0x6ec00000L, e -> true).map(FirmwareMemoryMap.Entry::index)).hasValue(1);
    // Past the last entry: not covered.
    assertThat(map.mappedAll(0x6fffe000L, 0x70001000L, e -> true)).isEmpty();
  }

  @Test
  void valuesTheKernelWouldNotPrintAreErrorsNamingTheFile() throws Exception {
    new MemmapFixture(tmp).raw("0", "0x1000\n", "0xFFF\n", "Reserved\n");
    assertThat(failure()).isEqualTo(tmp + "/firmware/memmap/0/end: '0xFFF' is not an address as the kernel"
        + " prints it (0x and up to 16 lowercase hex digits)");
  }

  @Test
  void anEndBeforeTheStartIsRefusedAsTheKernelDoes() throws Exception {
    new MemmapFixture(tmp).raw("0", "0x2000\n", "0xffe\n", "Reserved\n");
    assertThat(failure()).isEqualTo(tmp + "/firmware/memmap/0/end: 0xffe does not follow the start 0x2000;"
        + " the kernel refuses such an entry (firmware_map_add_entry: BUG_ON(start > end))");
    // start == end + 1 is an empty entry, which the kernel allows.
    Files.writeString(tmp.resolve("firmware/memmap/0/end"), "0x1fff\n");
    assertThat(read().entries()).hasSize(1);
  }

  @Test
  void hostileNamesAndTypesAreErrors() throws Exception {
    new MemmapFixture(tmp).raw("x", "0x0\n", "0xfff\n", "Reserved\n");
    assertThat(failure()).isEqualTo(tmp + "/firmware/memmap/x: is not an entry number (the kernel names them 0, 1, 2, ...)");
    Files.move(tmp.resolve("firmware/memmap/x"), tmp.resolve("firmware/memmap/0"));
    Files.writeString(tmp.resolve("firmware/memmap/0/type"), "Res\u001b[2Jerved\n");
    assertThat(failure()).contains("firmware/memmap/0/type: ");
    assertThat(failure()).contains("is not a memory type name");
    Files.writeString(tmp.resolve("firmware/memmap/0/type"), "Reserved\n");
    Files.writeString(tmp.resolve("firmware/memmap/0/start"), "0x10000000000000000\n");
    assertThat(failure()).contains("firmware/memmap/0/start: '0x10000000000000000' is not an address");
    Files.delete(tmp.resolve("firmware/memmap/0/start"));
    assertThat(failure()).isEqualTo(tmp + "/firmware/memmap/0/start: missing (every memmap entry has start, end and type)");
  }

  @Test
  void aSnapshotCopiesTheMemoryMapByteForByte() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live);
    MemmapFixture.bugzilla216443(live);
    Path out = tmp.resolve("snap");
    Notes.keep(SnapshotWriter.write(live, out), new ArrayList<>());
    assertThat(FirmwareMemoryMap.read(out)).isEqualTo(FirmwareMemoryMap.read(live));
    assertThat(Files.readString(out.resolve("firmware/memmap/1/type"))).isEqualTo("ACPI Non-volatile Storage\n");
    List<String> copied = new ArrayList<>();
    try (var s = Files.list(out.resolve("firmware/memmap"))) {
      s.forEach(p -> copied.add(p.getFileName().toString()));
    }
    assertThat(copied).containsExactly("0", "1", "2");
  }
}
