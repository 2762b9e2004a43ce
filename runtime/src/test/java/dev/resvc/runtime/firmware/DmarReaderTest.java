package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.DmarBuilder.scope;
import static dev.resvc.runtime.firmware.DmarBuilder.scopeWithLength;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.firmware.DeviceScope.PathHop;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DmarReaderTest {
  private static final String HP_DL360 = "hewlett-packard-proliant-dl360-g7-60dcee46526a";
  private static final String FRAMEWORK_13 = "framework-laptop-13-717edb7c4975";

  private final List<InputNote> notes = new ArrayList<>();

  private DmarTable read(byte[] data) throws InputException {
    return Notes.keep(DmarReader.read(data, "DMAR.bin", false), notes);
  }

  private InputException fails(byte[] data) {
    return assertThrows(InputException.class, () -> read(data));
  }

  private static DmarBuilder withDrhd() {
    return DmarBuilder.dmar().drhd(1, 0, 0xfed90000L, scope(3, 2, 0xf0, 0x1f, 0));
  }

  // --- real tables ---

  @Test
  void hpDl360TwoHopScopesDecodeIntoPathHops() throws Exception {
    DmarTable t = read(Corpus.dmar(HP_DL360));
    assertThat(t.rmrrs()).hasSize(3);
    DmarStructure.Rmrr nics = t.rmrrs().get(2);
    assertThat(nics.baseAddress()).isEqualTo(0xdf61e000L);
    assertThat(nics.endAddress()).isEqualTo(0xdf61ffffL);
    DeviceScope first = nics.scopes().get(0);
    assertThat(first.type()).isEqualTo(DeviceScope.PCI_ENDPOINT);
    assertThat(first.length()).isEqualTo(10);
    assertThat(first.startBus()).isEqualTo(0);
    assertThat(first.path()).containsExactly(new PathHop(0x01, 0), new PathHop(0x00, 0)).inOrder();
    assertThat(nics.scopes().get(1).path()).containsExactly(new PathHop(0x1c, 4), new PathHop(0, 0)).inOrder();
    assertThat(nics.scopes().get(4).path()).containsExactly(new PathHop(0x09, 0), new PathHop(0, 1)).inOrder();
    assertThat(t.drhds()).hasSize(1);
    assertThat(t.drhds().get(0).includePciAll()).isTrue();
    assertThat(t.structures().get(4)).isInstanceOf(DmarStructure.Atsr.class);
    assertThat(notes).isEmpty();
  }

  @Test
  void framework13SatcAndSidpAreDecodedAndPrintedAsOtherLines() throws Exception {
    DmarTable t = read(Corpus.dmar(FRAMEWORK_13));
    assertThat(t.rmrrs()).isEmpty();
    DmarStructure.Satc satc = (DmarStructure.Satc) t.structures().get(2);
    assertThat(satc.offset()).isEqualTo(0x68);
    assertThat(satc.flags()).isEqualTo(1);
    assertThat(satc.scopes().stream().map(DeviceScope::path).toList())
        .containsExactly(List.of(new PathHop(0x02, 0)), List.of(new PathHop(0x0b, 0))).inOrder();
    DmarStructure.Sidp sidp = (DmarStructure.Sidp) t.structures().get(3);
    assertThat(sidp.length()).isEqualTo(0x18);
    assertThat(sidp.scopes().get(0).flags()).isEqualTo(0x1f);
    assertThat(sidp.scopes().get(1).flags()).isEqualTo(0x1c);
    assertThat(t.hostAddressWidth()).isEqualTo(42);
    assertThat(notes).isEmpty();
  }

  @Test
  void headerFieldsAreKeptAsStored() throws Exception {
    AcpiHeader h = read(withDrhd().build()).header();
    assertThat(h.signature()).isEqualTo("DMAR");
    assertThat(h.oemId()).isEqualTo("RESVC ");
    assertThat(h.oemTableId()).isEqualTo("TESTTBL ");
    assertThat(h.oemRevision()).isEqualTo(1);
    assertThat(h.creatorId()).isEqualTo("RSVC");
    assertThat(h.creatorRevision()).isEqualTo(0x20260101L);
    assertThat(h.checksumOk()).isTrue();
  }

  // --- checksum ---

  @Test
  void badChecksumIsAWarningUnlessStrict() throws Exception {
    byte[] data = Corpus.dmar(FRAMEWORK_13);
    data[10] ^= 0x01;
    DmarTable t = read(data);
    assertThat(t.header().checksumOk()).isFalse();
    assertThat(notes).hasSize(1);
    InputNote n = notes.get(0);
    assertThat(n.level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(n.position()).isEqualTo(Position.offset(9));
    assertThat(n.message()).contains("sum to 0x");
    assertThat(n.message()).contains("expected 0x00");

    InputException e =
        assertThrows(InputException.class, () -> DmarReader.read(data, "DMAR.bin", true).value());
    assertThat(e.position()).isEqualTo(Position.offset(9));
    assertThat(e.detail()).contains("checksum is wrong");
    assertThat(e.getMessage()).startsWith("DMAR.bin: offset 0x9: ");
  }

  @Test
  void checksumWarningNamesTheActualSum() throws Exception {
    byte[] data = withDrhd().build();
    data[20] += 3;
    read(data);
    assertThat(notes.get(0).message()).contains("sum to 0x03, expected 0x00");
  }

  // --- header problems ---

  @Test
  void truncatedBelow48Bytes() {
    InputException e = fails(Arrays.copyOf(Corpus.dmar(FRAMEWORK_13), 40));
    assertThat(e.position()).isEqualTo(Position.offset(40));
    assertThat(e.detail()).isEqualTo("table is only 40 bytes, too short for the 48-byte DMAR header");
  }

  @Test
  void emptyInput() {
    InputException e = fails(new byte[0]);
    assertThat(e.position()).isEqualTo(Position.offset(0));
    assertThat(e.detail()).contains("too short");
  }

  @Test
  void wrongSignature() {
    byte[] data = Corpus.dmar(FRAMEWORK_13);
    data[0] = 'I';
    data[1] = 'V';
    data[2] = 'R';
    data[3] = 'S';
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0));
    assertThat(e.detail()).isEqualTo("signature is 'IVRS', not 'DMAR': not a DMAR table");
  }

  @Test
  void headerLengthLargerThanData() {
    InputException e = fails(Arrays.copyOf(Corpus.dmar(FRAMEWORK_13), 100));
    assertThat(e.position()).isEqualTo(Position.offset(4));
    assertThat(e.detail()).isEqualTo("header length 0x98 is larger than the 0x64 bytes of data: the table is truncated");
  }

  @Test
  void headerLengthSmallerThanHeader() {
    byte[] data = withDrhd().build();
    data[4] = 40;
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(4));
    assertThat(e.detail()).isEqualTo("header length 0x28 is smaller than the 48-byte DMAR header");
  }

  @Test
  void dataBeyondTheHeaderLengthIsIgnoredWithAWarning() throws Exception {
    byte[] original = Corpus.dmar(FRAMEWORK_13);
    byte[] longer = Arrays.copyOf(original, original.length + 7);
    Arrays.fill(longer, original.length, longer.length, (byte) 0xee);
    assertThat(read(longer)).isEqualTo(read(original));
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(0x98));
    assertThat(notes.get(0).message()).contains("7 bytes of data after the table end");
  }

  @Test
  void tinyHostAddressWidthIsWarned() throws Exception {
    byte[] data = withDrhd().build();
    data[36] = 10;
    read(DmarBuilder.fixChecksum(data));
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(36));
    assertThat(notes.get(0).message()).contains("Invalid DMAR haw");
  }

  // --- structure walk ---

  @Test
  void structureRunningPastTheEnd() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    byte[] data = b.rmrrWithLength(0x40, 0, 0x1000, 0x1fff, scope(1, 0, 0, 0x14, 0)).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(at));
    assertThat(e.detail()).isEqualTo(
        "RMRR structure of length 0x40 runs past the table end at 0x" + Integer.toHexString(data.length)
            + " (kernel: FW_BUG \"Record passes table end\")");
  }

  @Test
  void fewerThanFourBytesLeftForAStructureHeader() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.u16(1).build());
    assertThat(e.position()).isEqualTo(Position.offset(at));
    assertThat(e.detail()).contains("needs 4 bytes but only 2 are left");
  }

  @Test
  void zeroLengthStructureStopsTheWalkWithANote() throws Exception {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    byte[] data = b.structure(1, 0, new byte[12]).rmrr(0, 0x1000, 0x1fff, scope(1, 0, 0, 0x14, 0)).build();
    DmarTable t = read(data);
    assertThat(t.structures()).hasSize(1);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.NOTE);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(at));
    assertThat(notes.get(0).message()).contains("zero-length remapping structure");
    assertThat(notes.get(0).message()).contains("Invalid 0-length structure");
  }

  @Test
  void rmrrShorterThanItsFixedPart() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.structure(1, 16, new byte[12]).build());
    assertThat(e.position()).isEqualTo(Position.offset(at));
    assertThat(e.detail()).isEqualTo("RMRR structure length 0x10 is smaller than its 24-byte fixed part");
  }

  @Test
  void rhsaShorterThanItsFixedPart() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.structure(3, 16, new byte[12]).build());
    assertThat(e.position()).isEqualTo(Position.offset(at));
    assertThat(e.detail()).isEqualTo("RHSA structure length 0x10 is smaller than its 20-byte fixed part");
  }

  @Test
  void unknownTypeIsSkippedByItsLengthWithANote() throws Exception {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    byte[] data = b.structure(0x0009, 16, new byte[12]).rmrr(0, 0x1000, 0x1fff, scope(1, 0, 0, 0x14, 0)).build();
    DmarTable t = read(data);
    assertThat(t.structures().get(1)).isEqualTo(new DmarStructure.UnknownStructure(at, 9, 16));
    assertThat(t.rmrrs()).hasSize(1);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.NOTE);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(at));
    assertThat(notes.get(0).message()).isEqualTo(
        "unknown remapping structure type 0x0009 (length 0x10) skipped by its length, as the kernel does");
  }

  @Test
  void anddWithoutNulIsAnError() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.u16(4).u16(16).u8(0).u8(0).u8(0).u8(1).ascii("\\_SB.I2C").build());
    assertThat(e.position()).isEqualTo(Position.offset(at + 8));
    assertThat(e.detail()).contains("ANDD object name has no terminating NUL");
  }

  @Test
  void anddRhsaAndAtsrAreDecoded() throws Exception {
    byte[] data = withDrhd()
        .u16(4).u16(20).u8(0).u8(0).u8(0).u8(7).ascii("\\_SB.I2C1\0\0\0")
        .u16(3).u16(20).u32(0).u64(0xfed90000L).u32(2)
        .u16(2).u16(16).u8(1).u8(0).u16(0).bytes(scope(2, 0, 0, 0x1c, 0))
        .build();
    DmarTable t = read(data);
    assertThat(t.structures().get(1)).isEqualTo(new DmarStructure.Andd(0x48, 20, 7, "\\_SB.I2C1"));
    assertThat(t.structures().get(2)).isEqualTo(new DmarStructure.Rhsa(0x5c, 20, 0xfed90000L, 2));
    DmarStructure.Atsr atsr = (DmarStructure.Atsr) t.structures().get(3);
    assertThat(atsr.flags()).isEqualTo(1);
    assertThat(atsr.scopes().get(0).kindName()).isEqualTo("pci-bridge");
    assertThat(atsr.scopes().get(0).path()).containsExactly(new PathHop(0x1c, 0));
    assertThat(notes).isEmpty();
  }

  @Test
  void noDrhdIsAWarning() throws Exception {
    DmarTable t = read(DmarBuilder.dmar().rmrr(0, 0x1000, 0x1fff, scope(1, 0, 0, 0x14, 0)).build());
    assertThat(t.rmrrs()).hasSize(1);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(notes.get(0).message()).contains("No DRHD structure found");
  }

  @Test
  void insaneRmrrIsKeptWithAWarning() throws Exception {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    DmarTable t = read(b.rmrr(0, 0x2000, 0x1fff, scope(1, 0, 0, 0x14, 0)).rmrr(0, 0x1800, 0x2fff).build());
    assertThat(t.rmrrs()).hasSize(2);
    assertThat(t.rmrrs().get(0).isSane()).isFalse();
    assertThat(notes).hasSize(2);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(at));
    assertThat(notes.get(0).message()).contains("end not above base");
    assertThat(notes.get(1).message()).contains("base not 4 KiB aligned");
    assertThat(notes.get(1).message()).contains("still uses it");
  }

  // --- device scopes ---

  @Test
  void scopeLengthZero() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.rmrr(0, 0x1000, 0x1fff, scopeWithLength(1, 0, 0, 0, 0x14, 0)).build());
    assertThat(e.position()).isEqualTo(Position.offset(at + 24));
    assertThat(e.detail()).isEqualTo("device scope length 0x00 is less than the 6 bytes of a scope header");
  }

  @Test
  void scopeRunningPastItsRmrr() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    byte[] data = b.rmrr(0, 0x1000, 0x1fff, scope(1, 0, 0, 0x14, 0), scopeWithLength(1, 10, 0, 0, 0x1a, 0))
        .rmrr(0, 0x3000, 0x3fff, scope(1, 0, 0, 0x14, 0))
        .build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(at + 32));
    assertThat(e.detail()).isEqualTo("device scope of length 0x0a runs past the end of its RMRR at 0x"
        + Integer.toHexString(at + 40));
  }

  @Test
  void oddScopeLength() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.rmrr(0, 0x1000, 0x1fff, scopeWithLength(1, 7, 0, 0, 0x14, 0, 0)).build());
    assertThat(e.position()).isEqualTo(Position.offset(at + 24));
    assertThat(e.detail()).contains("not 6 plus 2 bytes per path hop");
  }

  @Test
  void trailingBytesTooShortForAScope() {
    DmarBuilder b = withDrhd();
    int at = b.offset();
    InputException e = fails(b.rmrr(0, 0x1000, 0x1fff, scope(1, 0, 0, 0x14, 0), new byte[] {1, 8, 0, 0}).build());
    assertThat(e.position()).isEqualTo(Position.offset(at + 32));
    assertThat(e.detail()).contains("only 4 are left in its RMRR");
  }
}
