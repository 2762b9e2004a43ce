package dev.resvc.runtime.model;

import java.util.Comparator;
import java.util.Optional;

/**
 * A device the kernel can put in an IOMMU group: what {@code /sys/kernel/iommu_groups/N/devices/}
 * links to. Most are PCI functions; the others ({@link PlatformDevice}) are platform, fsl-mc or AMBA
 * devices that an IOMMU serves through firmware naming them (an IORT named component, an IVHD ACPI-HID
 * entry, a DMAR ANDD namespace device).
 */
public sealed interface Device permits PciDevice, PlatformDevice {
  /** The kernel's {@code dev_name}: {@code 0000:00:14.0}, {@code dprc.1}, {@code AMDI0040:00}. */
  String name();

  /** The bus the device sits on, as its {@code subsystem} link names it: {@code pci}, {@code platform}, … */
  String bus();

  /** The driver bound to it, if any. */
  Optional<String> driver();

  /** The kind policies test ({@code device.kind}): PCI, or the bus it sits on. */
  default DeviceKind kind() {
    return this instanceof PciDevice ? DeviceKind.PCI : DeviceKind.ofBus(bus());
  }

  /**
   * The _HID of the device's own ACPI object, the one sysfs links as its {@code firmware_node}
   * ({@code acpi_bind_one}, drivers/acpi/glue.c), as policies test it ({@code device.hid}); empty for a
   * PCI function (whose companion, if any, resvc does not read), a device whose ACPI node is an
   * ancestor's (the root {@code dprc.1}, to which {@code fsl_mc_bus_probe} gives the MC's fwnode without
   * binding it), and a node without ids.
   */
  default Optional<String> hid() {
    return this instanceof PlatformDevice p
        ? p.ownAcpiNode().map(AcpiNode::hid).filter(h -> !h.isEmpty()) : Optional.empty();
  }

  /** Whether this is the PCI function at {@code address}. */
  default boolean hasAddress(PciAddress address) {
    return this instanceof PciDevice p && p.address().equals(address);
  }

  /** The name as messages print it: a PCI address without segment 0000 ({@code 00:14.0}), else {@link #name()}. */
  default String shortName() {
    return this instanceof PciDevice p ? p.address().toShortString() : name();
  }

  /** PCI functions first, by address, then the other devices by name: how resvc lists a group's members. */
  Comparator<Device> ORDER = Comparator.<Device, Boolean>comparing(d -> !(d instanceof PciDevice))
      .thenComparing((a, b) -> a instanceof PciDevice p && b instanceof PciDevice q
          ? p.address().compareTo(q.address()) : a.name().compareTo(b.name()));
}
