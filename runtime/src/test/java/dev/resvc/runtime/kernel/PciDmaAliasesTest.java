package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.kernel.PciDmaAliases.Alias;
import dev.resvc.runtime.kernel.PciDmaAliases.BridgeKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code pci_for_each_dma_alias} (drivers/pci/search.c): the function's own ID first, then per bridge
 * from its bus up to the root bus, by {@code pci_pcie_type}: root/upstream/downstream ports nothing,
 * {@code PCI_EXP_TYPE_PCI_BRIDGE} (secondary bus, devfn 0), {@code PCI_EXP_TYPE_PCIE_BRIDGE} and a
 * conventional bridge the bridge's own ID.
 */
class PciDmaAliasesTest {
  private static final PciAddress ROOT_PORT = PciAddress.parse("0000:00:1c.0");
  private static final PciAddress PCIE_TO_PCI = PciAddress.parse("0000:04:00.0");
  private static final PciAddress CONVENTIONAL = PciAddress.parse("0000:05:02.0");

  /** 0000:06:03.0 behind a root port (secondary bus 4), a PCIe-to-PCI bridge (5) and a PCI-PCI bridge (6). */
  private static final PciDevice DEVICE = new PciDevice(PciAddress.parse("0000:06:03.0"), 0x10b5, 0x9054, 0, 0,
      0x028000, Optional.empty(), false, List.of(ROOT_PORT, PCIE_TO_PCI, CONVENTIONAL));

  @Test
  void eachBridgeAddsTheAliasOfItsKindNearestFirst() {
    List<Alias> aliases = PciDmaAliases.of(DEVICE, Map.of(ROOT_PORT, BridgeKind.PCIE_PORT,
        PCIE_TO_PCI, BridgeKind.PCIE_TO_PCI, CONVENTIONAL, BridgeKind.CONVENTIONAL));

    assertThat(aliases).containsExactly(
        new Alias(0x0618, null, null),
        new Alias(0x0510, CONVENTIONAL, BridgeKind.CONVENTIONAL), // 05:02.0 itself
        new Alias(0x0500, PCIE_TO_PCI, BridgeKind.PCIE_TO_PCI)) // its secondary bus 5, devfn 0
        .inOrder();
  }

  @Test
  void aPciToPcieBridgeAliasesToItself() {
    assertThat(PciDmaAliases.of(DEVICE, Map.of(PCIE_TO_PCI, BridgeKind.PCI_TO_PCIE)))
        .containsExactly(new Alias(0x0618, null, null), new Alias(0x0400, PCIE_TO_PCI, BridgeKind.PCI_TO_PCIE))
        .inOrder();
  }

  /** The usual PCI Express machine: ports only, so the function's own ID is its only alias. */
  @Test
  void unknownBridgesAreTakenAsPortsAndNamed() {
    assertThat(PciDmaAliases.of(DEVICE, Map.of(PCIE_TO_PCI, BridgeKind.PCIE_TO_PCI)))
        .containsExactly(new Alias(0x0618, null, null), new Alias(0x0500, PCIE_TO_PCI, BridgeKind.PCIE_TO_PCI))
        .inOrder();
    assertThat(PciDmaAliases.unknownBridges(DEVICE, Map.of(PCIE_TO_PCI, BridgeKind.PCIE_TO_PCI)))
        .containsExactly(ROOT_PORT, CONVENTIONAL).inOrder();
  }

  @Test
  void aDeviceOnTheRootBusHasOnlyItsOwnId() {
    PciDevice root = PciDevice.simple(PciAddress.parse("0000:00:02.0"), 0x8086, 0x9a49, 0x030000);
    assertThat(PciDmaAliases.of(root, Map.of())).containsExactly(new Alias(0x0010, null, null));
  }
}
