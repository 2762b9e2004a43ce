package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.MadtTable;
import dev.resvc.runtime.kernel.PciDmaAliases;
import dev.resvc.runtime.model.PciAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Arm SMMU drivers' regions depend on besides the IORT, as far as the host shows it
 * ({@link ArmPlatformReader}): the kernel's {@code PAGE_SIZE} (the RMR fix-up in {@code
 * iort_rmr_alloc} aligns to it), the MADT (the ITS base addresses of the HiSilicon Hi161x MSI
 * regions) and the kind of each PCI bridge (which DMA aliases {@code pci_for_each_dma_alias} adds).
 *
 * @param pageSize the kernel's page size in bytes, when the host shows it
 * @param madt the decoded MADT, when present and readable
 * @param bridgeKinds the bridges whose kind the host shows; the others are unknown
 */
public record ArmPlatform(Optional<Long> pageSize, Optional<MadtTable> madt,
    Map<PciAddress, PciDmaAliases.BridgeKind> bridgeKinds) {
  public ArmPlatform {
    Objects.requireNonNull(pageSize, "pageSize");
    Objects.requireNonNull(madt, "madt");
    bridgeKinds = Map.copyOf(bridgeKinds);
  }

  /** Nothing known: a 4 KiB page is assumed, no ITS base is known, every bridge is taken as a PCIe port. */
  public static ArmPlatform unknown() {
    return new ArmPlatform(Optional.empty(), Optional.empty(), Map.of());
  }
}
