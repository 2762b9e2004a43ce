package dev.resvc.runtime.model;

import java.util.Optional;

/**
 * Where a reserved region comes from: a firmware table, an IOMMU driver's fixed window, or sysfs. The
 * order of the constants is ABI of compiled policies: generated classes switch on {@code ordinal()} and
 * index tables by it, so new sources go at the end (EnumOrderTest pins the order).
 */
public enum RegionSource {
  /** Intel DMAR Reserved Memory Region Reporting structure. */
  RMRR("rmrr"),
  /** AMD IVRS I/O Virtualization Memory Definition block with the UNITY flag only (a unity map). */
  IVMD("ivmd"),
  /** Arm IORT Reserved Memory Range node. */
  IORT_RMR("iort-rmr"),
  /**
   * The interrupt (MSI/LAPIC) window the Intel and AMD drivers add to every device; on Arm, the ITS
   * translation pages the IORT code reserves behind a HiSilicon Hi161x SMMUv3.
   */
  MSI_WINDOW("msi-window"),
  /** The AMD HyperTransport window below 1 TiB. */
  HT_WINDOW("ht-window"),
  /**
   * A PCI host-bridge window. No kernel reports one as a reserved region: dma-iommu reserves the
   * windows only in the IOVA allocator of its own DMA domains ({@code iova_reserve_pci_windows},
   * drivers/iommu/dma-iommu.c), so they are in neither {@code reserved_regions} nor VFIO's or
   * iommufd's reservations, and no builder makes one. The name stays for policies that match on it
   * (and for compiled policies' ordinals); a test region of this source must state its type.
   */
  PCI_WINDOW("pci-window"),
  /** The software-managed MSI window of Arm SMMU and virtio-iommu. */
  SW_MSI("sw-msi"),
  /**
   * The Intel driver's ISA-bridge floppy workaround ({@code CONFIG_INTEL_IOMMU_FLOPPY_WA}): the
   * first 16 MiB for every PCI-to-ISA bridge, from v5.3 ({@code direct} until v5.5, then relaxable).
   */
  FLOPPY_WA("floppy-wa"),
  /** Read from a {@code reserved_regions} file with no firmware attribution; owned by the whole group. */
  SYSFS("sysfs"),
  /**
   * An AMD IVMD with the EXCL_RANGE flag (an exclusion range): not reported before v5.1, {@code
   * reserved} in v5.1 to v5.5, {@code direct} from v5.6 (docs/kernel-eras.md section 4).
   */
  IVMD_EXCLUSION("ivmd-exclusion");

  private final String resvName;

  RegionSource(String resvName) {
    this.resvName = resvName;
  }

  public String resvName() {
    return resvName;
  }

  public static Optional<RegionSource> byResvName(String name) {
    for (RegionSource s : values()) {
      if (s.resvName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return resvName;
  }
}
