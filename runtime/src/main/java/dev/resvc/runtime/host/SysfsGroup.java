package dev.resvc.runtime.host;

import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Region;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code kernel/iommu_groups/N} directory as sysfs shows it.
 *
 * @param id the decimal directory name
 * @param domainType the {@code type} file without its newline ({@code DMA-FQ}, {@code identity}, …),
 *     empty on kernels before v5.11, which do not have the file
 * @param devices the PCI devices of {@code devices/}, in ascending address order: the order in which
 *     the kernel added them to the group is not visible in sysfs
 * @param platformDevices the members that are not PCI functions, by name, read whole from their device
 *     directories (there is no {@code bus/pci/devices} list to look them up in)
 * @param reservedRegions the lines of {@code reserved_regions} in file order, source {@code sysfs}
 * @param truncated true when the file was, or may have been, cut by the kernel at one page (4095
 *     bytes), so regions may be missing; an incomplete last line is already dropped
 */
public record SysfsGroup(
    int id,
    Optional<String> domainType,
    List<PciAddress> devices,
    List<PlatformDevice> platformDevices,
    List<Region> reservedRegions,
    boolean truncated) {
  public SysfsGroup {
    if (id < 0) {
      throw new IllegalArgumentException("IOMMU group id " + id + " is negative");
    }
    Objects.requireNonNull(domainType, "domainType");
    devices = devices.stream().sorted().toList();
    platformDevices = platformDevices.stream().sorted(Comparator.comparing(PlatformDevice::name)).toList();
    reservedRegions = List.copyOf(reservedRegions);
  }

  /** A group whose members are all PCI functions. */
  public SysfsGroup(int id, Optional<String> domainType, List<PciAddress> devices, List<Region> reservedRegions,
      boolean truncated) {
    this(id, domainType, devices, List.of(), reservedRegions, truncated);
  }
}
