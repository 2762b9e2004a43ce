package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IortBuilder.map;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;
import static dev.resvc.runtime.firmware.IortBuilder.single;

import dev.resvc.runtime.firmware.IortBuilder;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.MadtBuilder;
import dev.resvc.runtime.firmware.MadtReader;
import dev.resvc.runtime.firmware.MadtTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.PciDmaAliases.BridgeKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the Arm IORT code adds beyond a device's own stream ID, on tables built to DEN0049 E.d:
 * DMA-alias stream IDs ({@code iort_iommu_configure_id} → {@code pci_for_each_dma_alias} → {@code
 * iort_pci_iommu_init}) matched by RMRs ({@code iort_rmr_has_dev} over every fwspec ID), the
 * HiSilicon Hi161x ITS regions ({@code iort_iommu_msi_get_resv_regions}) and the RMR page fix-up by
 * page size ({@code iort_rmr_alloc}).
 */
class ArmAliasAndHwMsiTest {
  private static final PciAddress ROOT_PORT = PciAddress.parse("0000:00:1c.0");
  private static final PciAddress BRIDGE = PciAddress.parse("0000:04:00.0");
  /** A conventional PCI card behind a root port and a bridge whose secondary bus is 5. */
  private static final PciDevice CARD = new PciDevice(PciAddress.parse("0000:05:03.0"), 0x10b5, 0x9054, 0, 0,
      0x028000, Optional.empty(), false, List.of(ROOT_PORT, BRIDGE));
  private static final Map<PciAddress, BridgeKind> PCIE_TO_PCI =
      Map.of(ROOT_PORT, BridgeKind.PCIE_PORT, BRIDGE, BridgeKind.PCIE_TO_PCI);
  private static final Region SW_MSI =
      new Region(0x08000000L, 0x100000L, RegionType.SW_MSI, Prot.MSI_DOORBELL, RegionSource.SW_MSI);
  private static final Region RMR = new Region(0x84800000L, 0x10000L, RegionType.DIRECT_RELAXABLE,
      new Prot(Prot.READ | Prot.WRITE), RegionSource.IORT_RMR);
  private static final long ITS0_BASE = 0x202100000L;

  /** Offsets of the nodes {@link #table} writes. */
  private static final int ITS = 0x30;
  private static final int SMMU = ITS + 28;
  private static final int RC = SMMU + 68 + 20;

  /**
   * An ITS group (ITS 0 and 1), an SMMUv3 of {@code model} mapping stream IDs 1:1 to it, a root
   * complex for segment 0 mapping {@code rcMap}, and an RMR for stream 0x500 (bus 5, devfn 0).
   */
  private static IortTable table(long model, byte[] rcMap) throws Exception {
    IortBuilder b = IortBuilder.iort(5);
    assertThat(b.offset()).isEqualTo(ITS);
    b.its(0, 1);
    assertThat(b.offset()).isEqualTo(SMMU);
    b.smmuV3(0x0b010000L, model, map(0, 0xffff, 0, ITS, 0));
    assertThat(b.offset()).isEqualTo(RC);
    b.rootComplex(0, rcMap);
    b.rmr(0x11, ranges(range(0x84800000L, 0x10000L)), single(0x500, SMMU));
    return IortReader.read(b.build(), "IORT.bin", true).value();
  }

  private static IortTable identity(long model) throws Exception {
    return table(model, map(0, 0xffff, 0, SMMU, 0));
  }

  private static MadtTable madt(long... idAndBase) throws Exception {
    return MadtReader.read(MadtBuilder.gicIts(idAndBase), "APIC").value();
  }

  private static List<String> messages(Read<?> read) {
    return read.notes().stream().map(InputNote::message).toList();
  }

  // --- DMA aliases ---

  /**
   * The PCIe-to-PCI bridge makes the card's DMA carry requester ID 0x500 too; its stream ID 0x500 is
   * in the fwspec, and the RMR naming it joins the card's regions.
   */
  @Test
  void theBridgeAliasStreamIdAddsItsRmr() throws Exception {
    ArmRegionBuilder arm = ArmRegionBuilder.of(identity(0), TargetKernel.NEWEST, "IORT.bin");

    assertThat(arm.streamsForPci(CARD, PCIE_TO_PCI).value())
        .hasValue(new ArmRegionBuilder.StreamBinding(SMMU, List.of(0x518L, 0x500L)));
    Read<List<Region>> regions = arm.regionsForPci(CARD, PCIE_TO_PCI, true);
    assertThat(regions.value()).containsExactly(SW_MSI, RMR).inOrder();
    assertThat(regions.notes()).isEmpty();
  }

  /** A conventional bridge aliases to itself (0x400), which no RMR names. */
  @Test
  void aConventionalBridgeAliasesToItself() throws Exception {
    ArmRegionBuilder arm = ArmRegionBuilder.of(identity(0), TargetKernel.NEWEST, "IORT.bin");
    Map<PciAddress, BridgeKind> kinds = Map.of(ROOT_PORT, BridgeKind.PCIE_PORT, BRIDGE, BridgeKind.CONVENTIONAL);

    assertThat(arm.streamsForPci(CARD, kinds).value())
        .hasValue(new ArmRegionBuilder.StreamBinding(SMMU, List.of(0x518L, 0x400L)));
    assertThat(arm.regionsForPci(CARD, kinds, true).value()).containsExactly(SW_MSI);
  }

  /** Bridges of unknown kind are taken as ports; where that decides an RMR, a note says so. */
  @Test
  void anUnknownBridgeWhoseAliasWouldSelectAnRmrIsNoted() throws Exception {
    Read<List<Region>> regions = ArmRegionBuilder.of(identity(0), TargetKernel.NEWEST, "IORT.bin")
        .regionsForPci(CARD, Map.of(), true);

    assertThat(regions.value()).containsExactly(SW_MSI);
    assertThat(messages(regions)).containsExactly("bridge 0000:04:00.0 above 0000:05:03.0 is of unknown kind (sysfs"
        + " showed no PCI Express capability for it): taken as a PCIe port, which adds no DMA alias; were it a"
        + " PCIe-to-PCI or conventional bridge, alias 0x500 (stream ID 0x500) would add RMR regions"
        + " (pci_for_each_dma_alias)");
  }

  /**
   * iort_pci_iommu_init fails for an alias that maps to no SMMU (the root complex maps only bus 5):
   * the walk stops there with a warning, the stream IDs before it kept.
   */
  @Test
  void anAliasThatReachesNoSmmuStopsTheWalk() throws Exception {
    ArmRegionBuilder arm = ArmRegionBuilder.of(table(0, map(0x500, 0xff, 0x500, SMMU, 0)), TargetKernel.NEWEST,
        "IORT.bin");
    Map<PciAddress, BridgeKind> kinds = Map.of(ROOT_PORT, BridgeKind.PCIE_PORT, BRIDGE, BridgeKind.CONVENTIONAL);

    Read<Optional<ArmRegionBuilder.StreamBinding>> binding = arm.streamsForPci(CARD, kinds);
    assertThat(binding.value()).hasValue(new ArmRegionBuilder.StreamBinding(SMMU, List.of(0x518L)));
    assertThat(messages(binding)).containsExactly("DMA alias 0x400 of 0000:05:03.0 (from bridge 0000:04:00.0)"
        + " reaches no SMMU through the root complex at 0x" + Integer.toHexString(RC) + ": the kernel fails to configure the device's IOMMU"
        + " there (iort_pci_iommu_init); the stream IDs before it are kept");
  }

  // --- HiSilicon Hi161x ITS regions ---

  /**
   * iort_get_msi_resv_iommu: model 1 (ACPI_IORT_SMMU_V3_HISILICON_HI161X); stream 0x518 maps from the
   * SMMU to the ITS group (IORT_MSI_TYPE); ITS 0 is at 0x202100000 in the MADT → msi region at base +
   * 64 KiB, 64 KiB, WRITE|NOEXEC|MMIO, after SW_MSI; ITS 1 is not in the MADT → nothing, with a note.
   */
  @Test
  void hi161xReservesTheTranslationPageOfEachItsTheMadtLists() throws Exception {
    ArmRegionBuilder arm = ArmRegionBuilder.of(identity(1), TargetKernel.NEWEST, "IORT.bin")
        .withMadt(madt(0, ITS0_BASE));

    Read<List<Region>> regions = arm.regionsForPci(CARD, PCIE_TO_PCI, true);
    assertThat(regions.value()).containsExactly(SW_MSI,
        new Region(0x202110000L, 0x10000L, RegionType.MSI, Prot.MSI_DOORBELL, RegionSource.MSI_WINDOW), RMR)
        .inOrder();
    assertThat(messages(regions)).containsExactly("ITS group at 0x30 names ITS 1, which the MADT does not list: the"
        + " kernel reserves no msi region for it (iort_find_its_base fails)");
  }

  @Test
  void aGenericSmmuV3ReservesNoItsPage() throws Exception {
    ArmRegionBuilder arm = ArmRegionBuilder.of(identity(0), TargetKernel.NEWEST, "IORT.bin")
        .withMadt(madt(0, ITS0_BASE, 1, 0x202200000L));

    assertThat(arm.regionsForPci(CARD, PCIE_TO_PCI, true).value()).containsExactly(SW_MSI, RMR).inOrder();
  }

  @Test
  void hi161xWithoutAMadtIsANote() throws Exception {
    Read<List<Region>> regions = ArmRegionBuilder.of(identity(1), TargetKernel.NEWEST, "IORT.bin")
        .regionsForPci(CARD, PCIE_TO_PCI, true);

    assertThat(regions.value()).containsExactly(SW_MSI, RMR).inOrder();
    assertThat(messages(regions)).containsExactly("SMMUv3 model HiSilicon Hi161x: the kernel also reserves the"
        + " translation page of each ITS of group 0x30 as an msi region (iort_iommu_msi_get_resv_regions); left"
        + " out: no MADT gives the ITS base addresses");
  }

  /** The kernel would loop for ever in iort_node_map_id on a cycle; here the walk gives up with a warning. */
  @Test
  void aMappingCycleFromTheSmmuGivesNoItsAndAWarning() throws Exception {
    IortBuilder b = IortBuilder.iort(5);
    b.its(0);
    int smmu = b.offset();
    int rc = smmu + 68 + 20;
    b.smmuV3(0x0b010000L, 1, map(0, 0xffff, 0, rc, 0));
    b.rootComplex(0, map(0, 0xffff, 0, smmu, 0));
    ArmRegionBuilder arm = ArmRegionBuilder.of(IortReader.read(b.build(), "IORT.bin", true).value(),
        TargetKernel.NEWEST, "IORT.bin").withMadt(madt(0, ITS0_BASE));

    Read<List<Region>> regions = arm.regionsForStreams(smmu, List.of(0x10L));
    assertThat(regions.value()).containsExactly(SW_MSI);
    assertThat(messages(regions)).contains("ID mappings from node 0x" + Integer.toHexString(smmu)
        + " form a cycle (the kernel would loop forever)");
  }

  // --- page size ---

  private static IortTable unaligned() throws Exception {
    byte[] t = IortBuilder.iort(5).smmuV3(0x0b010000L).rmr(0x11, ranges(range(0x84800800L, 0x1000L)), single(6, 0x30))
        .build();
    return IortReader.read(t, "IORT.bin", true).value();
  }

  /** iort_rmr_alloc: not 64 KiB-aligned → addr &= PAGE_MASK, size = PAGE_ALIGN(size + offset_in_page(base)). */
  @Test
  void aKnown4KPageGivesTwoPagesAndNoAssumption() throws Exception {
    Read<List<Region>> regions = ArmRegionBuilder.of(unaligned(), TargetKernel.NEWEST, "IORT.bin", 0x1000)
        .regionsForStreams(0x30, List.of(6L));

    assertThat(regions.value().get(1).start()).isEqualTo(0x84800000L);
    assertThat(regions.value().get(1).length()).isEqualTo(0x2000L);
    assertThat(messages(regions)).containsExactly("[Firmware Bug]: RMR descriptor[0x84800800 - 0x848017ff] not"
        + " aligned to 64K, continue with [0x84800000 - 0x84801fff]");
  }

  @Test
  void a64KPageKernelRoundsToOne64KPage() throws Exception {
    Read<List<Region>> regions = ArmRegionBuilder.of(unaligned(), TargetKernel.NEWEST, "IORT.bin", 0x10000)
        .regionsForStreams(0x30, List.of(6L));

    assertThat(regions.value().get(1).start()).isEqualTo(0x84800000L);
    assertThat(regions.value().get(1).length()).isEqualTo(0x10000L);
    assertThat(messages(regions)).containsExactly("[Firmware Bug]: RMR descriptor[0x84800800 - 0x848017ff] not"
        + " aligned to 64K, continue with [0x84800000 - 0x8480ffff]");
  }
}
