package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IortBuilder.map;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;
import static dev.resvc.runtime.firmware.IortBuilder.single;

import dev.resvc.runtime.firmware.IortBuilder;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.kernel.ArmRegionBuilder.StreamBinding;
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
 * Regions derived by hand from the kernel functions each test names (drivers/acpi/arm64/iort.c,
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c).
 */
class ArmRegionBuilderTest {
  private static final int SMMU = 0x30;
  /** arm_smmu_get_resv_regions: always first. */
  private static final Region SW_MSI =
      new Region(0x08000000L, 0x100000L, RegionType.SW_MSI, Prot.MSI_DOORBELL, RegionSource.SW_MSI);

  private final List<InputNote> notes = new ArrayList<>();

  private Arm builder(byte[] data) throws Exception {
    IortTable t = Notes.keep(IortReader.read(data, "IORT.bin", true), notes);
    return new Arm(ArmRegionBuilder.of(t, TargetKernel.NEWEST, "IORT.bin"));
  }

  /** The builder's answers, each one's notes added to {@link #notes}, which the tests check together. */
  private final class Arm {
    private final ArmRegionBuilder builder;

    Arm(ArmRegionBuilder builder) {
      this.builder = builder;
    }

    List<Region> regionsForStreams(long smmuOffset, List<Long> streamIds) {
      return Notes.keep(builder.regionsForStreams(smmuOffset, streamIds), notes);
    }

    List<Region> regionsForPci(PciDevice device) {
      return Notes.keep(builder.regionsForPci(device), notes);
    }

    List<Region> regionsForPci(PciDevice device, boolean preserveBootConfig) {
      return Notes.keep(builder.regionsForPci(device, preserveBootConfig), notes);
    }

    Optional<StreamBinding> streamsForPci(PciAddress address) {
      return Notes.keep(builder.streamsForPci(address), notes);
    }

    Optional<StreamBinding> streamsForNamedComponent(String deviceName) {
      return Notes.keep(builder.streamsForNamedComponent(deviceName), notes);
    }
  }

  private Arm orion() throws Exception {
    return builder(Corpus.read(Corpus.iortDir().resolve("radxa-orion-o6-cix-sky1").resolve("IORT.bin")));
  }

  /**
   * SMMUv3 at 0x30 and one RMR (0x74) with a single mapping to stream 6 and the given flags and ranges
   * (flags 0x11: remap permitted, attribute 4, so READ|WRITE only).
   */
  private static byte[] oneRmr(int revision, long flags, byte[]... ranges) {
    return IortBuilder.iort(revision).smmuV3(0x0b010000L).rmr(flags, ranges, single(6, SMMU)).build();
  }

  private static Region rmr(long start, long length, RegionType type, int prot) {
    return new Region(start, length, type, new Prot(prot), RegionSource.IORT_RMR);
  }

  private static final int RW = Prot.READ | Prot.WRITE;

  // --- the corpus table ---

  /**
   * iort_node_get_rmr_info: mapping 3 of the RMR at 0x9e0 (single, output 6, SMMU 0xdc) holds stream
   * 6; iort_get_rmrs: remap permitted → direct-relaxable, attribute 4 → READ|WRITE only.
   */
  @Test
  void orionStream6BehindSmmu0xdcGetsTheRelaxableRmr() throws Exception {
    List<Region> regions = orion().regionsForStreams(0xdc, List.of(6L));
    assertThat(regions).containsExactly(SW_MSI, rmr(0x84800000L, 0x800000L, RegionType.DIRECT_RELAXABLE, RW)).inOrder();
    assertThat(regions.get(1).end()).isEqualTo(0x84ffffffL);
    assertThat(notes).isEmpty();
  }

  /** iort_rmr_has_dev: stream 2 is in none of the RMR's mappings (0,1,6,7,0xc,0xd,0x12,0x13,0x18,0x19). */
  @Test
  void orionStreamNotListedGetsOnlyTheSwMsiWindow() throws Exception {
    assertThat(orion().regionsForStreams(0xdc, List.of(2L))).containsExactly(SW_MSI);
  }

  /** iort_node_get_rmr_info: every RMR mapping references 0xdc, so the SMMU at 0x48 selects nothing. */
  @Test
  void orionOtherSmmuGetsNoRmr() throws Exception {
    assertThat(orion().regionsForStreams(0x48, List.of(6L))).containsExactly(SW_MSI);
  }

  /** iort_nc_iommu_map: \_SB_.DPU0's five single mappings give streams 0,1,3,4,5 on 0xdc. */
  @Test
  void orionNamedComponentStreamsAndRegions() throws Exception {
    Arm b = orion();
    StreamBinding dpu0 = b.streamsForNamedComponent("\\_SB_.DPU0").orElseThrow();
    assertThat(dpu0).isEqualTo(new StreamBinding(0xdc, List.of(0L, 1L, 3L, 4L, 5L)));
    assertThat(b.regionsForStreams(dpu0.smmuOffset(), dpu0.streamIds()))
        .containsExactly(SW_MSI, rmr(0x84800000L, 0x800000L, RegionType.DIRECT_RELAXABLE, RW)).inOrder();
    StreamBinding aeu0 = b.streamsForNamedComponent("\\_SB_.AEU0").orElseThrow();
    assertThat(aeu0).isEqualTo(new StreamBinding(0xdc, List.of(2L)));
    assertThat(b.regionsForStreams(aeu0.smmuOffset(), aeu0.streamIds())).containsExactly(SW_MSI);
    assertThat(b.streamsForNamedComponent("\\_SB_.NONE")).isEmpty();
  }

  /**
   * iort_iommu_configure_id → iort_node_map_id: the root complex of segment 0 maps RIDs 0..0xffff to
   * streams 0..0xffff on the SMMU at 0x48 (whose own mapping to the ITS group is not followed).
   */
  @Test
  void orionPciDeviceGoesToTheFirstSmmuWithoutRmr() throws Exception {
    Arm b = orion();
    PciDevice nvme = PciDevice.simple(PciAddress.parse("0000:01:00.0"), 0x144d, 0xa808, 0x010802);
    assertThat(b.streamsForPci(nvme.address())).hasValue(new StreamBinding(0x48, List.of(0x100L)));
    assertThat(b.regionsForPci(nvme)).containsExactly(SW_MSI);
    assertThat(b.streamsForPci(PciAddress.parse("0001:01:00.0"))).isEmpty();
    assertThat(b.regionsForPci(PciDevice.simple(PciAddress.parse("0001:01:00.0"), 0x144d, 0xa808, 0x010802))).isEmpty();
  }

  // --- iort_get_rmrs ---

  /** iort_get_rmrs: REMAP_PERMITTED clear → IOMMU_RESV_DIRECT. */
  @Test
  void remapNotPermittedGivesDirect() throws Exception {
    List<Region> regions = builder(oneRmr(5, 4 << 2, range(0x84800000L, 0x800000L))).regionsForStreams(SMMU, List.of(6L));
    assertThat(regions).containsExactly(SW_MSI, rmr(0x84800000L, 0x800000L, RegionType.DIRECT, RW)).inOrder();
  }

  /**
   * iort_find_rmrs: "Only supports ARM DEN 0049E.d onwards" (table revision < 5 → no RMR); the only
   * note is the reader's, saying the node is ignored.
   */
  @Test
  void revision4TableGivesNoRmrRegions() throws Exception {
    assertThat(builder(oneRmr(4, 1, range(0x84800000L, 0x800000L))).regionsForStreams(SMMU, List.of(6L)))
        .containsExactly(SW_MSI);
    assertThat(notes.stream().map(InputNote::message).toList()).containsExactly(
        "RMR node at 0x74 ignored: the table is revision 4 and the kernel reads RMR nodes only from revision 5"
            + " (IORT E.d) on");
  }

  /**
   * iort_get_rmrs: base or length not 64 KiB aligned → base &= PAGE_MASK, size = PAGE_ALIGN(size +
   * offset_in_page(base)), with the kernel's FW_BUG message. 0x84800800 + 0x1000 covers 0x84800800..
   * 0x848017ff, so two 4 KiB pages from 0x84800000; one 64 KiB page on a 64 KiB-page kernel.
   */
  @Test
  void unaligned64KDescriptorIsPageAligned() throws Exception {
    byte[] t = oneRmr(5, 0x11, range(0x84800800L, 0x1000L), range(0x90001000L, 0x3000L));
    List<Region> regions = builder(t).regionsForStreams(SMMU, List.of(6L));
    assertThat(regions).containsExactly(SW_MSI,
        rmr(0x84800000L, 0x2000L, RegionType.DIRECT_RELAXABLE, RW),
        rmr(0x90001000L, 0x3000L, RegionType.DIRECT_RELAXABLE, RW)).inOrder();
    // The builder was not told the page size: 4 KiB is assumed, and each fix-up says what 64 KiB pages give.
    assertThat(notes.stream().map(InputNote::message).toList()).containsExactly(
        "[Firmware Bug]: RMR descriptor[0x84800800 - 0x848017ff] not aligned to 64K, continue with [0x84800000 - 0x84801fff]",
        "the kernel's PAGE_SIZE is not known: the region is aligned to an assumed 4 KiB page; a 64 KiB-page kernel"
            + " makes it [0x84800000 - 0x8480ffff]",
        "[Firmware Bug]: RMR descriptor[0x90001000 - 0x90003fff] not aligned to 64K, continue with [0x90001000 - 0x90003fff]",
        "the kernel's PAGE_SIZE is not known: the region is aligned to an assumed 4 KiB page; a 64 KiB-page kernel"
            + " makes it [0x90000000 - 0x9000ffff]")
        .inOrder();
    int rangeArray = 0x74 + 28 + 20;
    assertThat(notes.get(2).position()).isEqualTo(Position.offset(rangeArray + 20));

    ArmRegionBuilder big = ArmRegionBuilder.of(IortReader.read(t, "IORT.bin", true).value(), TargetKernel.NEWEST, "IORT.bin",
        0x10000);
    assertThat(big.regionsForStreams(SMMU, List.of(6L)).value().get(1)).isEqualTo(
        rmr(0x84800000L, 0x10000L, RegionType.DIRECT_RELAXABLE, RW));
  }

  /**
   * iort_rmr_desc_check_overlap: zero length → FW_BUG "with zero length, continue anyway", and
   * iort_get_rmrs still allocates the region (0 is 64 KiB aligned, so no fix-up).
   */
  @Test
  void zeroLengthDescriptorGivesAZeroLengthRegion() throws Exception {
    List<Region> regions = builder(oneRmr(5, 0x11, range(0x90000000L, 0))).regionsForStreams(SMMU, List.of(6L));
    assertThat(regions).containsExactly(SW_MSI, rmr(0x90000000L, 0, RegionType.DIRECT_RELAXABLE, RW)).inOrder();
    assertThat(regions.get(1).isZeroLength()).isTrue();
    assertThat(notes.stream().map(InputNote::message).toList())
        .containsExactly("[Firmware Bug]: RMR descriptor[0x90000000] with zero length, continue anyway");
  }

  /** iort_rmr_desc_check_overlap: descriptor 0 overlaps descriptor 1; both regions are kept. */
  @Test
  void overlappingDescriptorsAreReportedAndKept() throws Exception {
    List<Region> regions = builder(oneRmr(5, 1, range(0x80000000L, 0x20000L), range(0x80010000L, 0x10000L)))
        .regionsForStreams(SMMU, List.of(6L));
    assertThat(regions).hasSize(3);
    assertThat(notes.stream().map(InputNote::message).toList())
        .containsExactly("[Firmware Bug]: RMR descriptor[0x80000000 - 0x8001ffff] overlaps, continue anyway");
  }

  /** iort_get_rmrs: attributes 0..3 → MMIO, 4 → nothing, 5 → CACHE; ACCESS_PRIVILEGE → PRIV. */
  @Test
  void protBitsForAttributes0To5() throws Exception {
    int[] expected = {RW | Prot.MMIO, RW | Prot.MMIO, RW | Prot.MMIO, RW | Prot.MMIO, RW, RW | Prot.CACHE};
    for (int attr = 0; attr <= 5; attr++) {
      assertThat(ArmRegionBuilder.rmrProt(attr << 2)).isEqualTo(new Prot(expected[attr]));
      assertThat(ArmRegionBuilder.rmrProt(attr << 2 | 2)).isEqualTo(new Prot(expected[attr] | Prot.PRIV));
    }
    assertThat(ArmRegionBuilder.rmrProt(6 << 2)).isEqualTo(new Prot(RW));
    List<Region> regions = builder(oneRmr(5, 5 << 2 | 2 | 1, range(0x84800000L, 0x10000L))).regionsForStreams(SMMU, List.of(6L));
    assertThat(regions.get(1).prot()).isEqualTo(new Prot(RW | Prot.CACHE | Prot.PRIV));
  }

  // --- iort_node_get_rmr_info ---

  /** iort_node_get_rmr_info: no mappings → FW_BUG "Invalid ID mapping, skipping RMR node". */
  @Test
  void rmrWithoutMappingsIsSkippedWithAFirmwareBug() throws Exception {
    byte[] t = IortBuilder.iort(5).smmuV3(0x0b010000L).rmr(1, ranges(range(0x84800000L, 0x10000L))).build();
    assertThat(builder(t).regionsForStreams(SMMU, List.of(6L))).containsExactly(SW_MSI);
    assertThat(notes).containsExactly(InputNote.warning("IORT.bin", Position.offset(0x74),
        "[Firmware Bug]: Invalid ID mapping, skipping RMR node at 0x74"));
  }

  /**
   * iort_rmr_has_dev: a range mapping covers [outputBase, outputBase + idCount] inclusive; the sum is
   * u32, so a range that wraps past 0xffffffff holds nothing.
   */
  @Test
  void rangeMappingBoundsAndU32Wrap() throws Exception {
    byte[] t = IortBuilder.iort(5).smmuV3(0x0b010000L)
        .rmr(1, ranges(range(0x84800000L, 0x10000L)), map(0, 0xf, 0x100, SMMU, 0), map(0, 1, 0xffffffffL, SMMU, 0))
        .build();
    Arm b = builder(t);
    assertThat(b.regionsForStreams(SMMU, List.of(0x100L))).hasSize(2);
    assertThat(b.regionsForStreams(SMMU, List.of(0x10fL))).hasSize(2);
    assertThat(b.regionsForStreams(SMMU, List.of(0x110L, 0xffL))).containsExactly(SW_MSI);
    assertThat(b.regionsForStreams(SMMU, List.of(0xffffffffL))).containsExactly(SW_MSI);
  }

  /**
   * iort_rmr_has_dev: a PCI device's RMRs count only if its host bridge has preserve_config; the RC
   * maps RID 0x100 (01:00.0) to stream 0x100, which the RMR names with a single mapping (id count 0,
   * no longer skipped since "Remove erroneous id_count check").
   */
  @Test
  void pciDeviceRmrNeedsPreservedBootConfig() throws Exception {
    byte[] t = IortBuilder.iort(5).smmuV3(0x0b010000L)
        .rootComplex(0, map(0, 0xffff, 0, SMMU, 0))
        .rmr(0, ranges(range(0xa0000000L, 0x100000L)), single(0x100, SMMU))
        .build();
    Arm b = builder(t);
    PciDevice dev = PciDevice.simple(PciAddress.parse("01:00.0"), 0x8086, 0x10fb, 0x020000);
    assertThat(b.streamsForPci(dev.address())).isEqualTo(Optional.of(new StreamBinding(SMMU, List.of(0x100L))));
    assertThat(b.regionsForPci(dev))
        .containsExactly(SW_MSI, rmr(0xa0000000L, 0x100000L, RegionType.DIRECT, RW | Prot.MMIO)).inOrder();
    assertThat(b.regionsForPci(dev, false)).containsExactly(SW_MSI);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).message()).contains("preserve_config");
    PciDevice other = PciDevice.simple(PciAddress.parse("01:00.1"), 0x8086, 0x10fb, 0x020000);
    assertThat(b.regionsForPci(other)).containsExactly(SW_MSI);
  }

  /**
   * iort_id_map: the last ID of a range that is also the first of the next one is handed to the next
   * mapping (the id_count off-by-one workaround, -EAGAIN then "conflicting mapping ... applying
   * workaround").
   */
  @Test
  void idCountOffByOneWorkaround() throws Exception {
    byte[] t = IortBuilder.iort(5).smmuV3(0x0b010000L)
        .rootComplex(0, map(0, 0x100, 0x1000, SMMU, 0), map(0x100, 0xff, 0x2000, SMMU, 0))
        .build();
    Arm b = builder(t);
    assertThat(b.streamsForPci(PciAddress.parse("00:1f.7")).orElseThrow().streamIds()).containsExactly(0x10ffL);
    assertThat(notes).isEmpty();
    assertThat(b.streamsForPci(PciAddress.parse("01:00.0")).orElseThrow().streamIds()).containsExactly(0x2000L);
    assertThat(notes.stream().map(InputNote::message).toList()).containsExactly(
        "[Firmware Bug]: [map in node 0x74] conflicting mapping for input ID 0x100",
        "[Firmware Bug]: applying workaround.").inOrder();
  }
}
