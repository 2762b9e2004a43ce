package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IvrsBuilder.entry4;

import dev.resvc.runtime.firmware.IvhdDeviceEntry;
import dev.resvc.runtime.firmware.IvrsBuilder;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Regions derived by hand from the kernel: {@code init_memory_definitions} / {@code
 * init_unity_map_range} (drivers/iommu/amd/init.c) build the unity-map list, {@code
 * amd_iommu_get_resv_regions} (drivers/iommu/amd/iommu.c) turns it into a device's regions.
 */
class AmdRegionBuilderTest {
  private static final String MECHREVO = "mechrevo-wujie14xa-9249a3556422";
  private static final String ZENBOOK = "asustek-computer-asus-zenbook-s-16-um5606wa-um5606wa-4af98851c2c6";

  private static final Region MSI =
      Region.ofInclusive(0xfee00000L, 0xfeefffffL, RegionType.MSI, Prot.NONE, RegionSource.MSI_WINDOW);
  private static final Region HT =
      Region.ofInclusive(0xfd00000000L, 0xffffffffffL, RegionType.RESERVED, Prot.NONE, RegionSource.HT_WINDOW);

  private final List<InputNote> notes = new ArrayList<>();

  private AmdRegionBuilder build(byte[] data, boolean htRangeIgnore) throws InputException {
    IvrsTable table = Notes.keep(IvrsReader.read(data, "IVRS.bin", false), notes);
    return Notes.keep(AmdRegionBuilder.from(table, TargetKernel.NEWEST,
        htRangeIgnore ? Optional.of(AmdRegionBuilder.EFR2_HT_RANGE_IGNORE) : Optional.empty(), "IVRS.bin"), notes);
  }

  private static byte[] corpus(String machine) {
    return Corpus.read(Corpus.ivrsDir().resolve(machine).resolve("IVRS.bin"));
  }

  private static PciDevice device(int segment, int bus, int dev, int fn) {
    return PciDevice.simple(PciAddress.of(segment, bus, dev, fn), 0x1022, 0x1234, 0x088000);
  }

  private static Region direct(long start, long end, Prot prot) {
    return Region.ofInclusive(start, end, RegionType.DIRECT, prot, RegionSource.IVMD);
  }

  /** An exclusion IVMD's region as v5.6+ reports it: r/w unity map (387caf0b759a). */
  private static Region exclusion(long start, long end) {
    return Region.ofInclusive(start, end, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.IVMD_EXCLUSION);
  }

  /** One type-0x40 IVHD (devid 00:00.2) naming ids up to {@code lastId} by a range end. */
  private static IvrsBuilder withIvhd(int lastId) {
    return IvrsBuilder.ivrs().ivhd(0x40, 0x30, 0x0002, 0, 0xfd200000L,
        entry4(IvhdDeviceEntry.TYPE_RANGE_START, 0x0003, 0), entry4(IvhdDeviceEntry.TYPE_RANGE_END, lastId, 0));
  }

  @Test
  void mechrevoOneByteExclusionRangesCoverBuses00To0fAsFullPages() throws Exception {
    // init_unity_map_range: type 0x22, devid 0x0000..aux 0x0fff; EXCL_RANGE -> prot IR|IW;
    // address_start = PAGE_ALIGN(0x9618e000) = 0x9618e000, address_end = start + PAGE_ALIGN(1) = start + 0x1000.
    // amd_iommu_get_resv_regions: list_add_tail in table order, then MSI, then HT.
    AmdRegionBuilder amd = build(corpus(MECHREVO), false);
    assertThat(amd.driverInitialised()).isTrue();
    assertThat(amd.targetIvhdType()).isEqualTo(0x40);
    assertThat(amd.unityMaps()).hasSize(5);
    List<Region> expected = List.of(
        exclusion(0x9618e000L, 0x9618efffL),
        exclusion(0x97d9d000L, 0x97d9dfffL),
        exclusion(0x97d9c000L, 0x97d9cfffL),
        exclusion(0x97b98000L, 0x97b98fffL),
        exclusion(0x97b97000L, 0x97b97fffL),
        MSI,
        HT);
    for (PciDevice d : List.of(device(0, 0, 0, 0), device(0, 0x00, 0x14, 0), device(0, 0x04, 0, 0),
        device(0, 0x0f, 0x1f, 7))) {
      assertThat(amd.regionsFor(d)).containsExactlyElementsIn(expected).inOrder();
    }
    assertThat(amd.regionsFor(device(0, 0x10, 0, 0))).containsExactly(MSI, HT).inOrder();
    assertThat(amd.regionsFor(device(1, 0x01, 0, 0))).containsExactly(MSI, HT).inOrder();
    // each 1-byte length is rounded to a page: one note per IVMD
    assertThat(notes.stream().filter(n -> n.message().contains("PAGE_ALIGN")).count()).isEqualTo(5);
    assertThat(notes.stream().filter(n -> n.message().contains("PAGE_ALIGN")).findFirst().orElseThrow().message())
        .contains("maps [0x000000009618e000, 0x000000009618efff]");
  }

  @Test
  void everyCorpusTableInitialisesWithIvhdType40AndOneUnityMapPerIvmd() throws Exception {
    // get_highest_supported_ivhd_type: 0x10, 0x11 and 0x40 all have devid 00:00.2, so 0x40; its range end 0xffff
    // (the alias range's end) is the segment's last_bdf.
    for (var dir : Corpus.machines(Corpus.ivrsDir())) {
      IvrsTable table = Notes.keep(IvrsReader.read(Corpus.read(dir.resolve("IVRS.bin")), "IVRS.bin", true), notes);
      AmdRegionBuilder amd = Notes.keep(AmdRegionBuilder.from(table, TargetKernel.NEWEST, Optional.empty(), "IVRS.bin"), notes);
      assertThat(amd.driverInitialised()).isTrue();
      assertThat(amd.targetIvhdType()).isEqualTo(0x40);
      assertThat(amd.lastBdf(0)).isEqualTo(0xffff);
      assertThat(amd.unityMaps()).hasSize(table.ivmds().size());
    }
  }

  @Test
  void lenovoSingleDeviceExclusionRange() throws Exception {
    // ThinkPad L14 Gen 3: type 0x21 flags 0x08 on 01:00.0, start 0xc9f42000 length 0x26000 (page aligned)
    AmdRegionBuilder amd = build(corpus("lenovo-thinkpad-l14-gen-3-21c60010bo-405067a82a69"), false);
    assertThat(amd.regionsFor(device(0, 1, 0, 0)))
        .containsExactly(exclusion(0xc9f42000L, 0xc9f67fffL), MSI, HT).inOrder();
    assertThat(amd.regionsFor(device(0, 1, 0, 1))).containsExactly(MSI, HT).inOrder();
  }

  @Test
  void unalignedStartIsRoundedUp() throws Exception {
    // PAGE_ALIGN(0x1234) = 0x2000; address_end = 0x2000 + PAGE_ALIGN(0x10) = 0x3000 (exclusive)
    byte[] data = withIvhd(0xfffe).ivmd(0x21, 0x07, 0x0100, 0, 0, 0x1234, 0x10).build();
    AmdRegionBuilder amd = build(data, false);
    AmdRegionBuilder.UnityMap u = amd.unityMaps().get(0);
    assertThat(u.addressStart()).isEqualTo(0x2000);
    assertThat(u.addressEnd()).isEqualTo(0x3000);
    assertThat(amd.regionsFor(device(0, 1, 0, 0)))
        .containsExactly(direct(0x2000, 0x2fff, Prot.READ_WRITE), MSI, HT).inOrder();
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(0x60));
  }

  @Test
  void zenbookUnityReadWriteMapAndExclusionRangeAreBothDirect() throws Exception {
    // flags 0x07: prot = 0x07 >> 1 = IR|IW; flags 0x08: prot forced to IR|IW, so the EXCL bit
    // (IOMMU_UNITY_MAP_FLAG_EXCL_RANGE) is gone and amd_iommu_get_resv_regions keeps IOMMU_RESV_DIRECT.
    AmdRegionBuilder amd = build(corpus(ZENBOOK), false);
    assertThat(amd.unityMaps()).hasSize(2);
    assertThat(amd.unityMaps().get(0).prot()).isEqualTo(3);
    assertThat(amd.unityMaps().get(1).prot()).isEqualTo(3);
    assertThat(amd.regionsFor(device(0, 0x00, 0x0c, 0)))
        .containsExactly(direct(0x7d900000L, 0x7d9fffffL, Prot.READ_WRITE), MSI, HT).inOrder();
    assertThat(amd.regionsFor(device(0, 0xc4, 0x00, 7)))
        .containsExactly(exclusion(0x75e00000L, 0x75e1ffffL), MSI, HT).inOrder();
    assertThat(amd.regionsFor(device(0, 0xc4, 0x00, 6))).containsExactly(MSI, HT).inOrder();
    assertThat(notes).isEmpty();
  }

  @Test
  void protComesFromIrIwAndExclusionWinsOverUnity() throws Exception {
    // init_memory_definitions: neither UNITY nor EXCL_RANGE -> ignored; init_unity_map_range: prot = flags >> 1,
    // then EXCL_RANGE forces IR|IW even with UNITY set.
    byte[] data = withIvhd(0xfffe)
        .ivmd(0x21, 0x01, 0x0100, 0, 0, 0x10000, 0x1000) // unity, no IR/IW: prot 0
        .ivmd(0x21, 0x03, 0x0100, 0, 0, 0x20000, 0x1000) // unity + IR
        .ivmd(0x21, 0x05, 0x0100, 0, 0, 0x30000, 0x1000) // unity + IW
        .ivmd(0x21, 0x09, 0x0100, 0, 0, 0x40000, 0x1000) // unity + exclusion: forced IR|IW
        .ivmd(0x21, 0x06, 0x0100, 0, 0, 0x50000, 0x1000) // IR|IW only: ignored
        .build();
    AmdRegionBuilder amd = build(data, true);
    assertThat(amd.regionsFor(device(0, 1, 0, 0))).containsExactly(
        direct(0x10000, 0x10fff, Prot.NONE),
        direct(0x20000, 0x20fff, new Prot(Prot.READ)),
        direct(0x30000, 0x30fff, new Prot(Prot.WRITE)),
        exclusion(0x40000, 0x40fff),
        MSI).inOrder();
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(0x60 + 4 * 32));
    assertThat(notes.get(0).message()).contains("the kernel ignores the block");
  }

  @Test
  void msiAndHtWindowsAndTheHtRangeIgnoreOption() throws Exception {
    // amd_iommu_get_resv_regions: MSI_RANGE_START..END as IOMMU_RESV_MSI, then HT_RANGE_START..END as
    // IOMMU_RESV_RESERVED unless amd_iommu_ht_range_ignore().
    byte[] data = withIvhd(0xfffe).build();
    List<Region> regions = build(data, false).regionsFor(device(0, 3, 0, 0));
    assertThat(regions).containsExactly(MSI, HT).inOrder();
    assertThat(regions.get(0).toSysfsLine()).isEqualTo("0x00000000fee00000 0x00000000feefffff msi");
    assertThat(regions.get(1).toSysfsLine()).isEqualTo("0x000000fd00000000 0x000000ffffffffff reserved");
    assertThat(build(data, true).regionsFor(device(0, 3, 0, 0))).containsExactly(MSI);
  }

  @Test
  void severalIvmdsCoveringOneDeviceComeInTableOrder() throws Exception {
    // init_unity_map_range: list_add_tail(&e->list, &pci_seg->unity_map); amd_iommu_get_resv_regions walks
    // the list from the head: table order, not address order. An IVMD on another segment is on another list.
    byte[] data = withIvhd(0x02ff)
        .ivmd(0x22, 0x08, 0x0100, 0x01ff, 0, 0x90000000L, 0x1000)
        .ivmd(0x21, 0x07, 0x0108, 0, 1, 0x70000000L, 0x1000)
        .ivmd(0x21, 0x07, 0x0108, 0, 0, 0x80000000L, 0x2000)
        .ivmd(0x20, 0x07, 0, 0, 0, 0x60000000L, 0x1000)
        .build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.regionsFor(device(0, 1, 1, 0))).containsExactly(
        exclusion(0x90000000L, 0x90000fffL),
        direct(0x80000000L, 0x80001fffL, Prot.READ_WRITE),
        direct(0x60000000L, 0x60000fffL, Prot.READ_WRITE),
        MSI,
        HT).inOrder();
    assertThat(amd.regionsFor(device(1, 1, 1, 0)))
        .containsExactly(direct(0x70000000L, 0x70000fffL, Prot.READ_WRITE), MSI, HT).inOrder();
  }

  @Test
  void ivmdAllEndsAtTheSegmentsLastBdf() throws Exception {
    // init_unity_map_range: ACPI_IVMD_TYPE_ALL -> devid_end = pci_seg->last_bdf, which find_last_devid_acpi
    // takes from the target-type IVHDs of the segment (here the range end 02:1f.7 = 0x02ff).
    byte[] data = withIvhd(0x02ff).ivmd(0x20, 0x08, 0, 0, 0, 0x60000000L, 0x1000).build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.lastBdf(0)).isEqualTo(0x02ff);
    assertThat(amd.lastBdf(7)).isEqualTo(0);
    assertThat(amd.unityMaps().get(0).devidEnd()).isEqualTo(0x02ff);
    assertThat(amd.regionsFor(device(0, 2, 0x1f, 7))).hasSize(3);
    assertThat(amd.regionsFor(device(0, 3, 0, 0))).containsExactly(MSI, HT).inOrder();
  }

  @Test
  void devAllEntryMakesLastBdf0xffff() throws Exception {
    // find_last_devid_from_ivhd: IVHD_DEV_ALL -> 0xffff
    byte[] data = IvrsBuilder.ivrs().ivhd(0x40, 0, 2, 0, 0, entry4(IvhdDeviceEntry.TYPE_ALL, 0, 0))
        .ivmd(0x20, 0x01, 0, 0, 0, 0x60000000L, 0x1000).build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.lastBdf(0)).isEqualTo(0xffff);
    assertThat(amd.regionsFor(device(0, 0xff, 0x1f, 7))).hasSize(3);
  }

  @Test
  void lastBdfComesOnlyFromIvhdsOfTheTargetType() throws Exception {
    // get_highest_supported_ivhd_type: the last block (up to type 0x40) with the first block's devid;
    // the 0x11 IVHD has another devid, so the driver uses type 0x10 and ignores the 0x11 block's ids.
    byte[] data = IvrsBuilder.ivrs()
        .ivhd(0x10, 0, 0x0002, 0, 0, entry4(IvhdDeviceEntry.TYPE_SELECT, 0x0100, 0))
        .ivhd(0x11, 0, 0x0040, 0, 0, entry4(IvhdDeviceEntry.TYPE_SELECT, 0x0500, 0))
        .ivmd(0x20, 0x08, 0, 0, 0, 0x60000000L, 0x1000)
        .build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.targetIvhdType()).isEqualTo(0x10);
    assertThat(amd.lastBdf(0)).isEqualTo(0x0100);
  }

  @Test
  void backwardsRangeCoversNoDevice() throws Exception {
    byte[] data = withIvhd(0xfffe).ivmd(0x22, 0x08, 0x0200, 0x0100, 0, 0x60000000L, 0x1000).build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.regionsFor(device(0, 1, 0, 0))).containsExactly(MSI, HT).inOrder();
    assertThat(amd.regionsFor(device(0, 2, 0, 0))).containsExactly(MSI, HT).inOrder();
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(notes.get(0).message()).contains("covers no device");
  }

  @Test
  void badChecksumMeansNoAmdIommuAndNoRegions() throws Exception {
    // early_amd_iommu_init: check_ivrs_checksum fails -> goto out; the driver never initialises.
    byte[] data = corpus(MECHREVO);
    data[10] ^= 0x01;
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.driverInitialised()).isFalse();
    assertThat(amd.whyNotInitialised().orElseThrow()).contains("check_ivrs_checksum");
    assertThat(amd.unityMaps()).isEmpty();
    assertThat(amd.regionsFor(device(0, 0, 0x14, 0))).isEmpty();
    // one warning from the reader, one from the builder, both at the checksum byte
    assertThat(notes).hasSize(2);
    assertThat(notes.get(1).level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(notes.get(1).position()).isEqualTo(Position.offset(9));
    assertThat(notes.get(1).message()).contains("does not initialise");
  }

  @Test
  void targetIvhdWithoutAnyDeviceIdMeansNoAmdIommu() throws Exception {
    // find_last_devid_from_ivhd returns -EINVAL -> alloc_pci_segment fails -> init_iommu_one -ENOMEM
    byte[] data = IvrsBuilder.ivrs().ivhd(0x40, 0, 2, 0, 0, entry4(IvhdDeviceEntry.TYPE_RANGE_START, 3, 0))
        .ivmd(0x21, 0x08, 0x0100, 0, 0, 0x60000000L, 0x1000).build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.driverInitialised()).isFalse();
    assertThat(amd.regionsFor(device(0, 1, 0, 0))).isEmpty();
    assertThat(notes.get(notes.size() - 1).position()).isEqualTo(Position.offset(0x30));
  }

  @Test
  void firstBlockAnIvmdMakesTheTargetTypeNotAnIvhd() throws Exception {
    // get_highest_supported_ivhd_type starts from whatever block is at offset 48
    byte[] data = IvrsBuilder.ivrs().ivmd(0x21, 0x08, 0x0002, 0, 0, 0x60000000L, 0x1000)
        .ivhd(0x40, 0, 0x0002, 0, 0, entry4(IvhdDeviceEntry.TYPE_ALL, 0, 0)).build();
    AmdRegionBuilder amd = build(data, false);
    assertThat(amd.targetIvhdType()).isEqualTo(0x40);
    assertThat(amd.driverInitialised()).isTrue();
    byte[] other = IvrsBuilder.ivrs().ivmd(0x21, 0x08, 0x0100, 0, 0, 0x60000000L, 0x1000)
        .ivhd(0x40, 0, 0x0002, 0, 0, entry4(IvhdDeviceEntry.TYPE_ALL, 0, 0)).build();
    AmdRegionBuilder broken = build(other, false);
    assertThat(broken.targetIvhdType()).isEqualTo(0x21);
    assertThat(broken.driverInitialised()).isFalse();
    assertThat(broken.whyNotInitialised().orElseThrow()).contains("not an IVHD type");
  }

  @Test
  void lengthThatPageAlignsToZeroGivesAZeroLengthRegion() throws Exception {
    // PAGE_ALIGN(0xfffffffffffff001) wraps to 0: address_end == address_start
    byte[] data = withIvhd(0xfffe).ivmd(0x21, 0x08, 0x0100, 0, 0, 0x60000000L, 0xfffffffffffff001L).build();
    AmdRegionBuilder amd = build(data, false);
    Region r = amd.regionsFor(device(0, 1, 0, 0)).get(0);
    assertThat(r.start()).isEqualTo(0x60000000L);
    assertThat(r.isZeroLength()).isTrue();
    assertThat(notes.get(0).message()).contains("zero-length region");
  }

  @Test
  void anAcpiHidEntryGivesTheDeviceNamedByItsHidAndIntegerUidItsDeviceIdAndItsIvmds() throws InputException {
    // Zenbook S 16: MSFT0201, UID format 1 with bytes 01 00 -> "1" (sprintf "%d"), device id 0x0060,
    // and the 0x21 unity-map IVMD for 00:0c.0 (flags 0x07).
    AmdRegionBuilder amd = build(corpus("asustek-computer-asus-zenbook-s-16-um5606wa-um5606wa-4af98851c2c6"), false);

    AmdRegionBuilder.AcpiHidDevice hit = amd.acpiHidDevice("MSFT0201", Optional.of("1")).orElseThrow();

    assertThat(hit.devid()).isEqualTo(0x0060);
    assertThat(AmdRegionBuilder.acpiHidUid(hit.entry())).isEqualTo("1");
    assertThat(amd.regionsFor(hit.segment(), hit.devid()).get(0))
        .isEqualTo(direct(0x7d900000L, 0x7d9fffffL, Prot.READ_WRITE));
    // acpi_dev_hid_uid_match: another _UID, or none, does not match a non-empty UID.
    assertThat(amd.acpiHidDevice("MSFT0201", Optional.of("2"))).isEmpty();
    assertThat(amd.acpiHidDevice("MSFT0201", Optional.empty())).isEmpty();
    assertThat(amd.acpiHidDevice("AMDI0020", Optional.of("1"))).isEmpty();
  }

  @Test
  void aCharacterUidIsComparedAsStored() throws InputException {
    // MECHREVO WUJIE14: four AMDI0020 entries with character UIDs \_SB.FUR0..3, all device id 0x00a5.
    AmdRegionBuilder amd = build(corpus("mechrevo-wujie14xa-9249a3556422"), false);

    assertThat(amd.acpiHidDevice("AMDI0020", Optional.of("\\_SB.FUR1")).orElseThrow().devid()).isEqualTo(0x00a5);
    assertThat(amd.acpiHidDevice("AMDI0020", Optional.of("0"))).isEmpty();
  }
}
