package dev.resvc.runtime.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code /sys/kernel/iommu_groups/N}: the devices in the order the kernel added them, the
 * regions each device's IOMMU driver reports for it, and regions owned by the whole group.
 *
 * <p>When a host is read from sysfs alone nothing says which device a region belongs to, so the
 * {@code reserved_regions} lines become {@link #groupRegions()} with source {@code sysfs}. When
 * firmware tables are known, regions are rebuilt per device as the driver does, and
 * {@link #groupRegions()} is empty.
 */
public record IommuGroup(int id, Optional<String> domainType, List<Member> members, List<Region> groupRegions) {
  public IommuGroup {
    if (id < 0) {
      throw new IllegalArgumentException("IOMMU group id " + id + " is negative");
    }
    Objects.requireNonNull(domainType, "domainType");
    members = List.copyOf(members);
    groupRegions = List.copyOf(groupRegions);
  }

  /** A device of the group and the regions its IOMMU driver reports for it, in the driver's order. */
  public record Member(Device device, List<Region> regions) {
    public Member {
      Objects.requireNonNull(device, "device");
      regions = List.copyOf(regions);
    }
  }

  public List<Device> devices() {
    return members.stream().map(Member::device).toList();
  }

  /** The member that is the PCI function at {@code address}. */
  public Optional<Member> member(PciAddress address) {
    return members.stream().filter(m -> m.device() instanceof PciDevice p && p.address().equals(address)).findFirst();
  }

  /** The member the kernel names {@code name} ({@link Device#name()}). */
  public Optional<Member> member(String name) {
    return members.stream().filter(m -> m.device().name().equals(name)).findFirst();
  }
}
