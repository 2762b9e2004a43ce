package dev.resvc.runtime.host;

import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@link SysfsReader} found under a {@code /sys} root (live or a snapshot): the PCI devices
 * (ascending address), the IOMMU groups (ascending id), the raw ACPI IOMMU tables that could be
 * read ({@code DMAR}, {@code IVRS}, {@code IORT}) and what the host tells about its kernel ({@link
 * #kernelFacts()}; empty facts for a snapshot without those files).
 *
 * <p>The table bytes are copied in and compared by content: two snapshots with equal tables are
 * {@linkplain #equals(Object) equal}. Do not modify the arrays {@link #acpiTables()} returns;
 * {@link #acpiTable(String)} hands out a copy.
 */
public record SysfsSnapshot(
    Path root, List<PciDevice> devices, List<SysfsGroup> groups, Map<String, byte[]> acpiTables, KernelFacts kernelFacts) {
  public SysfsSnapshot {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(kernelFacts, "kernelFacts");
    devices = devices.stream().sorted(Comparator.comparing(PciDevice::address)).toList();
    groups = groups.stream().sorted(Comparator.comparingInt(SysfsGroup::id)).toList();
    Map<String, byte[]> copy = new TreeMap<>();
    acpiTables.forEach((name, bytes) -> copy.put(name, bytes.clone()));
    acpiTables = Collections.unmodifiableMap(copy);
  }

  public Optional<PciDevice> device(PciAddress address) {
    return devices.stream().filter(d -> d.address().equals(address)).findFirst();
  }

  public Optional<SysfsGroup> group(int id) {
    return groups.stream().filter(g -> g.id() == id).findFirst();
  }

  /** A copy of the named table's bytes ({@code DMAR}, {@code IVRS} or {@code IORT}), if it was read. */
  public Optional<byte[]> acpiTable(String signature) {
    return Optional.ofNullable(acpiTables.get(signature)).map(byte[]::clone);
  }

  /**
   * The host as sysfs alone describes it, without firmware tables: each group becomes an {@link
   * IommuGroup} whose members carry no regions of their own and whose {@link
   * IommuGroup#groupRegions() group regions} are the {@code reserved_regions} lines (source {@code
   * sysfs}), because sysfs does not say which device a region belongs to. Members are the PCI
   * functions in ascending address order (see {@link SysfsGroup#devices()}), then the other devices by
   * name. The host carries the snapshot's {@link
   * #kernelFacts()}.
   */
  public Host toHostWithoutFirmware(String name) {
    Map<PciAddress, PciDevice> byAddress = new LinkedHashMap<>();
    devices.forEach(d -> byAddress.put(d.address(), d));
    List<IommuGroup> iommuGroups = new ArrayList<>();
    for (SysfsGroup g : groups) {
      List<IommuGroup.Member> members = new ArrayList<>();
      for (PciAddress a : g.devices()) {
        PciDevice d = byAddress.get(a);
        if (d == null) {
          throw new IllegalStateException(
              "IOMMU group " + g.id() + " names " + a + ", which is not among the snapshot's PCI devices");
        }
        members.add(new IommuGroup.Member(d, List.of()));
      }
      g.platformDevices().forEach(p -> members.add(new IommuGroup.Member(p, List.of())));
      iommuGroups.add(new IommuGroup(g.id(), g.domainType(), members, g.reservedRegions()));
    }
    return new Host(name, devices, iommuGroups, kernelFacts);
  }

  /** True when both snapshots hold the same devices, groups, tables and kernel facts, wherever their roots are. */
  public boolean sameContentAs(SysfsSnapshot other) {
    return devices.equals(other.devices) && groups.equals(other.groups) && sameTables(other.acpiTables)
        && kernelFacts.equals(other.kernelFacts);
  }

  private boolean sameTables(Map<String, byte[]> other) {
    if (!acpiTables.keySet().equals(other.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : acpiTables.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SysfsSnapshot s && root.equals(s.root) && sameContentAs(s);
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(root, devices, groups, kernelFacts);
    for (Map.Entry<String, byte[]> e : acpiTables.entrySet()) {
      h = 31 * h + (e.getKey().hashCode() ^ Arrays.hashCode(e.getValue()));
    }
    return h;
  }

  @Override
  public String toString() {
    String tables = acpiTables.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue().length + " bytes")
        .collect(Collectors.joining(", ", "{", "}"));
    return "SysfsSnapshot[root=" + root + ", devices=" + devices + ", groups=" + groups + ", acpiTables=" + tables
        + ", kernelFacts=" + kernelFacts + "]";
  }
}
