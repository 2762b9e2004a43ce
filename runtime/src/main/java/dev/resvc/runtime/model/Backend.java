package dev.resvc.runtime.model;

import java.util.Optional;

/**
 * The kernel interface a VMM hands devices to a guest through. They reserve regions, refuse attaches
 * and check maps differently (docs/kernel-eras.md §2, §7, §8), so an answer is for one of them. Not a
 * fact of the host: the VMM chooses, so it is an input with {@code vfio-type1} as the default.
 */
public enum Backend {
  /** The VFIO group and container interface with the type1 IOMMU driver (drivers/vfio/vfio_iommu_type1.c). */
  VFIO_TYPE1("vfio-type1"),
  /** iommufd (v6.2+) through the VFIO device cdev (v6.6+) (drivers/iommu/iommufd/). */
  IOMMUFD("iommufd");

  private final String resvName;

  Backend(String resvName) {
    this.resvName = resvName;
  }

  public String resvName() {
    return resvName;
  }

  public static Optional<Backend> byResvName(String name) {
    for (Backend b : values()) {
      if (b.resvName.equals(name)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return resvName;
  }
}
