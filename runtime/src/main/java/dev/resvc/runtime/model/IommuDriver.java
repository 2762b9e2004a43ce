package dev.resvc.runtime.model;

import java.util.Optional;

/**
 * The IOMMU driver serving a host's devices. Some kernel behaviour belongs to one driver (before 6.6
 * only the Intel driver refused devices with RMRRs), so the answer needs to know which it is.
 */
public enum IommuDriver {
  /** drivers/iommu/intel: the ACPI DMAR table; {@code /sys/class/iommu/dmar*}. */
  INTEL("intel"),
  /** drivers/iommu/amd: the ACPI IVRS table; {@code /sys/class/iommu/ivhd*}. */
  AMD("amd"),
  /** drivers/iommu/arm/arm-smmu{,-v3}: the ACPI IORT table; {@code /sys/class/iommu/smmu*}. */
  ARM_SMMU("arm-smmu");

  private final String resvName;

  IommuDriver(String resvName) {
    this.resvName = resvName;
  }

  public String resvName() {
    return resvName;
  }

  public static Optional<IommuDriver> byResvName(String name) {
    for (IommuDriver d : values()) {
      if (d.resvName.equals(name)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return resvName;
  }
}
