package dev.resvc.runtime.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds sysfs trees in a temporary directory, with real symlinks spelt as the kernel spells them:
 * {@code bus/pci/devices/X -> ../../../devices/pci0000:00/X}, {@code
 * kernel/iommu_groups/N/devices/X -> ../../../../devices/pci0000:00/X}, {@code driver ->
 * ../../../bus/pci/drivers/NAME} (one more {@code ../} per bridge level), and the device's {@code
 * iommu_group} and {@code subsystem} links back.
 */
final class SysfsFixture {
  /** The MSI window every Intel group reports. */
  static final String MSI = "0x00000000fee00000 0x00000000feefffff msi\n";
  /** The USB RMRR of the laptop's xHCI. */
  static final String USB_RMRR = "0x000000003e2e0000 0x000000003e2fffff direct-relaxable\n";
  /** The graphics stolen-memory RMRR of the laptop's IGD. */
  static final String IGD_RMRR = "0x000000007b800000 0x000000007fffffff direct-relaxable\n";
  /** The Intel floppy workaround for the ISA bridge (first 16 MiB). */
  static final String ISA_FLOPPY = "0x0000000000000000 0x0000000000ffffff direct-relaxable\n";

  private final Path root;
  /** Device name to its directory under {@code devices/}, e.g. {@code pci0000:00/0000:00:1c.0/0000:02:00.0}. */
  private final Map<String, String> chains = new HashMap<>();

  SysfsFixture(Path root) {
    this.root = root;
    mkdirs("devices/system/cpu");
    mkdirs("bus/pci/drivers");
    mkdirs("bus/pci/devices");
    mkdirs("devices/platform");
    mkdirs("kernel/iommu_groups");
  }

  Path root() {
    return root;
  }

  /**
   * A 2021-era Intel laptop (Tiger Lake, Lenovo subsystem ids): host bridge, IGD, xHCI, a root port
   * with an NVMe drive below it, the LPC/ISA bridge and SMBus sharing a group (no ACS on the PCH
   * multi-function device), IOMMU on with DMA-FQ domains, a DMAR table.
   */
  static SysfsFixture laptop(Path root) {
    SysfsFixture f = new SysfsFixture(root);
    f.pciDevice("0000:00:00.0", 0x8086, 0x9a14, 0x17aa, 0x22d8, 0x060000, null);
    f.pciDevice("0000:00:02.0", 0x8086, 0x9a49, 0x17aa, 0x22d8, 0x030000, "i915");
    f.mkdirs("devices/pci0000:00/0000:00:02.0/drm/card0");
    f.pciDevice("0000:00:14.0", 0x8086, 0xa0ed, 0x17aa, 0x22d8, 0x0c0330, "xhci_hcd");
    f.mkdirs("devices/pci0000:00/0000:00:14.0/usb1/1-0:1.0");
    f.pciDevice("0000:00:1c.0", 0x8086, 0xa0bc, 0x17aa, 0x22d8, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:02:00.0", 0x144d, 0xa80a, 0x144d, 0xa801, 0x010802, "nvme");
    f.mkdirs("devices/pci0000:00/0000:00:1c.0/0000:02:00.0/nvme/nvme0");
    f.pciDevice("0000:00:1f.0", 0x8086, 0xa082, 0x17aa, 0x22d8, 0x060100, null);
    f.pciDevice("0000:00:1f.4", 0x8086, 0xa0a3, 0x17aa, 0x22d8, 0x0c0500, "i801_smbus");
    f.mkdirs("devices/pci0000:00/power");
    f.mkdirs("devices/pci0000:00/pci_bus/0000:00");

    f.group(0, "DMA-FQ", IGD_RMRR + MSI, "0000:00:02.0");
    f.group(1, "DMA-FQ", MSI, "0000:00:00.0");
    f.group(2, "DMA-FQ", USB_RMRR + MSI, "0000:00:14.0");
    f.group(3, "DMA-FQ", MSI, "0000:00:1c.0");
    f.group(4, "DMA-FQ", ISA_FLOPPY + MSI, "0000:00:1f.0", "0000:00:1f.4");
    f.group(5, "DMA-FQ", MSI, "0000:02:00.0");
    f.acpiTable("DMAR", dmarBytes());
    return f;
  }

  /** The laptop with the IOMMU off: the same devices, an empty {@code kernel/iommu_groups}, no DMAR. */
  static SysfsFixture laptopIommuOff(Path root) {
    SysfsFixture f = new SysfsFixture(root);
    f.pciDevice("0000:00:00.0", 0x8086, 0x9a14, 0x17aa, 0x22d8, 0x060000, null);
    f.pciDevice("0000:00:02.0", 0x8086, 0x9a49, 0x17aa, 0x22d8, 0x030000, "i915");
    f.pciDevice("0000:00:14.0", 0x8086, 0xa0ed, 0x17aa, 0x22d8, 0x0c0330, "xhci_hcd");
    f.pciDevice("0000:00:1c.0", 0x8086, 0xa0bc, 0x17aa, 0x22d8, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:02:00.0", 0x144d, 0xa80a, 0x144d, 0xa801, 0x010802, "nvme");
    f.pciDevice("0000:00:1f.0", 0x8086, 0xa082, 0x17aa, 0x22d8, 0x060100, null);
    f.pciDevice("0000:00:1f.4", 0x8086, 0xa0a3, 0x17aa, 0x22d8, 0x0c0500, "i801_smbus");
    return f;
  }

  /** Some bytes that start like a DMAR table header; the reader does not parse them. */
  static byte[] dmarBytes() {
    byte[] b = new byte[88];
    byte[] sig = "DMARX\0\0\0\1".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(sig, 0, b, 0, sig.length);
    b[4] = 88;
    for (int i = 48; i < b.length; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  /**
   * A PCI function on root bus {@code pci0000:00}; {@code path} names the bridges above it, e.g.
   * {@code 0000:00:1c.0/0000:02:00.0}. The bridges must have been added first. {@code driver} may be null.
   */
  SysfsFixture pciDevice(String path, int vendor, int device, int subVendor, int subDevice, int classCode,
      String driver) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    String chain = "pci0000:00/" + path;
    chains.put(name, chain);
    String dir = "devices/" + chain;
    mkdirs(dir + "/power");
    write(dir + "/vendor", String.format("0x%04x\n", vendor));
    write(dir + "/device", String.format("0x%04x\n", device));
    write(dir + "/subsystem_vendor", String.format("0x%04x\n", subVendor));
    write(dir + "/subsystem_device", String.format("0x%04x\n", subDevice));
    write(dir + "/class", String.format("0x%06x\n", classCode));
    write(dir + "/revision", "0x01\n");
    write(dir + "/config", "\0\0\0\0");
    write(dir + "/uevent", "PCI_SLOT_NAME=" + name + "\n");
    symlink(dir + "/subsystem", "bus/pci");
    if (driver != null) {
      mkdirs("bus/pci/drivers/" + driver);
      symlink(dir + "/driver", "bus/pci/drivers/" + driver);
      symlink("bus/pci/drivers/" + driver + "/" + name, dir);
    }
    symlink("bus/pci/devices/" + name, dir);
    return this;
  }

  /** {@code kernel/iommu_groups/<id>} with the given files; {@code type} may be null (kernels before 5.11). */
  SysfsFixture group(int id, String type, String reservedRegions, String... devices) {
    String dir = "kernel/iommu_groups/" + id;
    mkdirs(dir + "/devices");
    write(dir + "/reserved_regions", reservedRegions);
    if (type != null) {
      write(dir + "/type", type + "\n");
    }
    for (String d : devices) {
      String chain = chains.get(d);
      if (chain == null) {
        throw new IllegalArgumentException("add PCI device " + d + " before its group");
      }
      symlink(dir + "/devices/" + d, "devices/" + chain);
      symlink("devices/" + chain + "/iommu_group", dir);
    }
    return this;
  }

  /**
   * An ACPI-enumerated platform device in group {@code id} as the kernel lays it out: {@code
   * devices/platform/NAME} ({@code acpi_create_platform_device} names it after its ACPI device, {@code
   * HID:NN}), {@code subsystem} linking to {@code bus/platform}, {@code firmware_node} linking to its
   * ACPI device under {@code devices/LNXSYSTM:00/LNXSYBUS:00}, which has {@code path}, {@code hid} and
   * {@code uid} (drivers/acpi/device_sysfs.c); {@code uid} may be null (no _UID, no file).
   */
  SysfsFixture platformDeviceInGroup(int id, String name, String acpiPath, String uid) {
    String dir = "devices/platform/" + name;
    mkdirs(dir);
    mkdirs("bus/platform");
    symlink(dir + "/subsystem", "bus/platform");
    acpiNode(dir, "devices/LNXSYSTM:00/LNXSYBUS:00/" + name, acpiPath, name.substring(0, name.indexOf(':')), uid);
    symlink("kernel/iommu_groups/" + id + "/devices/" + name, dir);
    return this;
  }

  /** The same with the Intel LPSS I2C controller's ACPI path and no _UID. */
  SysfsFixture platformDeviceInGroup(int id, String name) {
    return platformDeviceInGroup(id, name, "\\_SB_.PCI0.I2C0", null);
  }

  /** An ACPI device directory {@code nodeDir} and the {@code firmware_node} link of {@code deviceDir} to it. */
  SysfsFixture acpiNode(String deviceDir, String nodeDir, String path, String hid, String uid) {
    mkdirs(nodeDir);
    write(nodeDir + "/path", path + "\n");
    write(nodeDir + "/hid", hid + "\n");
    if (uid != null) {
      write(nodeDir + "/uid", uid + "\n");
    }
    symlink(deviceDir + "/firmware_node", nodeDir);
    return this;
  }

  SysfsFixture acpiTable(String name, byte[] bytes) {
    mkdirs("firmware/acpi/tables");
    try {
      Files.write(root.resolve("firmware/acpi/tables/" + name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  SysfsFixture write(String rel, String content) {
    return write(rel, content.getBytes(StandardCharsets.US_ASCII));
  }

  SysfsFixture write(String rel, byte[] content) {
    try {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.write(p, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  SysfsFixture delete(String rel) {
    try {
      Files.delete(root.resolve(rel));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  SysfsFixture mkdirs(String rel) {
    try {
      Files.createDirectories(root.resolve(rel));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** A symlink at {@code rel} to {@code targetRel} (both relative to the root), spelt relative as the kernel does. */
  SysfsFixture symlink(String rel, String targetRel) {
    try {
      Path link = root.resolve(rel);
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, link.getParent().relativize(root.resolve(targetRel)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
