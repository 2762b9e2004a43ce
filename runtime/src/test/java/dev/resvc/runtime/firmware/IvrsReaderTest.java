package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IvrsBuilder.acpiHid;
import static dev.resvc.runtime.firmware.IvrsBuilder.acpiHidWithUidLength;
import static dev.resvc.runtime.firmware.IvrsBuilder.alias;
import static dev.resvc.runtime.firmware.IvrsBuilder.entry4;
import static dev.resvc.runtime.firmware.IvrsBuilder.entry8;
import static dev.resvc.runtime.firmware.IvrsBuilder.special;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IvrsReaderTest {
  static final String MECHREVO = "mechrevo-wujie14xa-9249a3556422";
  static final String ZENBOOK = "asustek-computer-asus-zenbook-s-16-um5606wa-um5606wa-4af98851c2c6";
  static final String IDEAPAD = "lenovo-ideapad-slim-3-15abr8-82xm-f9685d1e4132";

  private final List<InputNote> notes = new ArrayList<>();

  static byte[] corpus(String machine) {
    return Corpus.read(Corpus.ivrsDir().resolve(machine).resolve("IVRS.bin"));
  }

  private IvrsTable read(byte[] data) throws InputException {
    return Notes.keep(IvrsReader.read(data, "IVRS.bin", false), notes);
  }

  private InputException fails(byte[] data) {
    return assertThrows(InputException.class, () -> read(data));
  }

  /** One type-0x40 IVHD (at 0x30) covering 00:00.3-ff:1f.6, as on the corpus machines. */
  private static IvrsBuilder withIvhd() {
    return IvrsBuilder.ivrs().ivhd(0x40, 0x30, 0x0002, 0, 0xfd200000L,
        entry4(IvhdDeviceEntry.TYPE_RANGE_START, 0x0003, 0), entry4(IvhdDeviceEntry.TYPE_RANGE_END, 0xfffe, 0));
  }

  // --- real tables ---

  @Test
  void mechrevoIvhd40DecodesEveryKindOfDeviceEntry() throws Exception {
    IvrsTable t = read(corpus(MECHREVO));
    assertThat(t.ivinfo()).isEqualTo(0x00203043L);
    IvrsBlock.Ivhd h = t.ivhds().get(2);
    assertThat(h.offset()).isEqualTo(0x168);
    assertThat(h.type()).isEqualTo(0x40);
    assertThat(h.capabilityOffset()).isEqualTo(0x40);
    assertThat(h.featureReporting()).isEqualTo(0x00048000L);
    assertThat(h.efrImage()).isEqualTo(0x246577efa2054adaL);
    assertThat(h.efrImage2()).isEqualTo(0);
    List<IvhdDeviceEntry> e = h.entries();
    assertThat(e).hasSize(11);
    assertThat(e.get(0)).isEqualTo(new IvhdDeviceEntry.RangeStart(0x190, 0x0003, 0));
    assertThat(e.get(1)).isEqualTo(new IvhdDeviceEntry.RangeEnd(0x194, 0xfffe, 0));
    assertThat(e.get(2)).isEqualTo(new IvhdDeviceEntry.Alias(0x198, 0x43, 0xff00, 0, 0x00a5));
    assertThat(e.get(5)).isEqualTo(new IvhdDeviceEntry.Special(0x1ac, 0, 0xd7, 0x21, 0x00a0, 1));
    assertThat(((IvhdDeviceEntry.Special) e.get(4)).varietyName()).isEqualTo("hpet");
    IvhdDeviceEntry.AcpiHid hid = (IvhdDeviceEntry.AcpiHid) e.get(7);
    assertThat(hid.offset()).isEqualTo(0x1bc);
    assertThat(hid.deviceId()).isEqualTo(0x00a5);
    assertThat(hid.settings()).isEqualTo(0x40);
    assertThat(hid.hid()).isEqualTo("AMDI0020");
    assertThat(hid.cid()).isEqualTo(0);
    assertThat(hid.uidFormat()).isEqualTo(2);
    assertThat(hid.uid()).isEqualTo("\\_SB.FUR0");
    assertThat(hid.length()).isEqualTo(31);
    assertThat(((IvhdDeviceEntry.AcpiHid) e.get(10)).uid()).isEqualTo("\\_SB.FUR3");
    assertThat(notes).isEmpty();
  }

  @Test
  void mechrevoIvmdFieldsAreKeptAsStated() throws Exception {
    IvrsBlock.Ivmd m = read(corpus(MECHREVO)).ivmds().get(0);
    assertThat(m.offset()).isEqualTo(0xc8);
    assertThat(m.type()).isEqualTo(IvrsBlock.TYPE_IVMD_RANGE);
    assertThat(m.flags()).isEqualTo(0x08);
    assertThat(m.exclusionRange()).isTrue();
    assertThat(m.unity()).isFalse();
    assertThat(m.deviceId()).isEqualTo(0);
    assertThat(m.auxiliaryData()).isEqualTo(0x0fff);
    assertThat(m.startAddress()).isEqualTo(0x9618e000L);
    assertThat(m.memoryLength()).isEqualTo(1);
    assertThat(m.devicesText()).isEqualTo("00:00.0-0f:1f.7");
  }

  @Test
  void ivmdDevicesTextHasAllThreeForms() throws Exception {
    IvrsTable t = read(withIvhd()
        .ivmd(0x20, 0x01, 0, 0, 0, 0x1000, 0x2000)
        .ivmd(0x21, 0x07, 0x0060, 0, 0, 0x7d900000L, 0x100000)
        .ivmd(0x22, 0x08, 0x0100, 0x01ff, 0, 0x9618e000L, 1)
        .build());
    assertThat(t.ivmds().stream().map(IvrsBlock.Ivmd::devicesText).toList())
        .containsExactly("all", "00:0c.0", "01:00.0-01:1f.7").inOrder();
  }

  @Test
  void type51BlockIsKeptAndNoted() throws Exception {
    IvrsTable t = read(corpus(IDEAPAD));
    IvrsBlock last = t.blocks().get(t.blocks().size() - 1);
    assertThat(last).isInstanceOf(IvrsBlock.UnknownBlock.class);
    assertThat(last.type()).isEqualTo(0x51);
    assertThat(last.length()).isEqualTo(0x20);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.NOTE);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(last.offset()));
    assertThat(notes.get(0).message()).contains("skipped by its length");
  }

  // --- built tables ---

  @Test
  void everyDeviceEntryKindRoundTrips() throws Exception {
    byte[] data = IvrsBuilder.ivrs().ivhd(0x40, 0, 2, 1, 0xfeb80000L,
            entry4(0, 0, 0),
            entry4(1, 0, 0x01),
            entry4(2, 0x0108, 0x02),
            entry4(3, 0x0200, 0),
            entry4(4, 0x02ff, 0),
            alias(0x42, 0x0300, 0x0301),
            entry8(0x46, 0x0400, 0x10, 0x80000000L),
            entry8(0x47, 0x0500, 0, 0x12345678L),
            entry4(4, 0x05ff, 0),
            special(0x0a, 0x00a0, 2),
            acpiHid(0x00a5, "AMDI0040", 0x1234L, 1, "7"),
            entry4(0x3f, 0x0600, 0),
            entry8(0x7e, 0x0700, 0, 0))
        .build();
    List<IvhdDeviceEntry> e = read(data).ivhds().get(0).entries();
    int o = 0x30 + 40;
    assertThat(e).containsExactly(
        new IvhdDeviceEntry.Pad(o, 0, 0),
        new IvhdDeviceEntry.All(o + 4, 0, 1),
        new IvhdDeviceEntry.Select(o + 8, 0x0108, 2),
        new IvhdDeviceEntry.RangeStart(o + 12, 0x0200, 0),
        new IvhdDeviceEntry.RangeEnd(o + 16, 0x02ff, 0),
        new IvhdDeviceEntry.Alias(o + 20, 0x42, 0x0300, 0, 0x0301),
        new IvhdDeviceEntry.Extended(o + 28, 0x46, 0x0400, 0x10, 0x80000000L),
        new IvhdDeviceEntry.Extended(o + 36, 0x47, 0x0500, 0, 0x12345678L),
        new IvhdDeviceEntry.RangeEnd(o + 44, 0x05ff, 0),
        new IvhdDeviceEntry.Special(o + 48, 0, 0, 0x0a, 0x00a0, 2),
        new IvhdDeviceEntry.AcpiHid(o + 56, 0x00a5, 0, "AMDI0040", 0x1234L, 1, "7"),
        new IvhdDeviceEntry.Unknown(o + 79, 0x3f, 0x0600, 0),
        new IvhdDeviceEntry.Unknown(o + 83, 0x7e, 0x0700, 0))
        .inOrder();
    assertThat(e.get(12).length()).isEqualTo(8);
    assertThat(read(data).ivhds().get(0).pciSegment()).isEqualTo(1);
    assertThat(notes).isEmpty();
  }

  @Test
  void ivhd10HasA24ByteHeaderAndNoEfr() throws Exception {
    byte[] data = IvrsBuilder.ivrs().ivhd(0x10, 0xb0, 2, 0, 0xfd200000L, entry4(1, 0, 0)).build();
    IvrsBlock.Ivhd h = read(data).ivhds().get(0);
    assertThat(h.length()).isEqualTo(28);
    assertThat(h.hasEfrImage()).isFalse();
    assertThat(h.efrImage()).isEqualTo(0);
    assertThat(h.entries()).containsExactly(new IvhdDeviceEntry.All(0x30 + 24, 0, 0));
  }

  @Test
  void acpiHidInAnIvhd11IsDecodedWithANote() throws Exception {
    byte[] data = IvrsBuilder.ivrs().ivhd(0x11, 0, 2, 0, 0, acpiHid(0xa5, "AMDI0020", 0, 2, "U")).build();
    assertThat(read(data).ivhds().get(0).entries()).hasSize(1);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(0x30 + 40));
    assertThat(notes.get(0).message()).contains("the kernel ignores it");
  }

  // --- checksum ---

  @Test
  void badChecksumWarnsThatTheDriverGivesUp() throws Exception {
    byte[] data = corpus(ZENBOOK);
    data[10] ^= 0x01;
    IvrsTable t = read(data);
    assertThat(t.header().checksumOk()).isFalse();
    assertThat(notes).hasSize(1);
    InputNote n = notes.get(0);
    assertThat(n.level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(n.position()).isEqualTo(Position.offset(9));
    assertThat(n.message()).contains("expected 0x00");
    assertThat(n.message()).contains("the AMD IOMMU driver gives up entirely");
    assertThat(n.message()).contains("check_ivrs_checksum");
  }

  @Test
  void badChecksumIsAnErrorUnderStrict() {
    byte[] data = corpus(ZENBOOK);
    data[10] ^= 0x01;
    InputException e = assertThrows(InputException.class, () -> Notes.keep(IvrsReader.read(data, "IVRS.bin", true), notes));
    assertThat(e.position()).isEqualTo(Position.offset(9));
    assertThat(e.detail()).startsWith("checksum is wrong: the table's bytes sum to 0xff");
  }

  // --- malformed tables ---

  @Test
  void wrongSignature() {
    byte[] data = withIvhd().build();
    data[0] = 'D';
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0));
    assertThat(e.detail()).isEqualTo("signature is 'DVRS', not 'IVRS': not a IVRS table");
  }

  @Test
  void truncatedHeader() {
    InputException e = fails(Arrays.copyOf(corpus(MECHREVO), 40));
    assertThat(e.position()).isEqualTo(Position.offset(40));
    assertThat(e.detail()).isEqualTo("table is only 40 bytes, too short for the 48-byte IVRS header");
  }

  @Test
  void truncatedTable() {
    InputException e = fails(Arrays.copyOf(corpus(MECHREVO), 0x200));
    assertThat(e.position()).isEqualTo(Position.offset(4));
    assertThat(e.detail()).contains("larger than the 0x200 bytes of data");
  }

  @Test
  void blockRunningPastTheTable() {
    byte[] data = withIvhd().ivmdWithLength(0x21, 0x40, 0x08, 0x0300, 0, 0, 0x1000, 0x1000).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x60));
    assertThat(e.detail()).isEqualTo("IVMD type 0x21 block of length 0x40 runs past the table end at 0x80");
  }

  @Test
  void ivmdWhoseLengthIsNot32() {
    byte[] data = withIvhd().ivmdWithLength(0x21, 0x18, 0x08, 0x0300, 0, 0, 0x1000, 0x1000).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x60));
    assertThat(e.detail()).isEqualTo("IVMD block length 0x18 is not 0x20 (an IVMD is always 32 bytes)");
  }

  @Test
  void zeroBlockLength() {
    byte[] data = withIvhd().block(0x51, 0, 0, new byte[4]).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x60));
    assertThat(e.detail()).isEqualTo("zero-length IVRS block (type 0x51): the kernel's table walks never get past it");
  }

  @Test
  void blockLengthBelowItsHeader() {
    byte[] data = withIvhd().block(0x51, 0, 2, new byte[2]).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x60));
    assertThat(e.detail()).isEqualTo("type 0x51 block length 0x2 is smaller than the 4-byte block header");
  }

  @Test
  void trailingBytesTooShortForABlockHeader() {
    byte[] data = withIvhd().u8(0x51).u8(0).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x60));
    assertThat(e.detail()).isEqualTo("IVRS block header needs 4 bytes but only 2 are left before the table end at 0x62");
  }

  @Test
  void ivhdShorterThanItsHeader() {
    byte[] data = IvrsBuilder.ivrs().ivhdWithLength(0x11, 24, 0, 2, 0, 0).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x30));
    assertThat(e.detail()).isEqualTo("IVHD type 0x11 block length 0x18 is smaller than its 40-byte header");
  }

  @Test
  void eightByteDeviceEntryRunningPastItsIvhd() {
    // the IVHD says 24 + 4 bytes, but holds an 8-byte alias entry
    byte[] data = IvrsBuilder.ivrs().ivhdWithLength(0x10, 28, 0, 2, 0, 0, alias(0x42, 0x10, 0x11))
        .ivmd(0x21, 0x08, 0x0300, 0, 0, 0x1000, 0x1000).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x30 + 24));
    assertThat(e.detail()).isEqualTo("IVHD device entry type 0x42 needs 8 bytes but runs past the end of its IVHD at 0x4c");
  }

  @Test
  void acpiHidUidRunningPastItsIvhd() {
    byte[] entry = acpiHidWithUidLength(0xa5, "AMDI0020", 0, 2, 9, "\\_SB.F");
    byte[] data = IvrsBuilder.ivrs().ivhd(0x40, 0, 2, 0, 0, entry).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x58));
    assertThat(e.detail()).isEqualTo("IVHD device entry type 0xf0 needs 31 bytes but runs past the end of its IVHD at 0x74");
  }

  @Test
  void acpiHidTooShortForItsUidLength() {
    byte[] data = IvrsBuilder.ivrs().ivhd(0x40, 0, 2, 0, 0, Arrays.copyOf(acpiHid(0xa5, "AMDI0020", 0, 0, ""), 20)).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x58));
    assertThat(e.detail()).isEqualTo("IVHD device entry type 0xf0 needs 22 bytes but runs past the end of its IVHD at 0x6c");
  }

  @Test
  void deviceEntryTypeWithoutAKnownLength() {
    byte[] data = IvrsBuilder.ivrs().ivhd(0x40, 0, 2, 0, 0, entry4(0x81, 0, 0)).build();
    InputException e = fails(data);
    assertThat(e.position()).isEqualTo(Position.offset(0x58));
    assertThat(e.detail()).contains("type 0x81 has no known length");
  }

  @Test
  void dataAfterTheTableIsIgnoredWithAWarning() throws Exception {
    byte[] table = withIvhd().build();
    byte[] data = Arrays.copyOf(table, table.length + 3);
    assertThat(read(data).blocks()).hasSize(1);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(table.length));
  }
}
