package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.firmware.DmarBuilder;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DMAR scope binding as drivers/iommu/intel/dmar.c does it: {@code dmar_insert_dev_scope} (the scope
 * type check), {@code dmar_pci_bus_add_dev} (remapping-unit scopes first, a mismatch there stops
 * everything) and {@code dmar_iommu_notify_scope_dev} (RMRRs, stopping at the first error).
 */
class IntelRegionBuilderTest {
  private static final int ENDPOINT = 1;
  private static final int BRIDGE = 2;
  private static final KernelRelease V5_4 = KernelRelease.of(5, 4);
  private static final KernelRelease V6_8 = KernelRelease.of(6, 8);

  private static final PciDevice HOST_BRIDGE = PciDevice.simple(PciAddress.parse("0000:00:00.0"), 0x8086, 0x2020, 0x060000);
  private static final PciDevice NTB = PciDevice.simple(PciAddress.parse("0000:00:03.0"), 0x8086, 0x6f0d, 0x068000);
  private static final PciDevice ROOT_PORT = PciDevice.simple(PciAddress.parse("0000:00:1c.0"), 0x8086, 0xa110, 0x060400);

  private static DmarTable table(byte[] bytes) throws InputException {
    return DmarReader.read(bytes, "DMAR", true).value();
  }

  private static List<RegionSource> rmrrSources(IntelRegionBuilder b, PciDevice d) {
    return b.regionsFor(d).stream().map(Region::source).filter(s -> s == RegionSource.RMRR).toList();
  }

  private static List<String> messages(Read<?> read) {
    return read.notes().stream().map(InputNote::message).toList();
  }

  @Test
  void aBridgeScopeOnAHostBridgeIsAMismatchUntilAnyBridgeClassCounts() throws InputException {
    // The nvme-host case of the patch: a BRIDGE entry naming 00:00.0, class 0x0600, normal header.
    DmarTable dmar = table(DmarBuilder.dmar()
        .drhd(1, 0, 0xfed90000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(BRIDGE, 0, 0, 0, 0))
        .build());
    Read<IntelRegionBuilder> old = IntelRegionBuilder.bind(dmar, List.of(HOST_BRIDGE), V5_4, "DMAR");
    assertThat(rmrrSources(old.value(), HOST_BRIDGE)).isEmpty();
    assertThat(messages(old)).contains("device scope type does not match for 0000:00:00.0 (the kernel refuses"
        + " the binding and binds this device to no further RMRR)");

    Read<IntelRegionBuilder> now = IntelRegionBuilder.bind(dmar, List.of(HOST_BRIDGE), V6_8, "DMAR");
    assertThat(rmrrSources(now.value(), HOST_BRIDGE)).containsExactly(RegionSource.RMRR);
    assertThat(now.notes()).isEmpty();
  }

  @Test
  void anNtbMayBeNamedByABridgeScopeInEveryEra() throws InputException {
    DmarTable dmar = table(DmarBuilder.dmar()
        .drhd(1, 0, 0xfed90000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(BRIDGE, 0, 0, 3, 0))
        .build());
    for (KernelRelease release : List.of(V5_4, V6_8)) {
      Read<IntelRegionBuilder> b = IntelRegionBuilder.bind(dmar, List.of(NTB), release, "DMAR");
      assertThat(rmrrSources(b.value(), NTB)).containsExactly(RegionSource.RMRR);
    }
    assertThat(IntelRegionBuilder.bridgeScopeAccepts(0x020000, V6_8)).isFalse();
  }

  @Test
  void aMismatchInARemappingUnitScopeBindsTheDeviceToNoRmrr() throws InputException {
    // The DRHD names the root port with an ENDPOINT entry; the RMRR names it correctly as a bridge.
    DmarTable dmar = table(DmarBuilder.dmar()
        .drhd(0, 0, 0xfed90000L, DmarBuilder.scope(ENDPOINT, 0, 0, 0x1c, 0))
        .drhd(1, 0, 0xfed91000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(BRIDGE, 0, 0, 0x1c, 0))
        .build());
    Read<IntelRegionBuilder> b = IntelRegionBuilder.bind(dmar, List.of(ROOT_PORT), V6_8, "DMAR");
    assertThat(rmrrSources(b.value(), ROOT_PORT)).isEmpty();
    assertThat(messages(b)).containsExactly(
        "device scope type does not match for 0000:00:1c.0 (in the scope of the remapping unit at 0xfed90000:"
            + " the kernel binds this device to no RMRR)",
        "RMRR 0x000000007c000000..0x000000007c0fffff is bound to no present device: it gives no device a region"
            + " (its scope names 1 PCI device(s))").inOrder();
  }

  @Test
  void aRemappingUnitThatBindsTheDeviceFirstKeepsALaterMismatchFromMattering() throws InputException {
    // dmar_pci_bus_add_dev stops at the first unit that binds; units are walked newest first
    // (dmar_register_drhd_unit adds at the head), so the second DRHD of the table is asked first.
    DmarTable dmar = table(DmarBuilder.dmar()
        .drhd(0, 0, 0xfed90000L, DmarBuilder.scope(ENDPOINT, 0, 0, 0x1c, 0))
        .drhd(0, 0, 0xfed91000L, DmarBuilder.scope(BRIDGE, 0, 0, 0x1c, 0))
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(BRIDGE, 0, 0, 0x1c, 0))
        .build());
    Read<IntelRegionBuilder> b = IntelRegionBuilder.bind(dmar, List.of(ROOT_PORT), V6_8, "DMAR");
    assertThat(rmrrSources(b.value(), ROOT_PORT)).containsExactly(RegionSource.RMRR);
    assertThat(b.notes()).isEmpty();
  }

  @Test
  void anRmrrBoundToNoPresentDeviceIsNamed() throws InputException {
    DmarTable dmar = table(DmarBuilder.dmar()
        .drhd(1, 0, 0xfed90000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(ENDPOINT, 0, 0, 0x14, 0))
        .build());
    Read<IntelRegionBuilder> b = IntelRegionBuilder.bind(dmar, List.of(ROOT_PORT), V6_8, "DMAR");
    assertThat(b.notes().stream().map(InputNote::render).toList()).containsExactly(
        "DMAR: offset 0x40: note: RMRR 0x000000007c000000..0x000000007c0fffff is bound to no present device:"
            + " it gives no device a region (its scope names 1 PCI device(s))");
  }

  @Test
  void acpiPathsCompareAsAcpicaInternalizesThem() {
    assertThat(IntelRegionBuilder.canonicalAcpiPath("\\_SB.PCI0.I2C0")).isEqualTo("\\_SB_.PCI0.I2C0");
    assertThat(IntelRegionBuilder.canonicalAcpiPath("_SB.PCI0.SDMA")).isEqualTo("\\_SB_.PCI0.SDMA");
    assertThat(IntelRegionBuilder.canonicalAcpiPath("\\_SB_.I2")).isEqualTo("\\_SB_.I2__");
  }
}
