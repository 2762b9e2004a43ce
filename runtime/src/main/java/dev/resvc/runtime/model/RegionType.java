package dev.resvc.runtime.model;

import java.util.Optional;

/**
 * The kernel's {@code enum iommu_resv_type}, in its declaration order: the order decides how the
 * kernel sorts regions that start at the same address, so {@link #ordinal()} is significant. The order
 * is also ABI of compiled policies: generated classes switch on {@code ordinal()} and index tables by
 * it, so a class compiled against one order misreads another (EnumOrderTest pins it).
 */
public enum RegionType {
  /** {@code IOMMU_RESV_DIRECT}: must stay identity-mapped; since v6.6 it makes the device unassignable. */
  DIRECT("direct", "direct"),
  /** {@code IOMMU_RESV_DIRECT_RELAXABLE}: identity-mapped, but may be given up for device assignment. */
  DIRECT_RELAXABLE("direct-relaxable", "direct-relaxable"),
  /** {@code IOMMU_RESV_RESERVED}: never mapped, never given to a device. */
  RESERVED("reserved", "reserved"),
  /** {@code IOMMU_RESV_MSI}: hardware MSI doorbell window. */
  MSI("msi", "msi"),
  /** {@code IOMMU_RESV_SW_MSI}: software-managed MSI window; sysfs prints it as {@code msi}. */
  SW_MSI("sw-msi", "msi");

  private final String resvName;
  private final String sysfsName;

  RegionType(String resvName, String sysfsName) {
    this.resvName = resvName;
    this.sysfsName = sysfsName;
  }

  /** The name policies and region files use; distinguishes {@code sw-msi} from {@code msi}. */
  public String resvName() {
    return resvName;
  }

  /** The string {@code iommu_group_resv_type_string} prints in {@code reserved_regions}. */
  public String sysfsName() {
    return sysfsName;
  }

  /** Looks a type up by its resvc name ({@code direct}, …, {@code sw-msi}). */
  public static Optional<RegionType> byResvName(String name) {
    for (RegionType t : values()) {
      if (t.resvName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * Looks a type up by what sysfs prints. {@code msi} maps to {@link #MSI}: sysfs cannot tell a
   * software MSI window from a hardware one.
   */
  public static Optional<RegionType> bySysfsName(String name) {
    for (RegionType t : values()) {
      if (t.sysfsName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return resvName;
  }
}
