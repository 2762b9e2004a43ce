package dev.resvc.runtime.model;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A machine as resvc sees it: every PCI device, the IOMMU groups (ascending id), and what it tells
 * about its kernel. A host with devices but no groups is a machine whose IOMMU is off.
 */
public record Host(String name, List<PciDevice> devices, List<IommuGroup> groups, KernelFacts kernel) {
  public Host {
    devices = devices.stream().sorted(Comparator.comparing(PciDevice::address)).toList();
    groups = groups.stream().sorted(Comparator.comparingInt(IommuGroup::id)).toList();
    Objects.requireNonNull(kernel, "kernel");
  }

  /** A host that tells nothing about its kernel. */
  public Host(String name, List<PciDevice> devices, List<IommuGroup> groups) {
    this(name, devices, groups, KernelFacts.unknown());
  }

  public Host withKernel(KernelFacts facts) {
    return new Host(name, devices, groups, facts);
  }

  public Optional<PciDevice> device(PciAddress address) {
    return devices.stream().filter(d -> d.address().equals(address)).findFirst();
  }

  public Optional<IommuGroup> group(int id) {
    return groups.stream().filter(g -> g.id() == id).findFirst();
  }

  public Optional<IommuGroup> groupOf(PciAddress address) {
    return groups.stream().filter(g -> g.member(address).isPresent()).findFirst();
  }
}
