package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The requester IDs a PCI function's DMA can carry at the root bus, in the order {@code
 * pci_for_each_dma_alias} (drivers/pci/search.c) visits them: the function's own ID, then for each
 * bridge from the function's bus up to the root bus the alias that bridge introduces. The Arm SMMU
 * drivers put the stream ID of every alias in the device's fwspec ({@code iort_iommu_configure_id}
 * → {@code iort_pci_iommu_init}), so RMRs and HiSilicon MSI regions match any of them.
 *
 * <p>Per bridge (the switch on {@code pci_pcie_type} in {@code pci_for_each_dma_alias}): a PCIe root
 * port, switch upstream or downstream port adds nothing; a PCIe-to-PCI/PCI-X bridge adds (its
 * secondary bus, devfn 0); a PCI-to-PCIe bridge and a conventional PCI bridge add the bridge's own ID.
 *
 * <p>Not modelled, because sysfs does not show them: quirk aliases ({@code pci_add_dma_alias} in
 * drivers/pci/quirks.c, the {@code dma_alias_mask}), {@code pci_real_dma_dev} (Intel VMD), a bridge
 * flagged {@code PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS} (a conventional bridge that aliases like a
 * PCIe-to-PCI one) and {@code PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT} (the walk stops at that bridge).
 */
public final class PciDmaAliases {
  /** What a bridge is, as {@code pci_for_each_dma_alias} asks it ({@code pci_is_pcie}, {@code pci_pcie_type}). */
  public enum BridgeKind {
    /** {@code PCI_EXP_TYPE_ROOT_PORT}, {@code _UPSTREAM} or {@code _DOWNSTREAM}: no alias. */
    PCIE_PORT,
    /** {@code PCI_EXP_TYPE_PCI_BRIDGE}: aliases to (secondary bus, devfn 0). */
    PCIE_TO_PCI,
    /** {@code PCI_EXP_TYPE_PCIE_BRIDGE} (PCI/PCI-X to PCIe): aliases to the bridge itself. */
    PCI_TO_PCIE,
    /** Not PCI Express: aliases to the bridge itself. */
    CONVENTIONAL
  }

  /**
   * One requester ID and why the kernel uses it.
   *
   * @param requesterId bus &lt;&lt; 8 | devfn on the device's segment
   * @param bridge the bridge that introduced it, or null for the function's own ID
   * @param kind that bridge's kind, or null for the function's own ID
   */
  public record Alias(int requesterId, PciAddress bridge, BridgeKind kind) {}

  /**
   * The aliases of {@code device}, the first its own requester ID. A bridge whose kind {@code kinds}
   * does not hold is taken as a PCIe port (no alias), the usual case on the PCI Express machines
   * that use IORT; {@link #unknownBridges} names them so the assumption can be shown.
   */
  public static List<Alias> of(PciDevice device, Map<PciAddress, BridgeKind> kinds) {
    Objects.requireNonNull(kinds, "kinds");
    List<Alias> aliases = new ArrayList<>();
    aliases.add(new Alias(device.address().requesterId(), null, null));
    List<PciAddress> chain = device.upstreamBridges();
    for (int i = chain.size() - 1; i >= 0; i--) {
      PciAddress bridge = chain.get(i);
      int secondaryBus = i + 1 < chain.size() ? chain.get(i + 1).bus() : device.address().bus();
      BridgeKind kind = kinds.getOrDefault(bridge, BridgeKind.PCIE_PORT);
      switch (kind) {
        case PCIE_PORT -> { }
        case PCIE_TO_PCI -> aliases.add(new Alias(secondaryBus << 8, bridge, kind));
        case PCI_TO_PCIE, CONVENTIONAL -> aliases.add(new Alias(bridge.requesterId(), bridge, kind));
      }
    }
    return aliases;
  }

  /** The bridges above {@code device} whose kind {@code kinds} does not hold, nearest the root first. */
  public static List<PciAddress> unknownBridges(PciDevice device, Map<PciAddress, BridgeKind> kinds) {
    return device.upstreamBridges().stream().filter(b -> !kinds.containsKey(b)).toList();
  }

  private PciDmaAliases() {}
}
