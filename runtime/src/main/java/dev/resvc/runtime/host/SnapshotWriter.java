package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes the part of a sysfs tree that {@link SysfsReader} reads into a self-contained directory,
 * so that a machine can be examined elsewhere: {@code SysfsReader.read(out)} gives the same
 * devices, groups and ACPI tables as {@code SysfsReader.read(sysfsRoot)}.
 *
 * <p>The layout is the kernel's: {@code devices/…/<dev>} directories nested as on the machine, with
 * plain copies of the PCI id files; {@code bus/pci/devices/<dev>}, {@code driver} and {@code
 * kernel/iommu_groups/N/devices/<dev>} as relative symlinks, every one of which stays inside the
 * snapshot; {@code reserved_regions} and {@code type} copied byte for byte (a cut file stays cut);
 * {@code firmware/acpi/tables/{DMAR,IVRS,IORT}} when they could be read; what the host tells
 * about its kernel, byte for byte under the same paths ({@code proc/sys/kernel/osrelease}, {@code
 * proc/cmdline}, {@code proc/interrupts} for the live {@code /proc} files; {@code
 * module/{vfio_iommu_type1,iommufd}/parameters/allow_unsafe_interrupts}; {@code class/iommu/NAME/}
 * as plain directories, with {@code amd-iommu/features} for AMD IOMMUs; the MADT, {@code
 * firmware/acpi/tables/APIC}); the firmware memory map {@code firmware/memmap/N/{start,end,type}}
 * ({@link FirmwareMemoryMap}) byte for byte; with an IORT, what the Arm regions depend on ({@link
 * ArmPlatformReader}: {@code kernel/mm/transparent_hugepage/hpage_pmd_size} and each PCI bridge's
 * {@code config}); for a group member that is not PCI, its directory with {@code
 * subsystem} and {@code driver} links into {@code bus/<bus>/} and the {@code firmware_node} link (its
 * own or its nearest ancestor's) to a copy of the ACPI object's {@code path}, {@code hid} and {@code
 * uid}. Only what the reader
 * accepts is written: devices and group members it skips (with a note) are left out. An empty
 * {@code kernel/iommu_groups} records a machine with its IOMMU off (or a kernel without IOMMU
 * support); the reader refuses a tree without one.
 *
 * <p>The source may be a live {@code /sys} or another snapshot. Every byte written is a byte {@link
 * SysfsReader} read, so the copy holds only regular files from inside the source root: a link that
 * leads out of it is refused, not skipped, because a snapshot that silently lacks a file the source
 * has would read back as another machine.
 */
public final class SnapshotWriter {
  private SnapshotWriter() {}

  /**
   * Reads {@code sysfsRoot} and writes the snapshot to {@code out}, which must not exist or be an
   * empty directory.
   *
   * @return the source as read, with what reading it noticed (see {@link SysfsReader#read})
   * @throws InputException for what {@link SysfsReader#read} rejects, for an {@code out} that is
   *     a non-empty directory or not a directory, and for a write error (naming the path; the
   *     partly written snapshot is left in place)
   */
  public static Read<SysfsSnapshot> write(Path sysfsRoot, Path out) throws InputException {
    checkOutput(out);
    Read<SysfsReader.Detailed> read = SysfsReader.readDetailed(sysfsRoot);
    SysfsReader.Detailed source = read.value();
    Path base = out.toAbsolutePath().normalize();
    Writer w = new Writer(base);
    w.mkdirs(base);
    Map<PciAddress, SysfsReader.DeviceDir> devices = source.devices();

    TreeSet<String> drivers = new TreeSet<>();
    devices.values().forEach(d -> d.device().driver().ifPresent(drivers::add));
    for (String driver : drivers) {
      w.mkdirs(base.resolve("bus/pci/drivers").resolve(safeName(driver, "bus/pci/drivers/" + driver)));
    }

    w.mkdirs(base.resolve(SysfsReader.PCI_DEVICES));
    for (SysfsReader.DeviceDir d : devices.values()) {
      PciDevice device = d.device();
      Path dir = base.resolve(d.relativeDir());
      w.mkdirs(dir);
      for (Map.Entry<String, byte[]> file : d.idFiles().entrySet()) {
        w.write(dir.resolve(file.getKey()), file.getValue());
      }
      if (device.driver().isPresent()) {
        w.link(dir.resolve("driver"), base.resolve("bus/pci/drivers").resolve(device.driver().get()));
      }
      w.link(base.resolve(SysfsReader.PCI_DEVICES).resolve(device.address().toString()), dir);
    }

    // Always, empty too: an empty kernel/iommu_groups is how a snapshot says the IOMMU was off.
    w.mkdirs(base.resolve(SysfsReader.IOMMU_GROUPS));
    for (SysfsReader.GroupFiles g : source.groups()) {
      Path dir = base.resolve(SysfsReader.IOMMU_GROUPS).resolve(Integer.toString(g.group().id()));
      w.mkdirs(dir.resolve("devices"));
      w.write(dir.resolve("reserved_regions"), g.reservedRegions());
      Optional<byte[]> type = g.type();
      if (type.isPresent()) {
        w.write(dir.resolve("type"), type.get());
      }
      for (PciAddress member : g.group().devices()) {
        w.link(dir.resolve("devices").resolve(member.toString()), base.resolve(devices.get(member).relativeDir()));
      }
      for (SysfsReader.PlatformDir p : g.platformDirs()) {
        writePlatformDevice(w, base, p);
        w.link(dir.resolve("devices").resolve(p.device().name()), base.resolve(p.relativeDir()));
      }
    }

    Map<String, byte[]> tables = source.snapshot().acpiTables();
    if (!tables.isEmpty()) {
      Path dir = base.resolve(SysfsReader.ACPI_TABLES);
      w.mkdirs(dir);
      for (Map.Entry<String, byte[]> t : tables.entrySet()) {
        w.write(dir.resolve(t.getKey()), t.getValue());
      }
    }
    for (String iommu : source.kernel().iommus()) {
      w.mkdirs(base.resolve(KernelFactsReader.CLASS_IOMMU).resolve(safeName(iommu, KernelFactsReader.CLASS_IOMMU)));
    }
    Map<String, byte[]> copied = new LinkedHashMap<>(source.kernel().files());
    FirmwareMemoryMap.read(source.tree()).ifPresent(memmap -> copied.putAll(memmap.files()));
    VtdUnits.Files vtd = VtdUnits.read(source.tree());
    copied.putAll(vtd.files());
    for (Map.Entry<String, List<String>> unit : vtd.devices().entrySet()) { // names only: VtdUnits lists them
      for (String device : unit.getValue()) {
        copied.put(unit.getKey() + "/" + device, new byte[0]);
      }
    }
    for (Map.Entry<String, byte[]> file : copied.entrySet()) {
      Path path = base.resolve(file.getKey());
      w.mkdirs(path.getParent());
      w.write(path, file.getValue());
    }
    if (tables.containsKey("IORT")) { // what the Arm regions depend on besides the tables (ArmPlatformReader)
      for (Map.Entry<String, byte[]> file
          : ArmPlatformReader.read(source.tree(), source.snapshot().devices()).value().files().entrySet()) {
        Path path = base.resolve(file.getKey());
        w.mkdirs(path.getParent());
        w.write(path, file.getValue());
      }
    }
    return new Read<>(source.snapshot(), read.notes());
  }

  /**
   * A group member that is not PCI: its directory where the machine has it, {@code subsystem} and
   * {@code driver} links into {@code bus/<bus>/}, and the {@code firmware_node} link (on the device or
   * the ancestor that has it) to a copy of the ACPI object's {@code path}, {@code hid} and {@code uid}.
   * A device in two groups (it cannot be, but a hostile snapshot may say so) is written once.
   */
  private static void writePlatformDevice(Writer w, Path base, SysfsReader.PlatformDir p) throws InputException {
    PlatformDevice device = p.device();
    Path dir = base.resolve(p.relativeDir());
    if (Files.exists(dir.resolve("subsystem"), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    w.mkdirs(dir);
    Path bus = base.resolve("bus").resolve(safeName(device.bus(), "bus/" + device.bus()));
    w.mkdirs(bus);
    w.link(dir.resolve("subsystem"), bus);
    if (device.driver().isPresent()) {
      Path driver = bus.resolve("drivers").resolve(safeName(device.driver().get(), "drivers/" + device.driver().get()));
      w.mkdirs(driver);
      w.link(dir.resolve("driver"), driver);
    }
    if (p.node().isPresent()) {
      SysfsReader.NodeDir node = p.node().get();
      Path nodeDir = base.resolve(node.nodeDir());
      Path link = base.resolve(node.linkDir()).resolve("firmware_node");
      if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
        w.mkdirs(nodeDir);
        for (Map.Entry<String, byte[]> file : node.files().entrySet()) {
          w.write(nodeDir.resolve(file.getKey()), file.getValue());
        }
        w.link(link, nodeDir);
      }
    }
  }

  private static void checkOutput(Path out) throws InputException {
    if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new InputException(out.toString(), Position.whole(),
          "exists and is not a directory; give a new or empty directory for the snapshot");
    }
    try (Stream<Path> entries = Files.list(out)) {
      if (entries.findAny().isPresent()) {
        throw new InputException(out.toString(), Position.whole(),
            "refusing to write a snapshot into a non-empty directory; give a new or empty directory");
      }
    } catch (IOException e) {
      throw new InputException(out.toString(), Position.whole(),
          "cannot list the output directory: " + InputFiles.reason(e), e);
    }
  }

  private static String safeName(String name, String rel) throws InputException {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
      throw new InputException(rel, Position.whole(), "'" + name + "' cannot be a file name in the snapshot");
    }
    return name;
  }

  /** File operations on the output, turning I/O errors into InputExceptions naming the path. */
  private record Writer(Path base) {
    void mkdirs(Path dir) throws InputException {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw failure(dir, e);
      }
    }

    void write(Path file, byte[] bytes) throws InputException {
      try {
        Files.write(file, bytes);
      } catch (IOException e) {
        throw failure(file, e);
      }
    }

    /** A symlink at {@code link} to {@code target}, both inside the snapshot, spelt relative to the link. */
    void link(Path link, Path target) throws InputException {
      if (!target.normalize().startsWith(base) || !link.normalize().startsWith(base)) {
        throw new IllegalStateException(link + " -> " + target + " would leave the snapshot " + base);
      }
      try {
        Files.createSymbolicLink(link, link.getParent().relativize(target));
      } catch (IOException e) {
        throw failure(link, e);
      }
    }

    private InputException failure(Path path, IOException e) {
      return new InputException(path.toString(), Position.whole(),
          "cannot write the snapshot: " + InputFiles.reason(e) + " (the partial snapshot in " + base
              + " is left in place)", e);
    }
  }
}
