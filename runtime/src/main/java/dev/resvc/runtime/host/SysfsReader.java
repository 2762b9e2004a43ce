package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads PCI devices, IOMMU groups and ACPI IOMMU tables from a live {@code /sys} or from a snapshot
 * directory with the same relative layout (see {@link SnapshotWriter}).
 *
 * <ul>
 *   <li>PCI devices are the entries of {@code bus/pci/devices/}, symlinks into {@code devices/}.
 *       Each is resolved to its real directory; every ancestor directory named like a PCI address is
 *       a bridge above the device ({@link PciDevice#upstreamBridges()}, root first).
 *   <li>IOMMU groups are the decimal directories of {@code kernel/iommu_groups/}. A machine without
 *       that directory, or with an empty one, has its IOMMU off: no groups, no error.
 *   <li>{@code firmware/acpi/tables/DMAR}, {@code IVRS} and {@code IORT} are read as bytes when
 *       present and readable (they are root-only on a live system).
 * </ul>
 *
 * <p>Group members come out in ascending PCI address order: the order in which the kernel added
 * devices to a group is not visible in sysfs.
 *
 * <p>Kernels that print {@code reserved_regions} with {@code sysfs_emit_at} stop at one page (4095
 * bytes), possibly mid-line. A file that does not end in a newline has its incomplete last line
 * dropped; such a file, and any file of exactly 4095 bytes, is marked {@linkplain
 * SysfsGroup#truncated() truncated} with a warning.
 */
public final class SysfsReader {
  /** The most {@code sysfs_emit_at} writes: one page less the terminating NUL. */
  static final int SYSFS_PAGE_LIMIT = 4095;

  static final String PCI_DEVICES = "bus/pci/devices";
  static final String IOMMU_GROUPS = "kernel/iommu_groups";
  static final String ACPI_TABLES = "firmware/acpi/tables";
  static final List<String> ACPI_TABLE_NAMES = List.of("DMAR", "IVRS", "IORT");
  static final List<String> PCI_ID_FILES =
      List.of("vendor", "device", "subsystem_vendor", "subsystem_device", "class");

  /** The shape of a PCI device directory name; {@link PciAddress#parse} decides whether it is valid. */
  private static final Pattern PCI_NAME =
      Pattern.compile("[0-9a-fA-F]{4,}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]+");

  private SysfsReader() {}

  /**
   * Reads the sysfs tree under {@code root}.
   *
   * @param notes receives warnings (a truncated {@code reserved_regions}) and notes (skipped
   *     non-PCI group members, unreadable ACPI tables)
   * @throws InputException naming the file (relative to {@code root}) for a garbage {@code
   *     reserved_regions} line, a malformed or missing PCI id file, a non-numeric group directory,
   *     or an I/O error
   */
  public static SysfsSnapshot read(Path root, List<InputNote> notes) throws InputException {
    return readDetailed(root, notes).snapshot();
  }

  /** A device with the directory it lives in, relative to the real root. */
  record DeviceDir(PciDevice device, Path relativeDir) {}

  /** A group with the bytes of its files, for {@link SnapshotWriter} to copy verbatim. */
  record GroupFiles(SysfsGroup group, byte[] reservedRegions, Optional<byte[]> type) {}

  /** The snapshot plus what a writer needs to reproduce the tree. */
  record Detailed(SysfsSnapshot snapshot, Path realRoot, Map<PciAddress, DeviceDir> devices, List<GroupFiles> groups) {}

  static Detailed readDetailed(Path root, List<InputNote> notes) throws InputException {
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new InputException(root.toString(), Position.whole(), "cannot open the sysfs root: " + describe(e), e);
    }
    if (!Files.isDirectory(realRoot)) {
      throw new InputException(root.toString(), Position.whole(), "not a directory");
    }
    Map<PciAddress, DeviceDir> devices = readDevices(realRoot, notes);
    List<GroupFiles> groups = readGroups(realRoot, devices, notes);
    Map<String, byte[]> tables = readAcpiTables(realRoot, notes);
    SysfsSnapshot snapshot = new SysfsSnapshot(
        root,
        devices.values().stream().map(DeviceDir::device).toList(),
        groups.stream().map(GroupFiles::group).toList(),
        tables);
    return new Detailed(snapshot, realRoot, Collections.unmodifiableMap(devices), List.copyOf(groups));
  }

  // ---------------------------------------------------------------- PCI devices

  private static Map<PciAddress, DeviceDir> readDevices(Path realRoot, List<InputNote> notes) throws InputException {
    Map<PciAddress, DeviceDir> devices = new TreeMap<>();
    Path dir = realRoot.resolve(PCI_DEVICES);
    if (!Files.isDirectory(dir)) {
      return devices;
    }
    for (String name : list(dir, PCI_DEVICES)) {
      String rel = PCI_DEVICES + "/" + name;
      Optional<PciAddress> address = pciAddress(name, rel, notes);
      if (address.isEmpty()) {
        continue;
      }
      Path real;
      try {
        real = dir.resolve(name).toRealPath();
      } catch (IOException e) {
        throw new InputException(rel, Position.whole(), "cannot resolve the device link: " + describe(e), e);
      }
      if (!real.startsWith(realRoot) || real.equals(realRoot)) {
        throw new InputException(rel, Position.whole(),
            "the link resolves to " + real + ", outside the sysfs root " + realRoot);
      }
      if (!Files.isDirectory(real)) {
        throw new InputException(rel, Position.whole(), "does not lead to a device directory");
      }
      Path relativeDir = realRoot.relativize(real);
      PciDevice device = readDevice(address.get(), rel, real, relativeDir, notes);
      devices.put(address.get(), new DeviceDir(device, relativeDir));
    }
    return devices;
  }

  private static PciDevice readDevice(
      PciAddress address, String rel, Path real, Path relativeDir, List<InputNote> notes) throws InputException {
    int vendor = (int) hexFile(real, rel, "vendor", 0xffff, true, notes);
    int deviceId = (int) hexFile(real, rel, "device", 0xffff, true, notes);
    int subVendor = (int) hexFile(real, rel, "subsystem_vendor", 0xffff, false, notes);
    int subDevice = (int) hexFile(real, rel, "subsystem_device", 0xffff, false, notes);
    int classCode = (int) hexFile(real, rel, "class", 0xffffff, true, notes);
    Optional<String> driver = driver(real, rel, notes);
    boolean bridge = PciClasses.isBridgeClass(classCode) || hasPciChildren(real, rel);
    List<PciAddress> upstream = new ArrayList<>();
    for (int i = 0; i < relativeDir.getNameCount() - 1; i++) {
      String part = relativeDir.getName(i).toString();
      if (PCI_NAME.matcher(part).matches()) {
        try {
          upstream.add(PciAddress.parse(part));
        } catch (IllegalArgumentException e) {
          // A name of PCI shape that does not fit PciAddress (a VMD domain above 0xffff) cannot
          // name a bridge that a PciDevice could refer to; the chain keeps the bridges it can name.
        }
      }
    }
    return new PciDevice(address, vendor, deviceId, subVendor, subDevice, classCode, driver, bridge, upstream);
  }

  /** Parses a sysfs device name; a name of another shape, or beyond PciAddress, is noted and skipped. */
  private static Optional<PciAddress> pciAddress(String name, String rel, List<InputNote> notes) {
    if (PCI_NAME.matcher(name).matches()) {
      try {
        return Optional.of(PciAddress.parse(name));
      } catch (IllegalArgumentException e) {
        notes.add(InputNote.note(rel, Position.whole(), "skipped: " + e.getMessage()));
        return Optional.empty();
      }
    }
    notes.add(InputNote.note(rel, Position.whole(), "skipped: '" + name + "' is not a PCI device name"));
    return Optional.empty();
  }

  private static long hexFile(Path dir, String rel, String file, long max, boolean required, List<InputNote> notes)
      throws InputException {
    String relFile = rel + "/" + file;
    Path path = dir.resolve(file);
    if (!Files.exists(path)) {
      if (required) {
        throw new InputException(relFile, Position.whole(), "missing; every PCI device has one");
      }
      notes.add(InputNote.note(relFile, Position.whole(), "missing; taken as 0x0000"));
      return 0;
    }
    String text = new String(readBytes(path, relFile), StandardCharsets.US_ASCII).strip();
    if (!text.startsWith("0x") || text.length() == 2) {
      throw new InputException(relFile, Position.whole(),
          "'" + text + "' is not 0x-prefixed hex as the kernel prints it (e.g. 0x8086)");
    }
    long value = 0;
    for (int i = 2; i < text.length(); i++) {
      int d = Character.digit(text.charAt(i), 16);
      if (d < 0) {
        throw new InputException(relFile, Position.whole(), "'" + text + "' is not a hex number");
      }
      value = value * 16 + d;
      if (value > max) {
        throw new InputException(relFile, Position.whole(),
            "'" + text + "' is above 0x" + Long.toHexString(max) + ", the widest " + file + " value");
      }
    }
    return value;
  }

  private static Optional<String> driver(Path dir, String rel, List<InputNote> notes) throws InputException {
    Path link = dir.resolve("driver");
    if (Files.isSymbolicLink(link)) {
      try {
        Path target = Files.readSymbolicLink(link);
        Path fileName = target.getFileName();
        if (fileName == null) {
          throw new InputException(rel + "/driver", Position.whole(), "the link has no target name");
        }
        return Optional.of(fileName.toString());
      } catch (IOException e) {
        throw new InputException(rel + "/driver", Position.whole(), "cannot read the link: " + describe(e), e);
      }
    }
    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      notes.add(InputNote.note(rel + "/driver", Position.whole(),
          "not a symlink, so the driver's name is unknown; taken as no driver"));
    }
    return Optional.empty();
  }

  private static boolean hasPciChildren(Path dir, String rel) throws InputException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(c -> PCI_NAME.matcher(c.getFileName().toString()).matches()
          && Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new InputException(rel, Position.whole(), "cannot list the device directory: " + describe(e), e);
    }
  }

  // ---------------------------------------------------------------- IOMMU groups

  private static List<GroupFiles> readGroups(Path realRoot, Map<PciAddress, DeviceDir> devices, List<InputNote> notes)
      throws InputException {
    List<GroupFiles> groups = new ArrayList<>();
    Path dir = realRoot.resolve(IOMMU_GROUPS);
    if (!Files.isDirectory(dir)) {
      return groups;
    }
    Map<Integer, String> names = new TreeMap<>();
    for (String name : list(dir, IOMMU_GROUPS)) {
      String rel = IOMMU_GROUPS + "/" + name;
      if (!DECIMAL.matcher(name).matches()) {
        throw new InputException(rel, Position.whole(),
            "'" + name + "' is not a decimal IOMMU group number; the kernel names group directories 0, 1, 2, …");
      }
      int id;
      try {
        id = Integer.parseInt(name);
      } catch (NumberFormatException e) {
        throw new InputException(rel, Position.whole(), "group number " + name + " is too large", e);
      }
      String previous = names.put(id, name);
      if (previous != null) {
        throw new InputException(rel, Position.whole(), "names the same group as " + IOMMU_GROUPS + "/" + previous);
      }
    }
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      groups.add(readGroup(e.getKey(), dir.resolve(e.getValue()), IOMMU_GROUPS + "/" + e.getValue(), devices, notes));
    }
    return groups;
  }

  private static GroupFiles readGroup(
      int id, Path dir, String rel, Map<PciAddress, DeviceDir> known, List<InputNote> notes) throws InputException {
    if (!Files.isDirectory(dir)) {
      throw new InputException(rel, Position.whole(), "not a directory");
    }
    String regionsRel = rel + "/reserved_regions";
    Path regionsPath = dir.resolve("reserved_regions");
    if (!Files.exists(regionsPath)) {
      throw new InputException(regionsRel, Position.whole(), "missing; every IOMMU group has one");
    }
    byte[] regionBytes = readBytes(regionsPath, regionsRel);
    String text = new String(regionBytes, StandardCharsets.US_ASCII);
    boolean truncated = false;
    if (!text.isEmpty() && !text.endsWith("\n")) {
      int cut = text.lastIndexOf('\n') + 1;
      int lineNo = (int) text.chars().filter(c -> c == '\n').count() + 1;
      String why = regionBytes.length == SYSFS_PAGE_LIMIT
          ? "the kernel cut the file at one page (4095 bytes)"
          : "the file does not end in a newline, as if the kernel cut it at one page (sysfs_emit_at stops at 4095 bytes)";
      notes.add(InputNote.warning(regionsRel, Position.line(lineNo),
          "IOMMU group " + id + ": " + why + "; the incomplete last line '" + text.substring(cut)
              + "' is dropped and regions after it may be missing"));
      text = text.substring(0, cut);
      truncated = true;
    } else if (regionBytes.length == SYSFS_PAGE_LIMIT) {
      notes.add(InputNote.warning(regionsRel, Position.whole(),
          "IOMMU group " + id + ": the file is exactly 4095 bytes, the one-page limit of sysfs_emit_at;"
              + " the kernel may have cut it at one page, so regions may be missing"));
      truncated = true;
    }
    List<Region> regions = RegionListParser.parse(text, regionsRel, RegionListParser.Dialect.SYSFS, false, notes)
        .regions();

    Optional<byte[]> typeBytes = Optional.empty();
    Optional<String> type = Optional.empty();
    Path typePath = dir.resolve("type");
    if (Files.exists(typePath)) {
      byte[] b = readBytes(typePath, rel + "/type");
      typeBytes = Optional.of(b);
      String t = new String(b, StandardCharsets.US_ASCII);
      type = Optional.of(t.endsWith("\n") ? t.substring(0, t.length() - 1) : t);
    }

    List<PciAddress> members = new ArrayList<>();
    Path devicesDir = dir.resolve("devices");
    if (Files.isDirectory(devicesDir)) {
      for (String name : list(devicesDir, rel + "/devices")) {
        String devRel = rel + "/devices/" + name;
        Optional<PciAddress> address = groupMember(devicesDir.resolve(name), name);
        if (address.isEmpty()) {
          notes.add(InputNote.note(devRel, Position.whole(),
              "IOMMU group " + id + ": '" + name + "' is not a PCI device (a platform device?); skipped"));
          continue;
        }
        if (!known.containsKey(address.get())) {
          notes.add(InputNote.warning(devRel, Position.whole(),
              "IOMMU group " + id + ": " + address.get() + " is not listed in " + PCI_DEVICES + "; skipped"));
          continue;
        }
        if (members.contains(address.get())) {
          throw new InputException(devRel, Position.whole(), address.get() + " appears twice in the group");
        }
        members.add(address.get());
      }
    }
    SysfsGroup group = new SysfsGroup(id, type, members, regions, truncated);
    return new GroupFiles(group, regionBytes, typeBytes);
  }

  /**
   * The PCI address of a group member: its link name, or, when the kernel appended {@code .0},
   * {@code .1}… to avoid a name clash, the name of the directory the link leads to.
   */
  private static Optional<PciAddress> groupMember(Path link, String name) {
    if (PCI_NAME.matcher(name).matches()) {
      try {
        return Optional.of(PciAddress.parse(name));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    try {
      Path target = link.toRealPath().getFileName();
      if (target != null && PCI_NAME.matcher(target.toString()).matches()) {
        return Optional.of(PciAddress.parse(target.toString()));
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- ACPI tables

  private static Map<String, byte[]> readAcpiTables(Path realRoot, List<InputNote> notes) throws InputException {
    Map<String, byte[]> tables = new LinkedHashMap<>();
    for (String name : ACPI_TABLE_NAMES) {
      String rel = ACPI_TABLES + "/" + name;
      Path path = realRoot.resolve(rel);
      if (!Files.exists(path)) {
        continue;
      }
      try {
        tables.put(name, Files.readAllBytes(path));
      } catch (AccessDeniedException e) {
        notes.add(InputNote.note(rel, Position.whole(),
            "not readable (ACPI tables are root-only); firmware regions cannot be attributed without it"));
      } catch (IOException e) {
        throw new InputException(rel, Position.whole(), "cannot read: " + describe(e), e);
      }
    }
    return tables;
  }

  // ---------------------------------------------------------------- helpers

  static List<String> list(Path dir, String rel) throws InputException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new InputException(rel, Position.whole(), "cannot list the directory: " + describe(e), e);
    }
  }

  static byte[] readBytes(Path path, String rel) throws InputException {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InputException(rel, Position.whole(), "cannot read: " + describe(e), e);
    }
  }

  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
