package dev.resvc.runtime.model;

/**
 * What kind of device a group member is, as policies test it ({@code device.kind}): a PCI function,
 * or the bus a non-PCI device sits on, as its {@code subsystem} link names it ({@link Device#bus()}).
 * The buses named are the ones whose devices an IOMMU serves through firmware naming them: platform
 * devices (ACPI companions, IORT named components, IVHD ACPI-HID entries), NXP fsl-mc objects and AMBA
 * devices; every other bus is {@link #OTHER}.
 */
public enum DeviceKind {
  /** A PCI function ({@link PciDevice}). */
  PCI("pci"),
  /** A device on the {@code platform} bus ({@code acpi_create_platform_device}, device-tree platform devices). */
  PLATFORM("platform"),
  /** An NXP Management Complex object on the {@code fsl-mc} bus ({@code dprc.1}, {@code fsl_mc_device_add}). */
  FSL_MC("fsl-mc"),
  /** An ARM AMBA (PrimeCell) device on the {@code amba} bus. */
  AMBA("amba"),
  /** A device on any other bus. */
  OTHER("other");

  private final String resvName;

  DeviceKind(String resvName) {
    this.resvName = resvName;
  }

  /** The name policies write ({@code fsl-mc}); also the bus name, except for {@link #OTHER}. */
  public String resvName() {
    return resvName;
  }

  /** The kind of a device on the bus its {@code subsystem} link names ({@code pci}, {@code fsl-mc}, …). */
  public static DeviceKind ofBus(String bus) {
    for (DeviceKind k : values()) {
      if (k != OTHER && k.resvName.equals(bus)) {
        return k;
      }
    }
    return OTHER;
  }

  @Override
  public String toString() {
    return resvName;
  }
}
