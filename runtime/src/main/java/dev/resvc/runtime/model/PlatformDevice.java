package dev.resvc.runtime.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A group member that is not a PCI function: a platform device ({@code AMDI0020:00}, created from an
 * ACPI device and named after it by {@code acpi_create_platform_device}), an fsl-mc object ({@code
 * dprc.1}, named by {@code fsl_mc_device_add}), an AMBA device, …
 *
 * @param name the kernel's device name, the directory name in {@code /sys/devices}
 * @param bus the bus its {@code subsystem} link names ({@code platform}, {@code fsl-mc}, {@code amba})
 * @param driver the bound driver, as the {@code driver} link names it
 * @param acpiNode its ACPI companion, or the nearest ancestor's ({@link AcpiNode#owner()}); empty for a
 *     device with no ACPI object above it (a device-tree system)
 */
public record PlatformDevice(String name, String bus, Optional<String> driver, Optional<AcpiNode> acpiNode)
    implements Device {
  public PlatformDevice {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bus, "bus");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(acpiNode, "acpiNode");
    if (name.isEmpty() || bus.isEmpty()) {
      throw new IllegalArgumentException("a device has a name and a bus");
    }
  }

  /** The device's own ACPI companion ({@code ACPI_COMPANION(dev)}), not an ancestor's. */
  public Optional<AcpiNode> ownAcpiNode() {
    return acpiNode.filter(AcpiNode::isOwn);
  }

  @Override
  public String toString() {
    return name + " (" + bus + (acpiNode.map(n -> ", " + n.hid() + " " + n.path()).orElse("")) + ")";
  }
}
