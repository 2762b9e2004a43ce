package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.AcpiNode;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Region;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *   <li>IOMMU groups are the decimal directories of {@code kernel/iommu_groups/}. A member that is
 *       not a PCI function ({@code dprc.1}, {@code AMDI0020:00}) is read from the directory its link
 *       leads to: the bus its {@code subsystem} link names, its {@code driver} link, and the ACPI
 *       object of its {@code firmware_node} ({@code path}, {@code hid}, {@code uid}), or of the
 *       nearest ancestor directory's when it has none ({@link PlatformDevice}).
 *   <li> An empty one is a
 *       machine with its IOMMU off: no groups, no error. A tree without it is no sysfs tree and is
 *       refused, except a mounted sysfs, whose kernel has no IOMMU support (no groups, a note).
 *   <li>{@code firmware/acpi/tables/DMAR}, {@code IVRS} and {@code IORT} are read as bytes when
 *       present and readable (they are root-only on a live system).
 *   <li>What the host tells about its kernel ({@link KernelFactsReader}): {@code /proc} files, which
 *       a snapshot keeps under {@code proc/}, module parameters, {@code class/iommu}, the MADT.
 * </ul>
 *
 * <p>Snapshots are hostile input: nothing is listed or read through a link that leaves the root, and
 * content comes only from regular files of bounded size ({@link SysfsTree}).
 *
 * <p>Group members come out in ascending PCI address order, then the other devices by name: the
 * order in which the kernel added devices to a group is not visible in sysfs.
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
   * Reads the sysfs tree under {@code root}: the snapshot, with warnings (a truncated {@code
   * reserved_regions}) and notes (skipped non-PCI group members, unreadable ACPI tables).
   *
   * @throws InputException naming the file ({@code root} as given, then the path below it) for a
   *     root without {@code kernel/iommu_groups}, a garbage {@code reserved_regions} line, a malformed
   *     or missing PCI id file, a non-numeric group directory, a link leading out of the root, a file
   *     that is not a regular file or is larger than its {@link InputLimits cap}, or an I/O error
   */
  public static Read<SysfsSnapshot> read(Path root) throws InputException {
    Read<Detailed> detailed = readDetailed(root);
    return new Read<>(detailed.value().snapshot(), detailed.notes());
  }

  /**
   * A device with the directory it lives in, relative to the real root, and the bytes of the id files
   * it has ({@link #PCI_ID_FILES}), for {@link SnapshotWriter} to copy what was read.
   */
  record DeviceDir(PciDevice device, Path relativeDir, Map<String, byte[]> idFiles) {}

  /**
   * A group with the bytes of its files, and where its members that are not PCI functions live, for
   * {@link SnapshotWriter} to copy verbatim.
   */
  record GroupFiles(SysfsGroup group, byte[] reservedRegions, Optional<byte[]> type, List<PlatformDir> platformDirs) {}

  /**
   * A group member that is not a PCI function, with the directory it lives in and, when it has an ACPI
   * object, the directory whose {@code firmware_node} link names it (its own or an ancestor's), the
   * node's directory and the bytes of the node's files ({@link #ACPI_NODE_FILES}); paths relative to
   * the real root.
   */
  record PlatformDir(PlatformDevice device, Path relativeDir, Optional<NodeDir> node) {}

  /** Where a {@code firmware_node} link is ({@code linkDir}), where it leads, and the files read there. */
  record NodeDir(Path linkDir, Path nodeDir, Map<String, byte[]> files) {}

  /** The attributes of an ACPI device object that resvc reads (drivers/acpi/device_sysfs.c). */
  static final List<String> ACPI_NODE_FILES = List.of("path", "hid", "uid");


  /** The snapshot plus what a writer needs to reproduce the tree. */
  record Detailed(SysfsSnapshot snapshot, SysfsTree tree, Map<PciAddress, DeviceDir> devices, List<GroupFiles> groups,
      KernelFactsReader.KernelFiles kernel) {}

  static Read<Detailed> readDetailed(Path root) throws InputException {
    List<InputNote> notes = new ArrayList<>();
    SysfsTree tree = SysfsTree.open(root);
    Optional<Path> groupsDir = groupsDirectory(tree, notes);
    Map<PciAddress, DeviceDir> devices = readDevices(tree, notes);
    List<GroupFiles> groups = groupsDir.isEmpty() ? List.of() : readGroups(tree, groupsDir.get(), devices, notes);
    Map<String, byte[]> tables = readAcpiTables(tree, notes);
    Read<KernelFactsReader.KernelFiles> kernel = KernelFactsReader.read(tree, tables);
    notes.addAll(kernel.notes());
    SysfsSnapshot snapshot = new SysfsSnapshot(
        root,
        devices.values().stream().map(DeviceDir::device).toList(),
        groups.stream().map(GroupFiles::group).toList(),
        tables,
        kernel.value().facts());
    return new Read<>(new Detailed(snapshot, tree, Collections.unmodifiableMap(devices), List.copyOf(groups),
        kernel.value()), notes);
  }

  /**
   * {@code kernel/iommu_groups}, the one directory every sysfs tree resvc reads has: the kernel
   * creates it at boot whenever it is built with IOMMU support, empty when the IOMMU is off. A
   * directory without it is not a sysfs tree (an empty or unrelated directory, a typo), and reading it
   * as a host without groups would give a wrong answer; the exception is a mounted sysfs, whose kernel
   * was built without IOMMU support: no groups, with a note.
   */
  private static Optional<Path> groupsDirectory(SysfsTree tree, List<InputNote> notes) throws InputException {
    Optional<Path> dir = tree.findDirectory(IOMMU_GROUPS);
    if (dir.isEmpty()) {
      if (!tree.isMountedSysfs()) {
        throw new InputException(tree.rootName(), Position.whole(),
            "no " + IOMMU_GROUPS + " directory: not a sysfs snapshot (make one with 'resvc snapshot')");
      }
      notes.add(InputNote.note(tree.name(IOMMU_GROUPS), Position.whole(),
          "missing: this kernel was built without IOMMU support (CONFIG_IOMMU_API), so there are no IOMMU groups"));
    }
    return dir;
  }

  // ---------------------------------------------------------------- PCI devices

  private static Map<PciAddress, DeviceDir> readDevices(SysfsTree tree, List<InputNote> notes) throws InputException {
    Map<PciAddress, DeviceDir> devices = new TreeMap<>();
    Optional<Path> dir = tree.findDirectory(PCI_DEVICES);
    if (dir.isEmpty()) {
      return devices;
    }
    for (String name : tree.list(PCI_DEVICES, dir.get())) {
      String rel = PCI_DEVICES + "/" + name;
      Optional<PciAddress> address = pciAddress(name, tree.name(rel), notes);
      if (address.isEmpty()) {
        continue;
      }
      Path real = deviceDirectory(tree, rel);
      Path relativeDir = tree.realRoot().relativize(real);
      Map<String, byte[]> idFiles = readIdFiles(tree, rel);
      PciDevice device = readDevice(address.get(), tree, rel, real, relativeDir, idFiles, notes);
      devices.put(address.get(), new DeviceDir(device, relativeDir, idFiles));
    }
    return devices;
  }

  /** The id files the device directory has, as bytes: read once, for the device and for the snapshot writer. */
  private static Map<String, byte[]> readIdFiles(SysfsTree tree, String rel) throws InputException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String file : PCI_ID_FILES) {
      String relFile = rel + "/" + file;
      Optional<Path> real = tree.find(relFile);
      if (real.isPresent()) {
        files.put(file, tree.read(relFile, real.get(), InputLimits.SYSFS_FILE));
      }
    }
    return Collections.unmodifiableMap(files);
  }

  private static PciDevice readDevice(PciAddress address, SysfsTree tree, String rel, Path real, Path relativeDir,
      Map<String, byte[]> idFiles, List<InputNote> notes) throws InputException {
    int vendor = (int) hexFile(idFiles, tree, rel, "vendor", 0xffff, true, notes);
    int deviceId = (int) hexFile(idFiles, tree, rel, "device", 0xffff, true, notes);
    int subVendor = (int) hexFile(idFiles, tree, rel, "subsystem_vendor", 0xffff, false, notes);
    int subDevice = (int) hexFile(idFiles, tree, rel, "subsystem_device", 0xffff, false, notes);
    int classCode = (int) hexFile(idFiles, tree, rel, "class", 0xffffff, true, notes);
    Optional<String> driver = driver(tree, rel, real, notes);
    boolean bridge = PciClasses.isBridgeClass(classCode) || hasPciChildren(real, tree.name(rel));
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
  private static Optional<PciAddress> pciAddress(String name, String source, List<InputNote> notes) {
    if (PCI_NAME.matcher(name).matches()) {
      try {
        return Optional.of(PciAddress.parse(name));
      } catch (IllegalArgumentException e) {
        notes.add(InputNote.note(source, Position.whole(), "skipped: " + e.getMessage()));
        return Optional.empty();
      }
    }
    notes.add(InputNote.note(source, Position.whole(),
        "skipped: '" + MessageText.clean(name) + "' is not a PCI device name"));
    return Optional.empty();
  }

  private static long hexFile(Map<String, byte[]> idFiles, SysfsTree tree, String rel, String file, long max,
      boolean required, List<InputNote> notes) throws InputException {
    String source = tree.name(rel + "/" + file);
    byte[] bytes = idFiles.get(file);
    if (bytes == null) {
      if (required) {
        throw new InputException(source, Position.whole(), "missing; every PCI device has one");
      }
      notes.add(InputNote.note(source, Position.whole(), "missing; taken as 0x0000"));
      return 0;
    }
    String text = new String(bytes, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith("0x") || text.length() == 2) {
      throw new InputException(source, Position.whole(),
          "'" + MessageText.clean(text) + "' is not 0x-prefixed hex as the kernel prints it (e.g. 0x8086)");
    }
    long value = 0;
    for (int i = 2; i < text.length(); i++) {
      int d = Character.digit(text.charAt(i), 16);
      if (d < 0) {
        throw new InputException(source, Position.whole(), "'" + MessageText.clean(text) + "' is not a hex number");
      }
      value = value * 16 + d;
      if (value > max) {
        throw new InputException(source, Position.whole(),
            "'" + MessageText.clean(text) + "' is above 0x" + Long.toHexString(max) + ", the widest " + file + " value");
      }
    }
    return value;
  }

  /** The name of the driver the device's {@code driver} link leads to ({@link #linkedName}). */
  private static Optional<String> driver(SysfsTree tree, String rel, Path deviceDir, List<InputNote> notes)
      throws InputException {
    Optional<String> name = linkedName(tree, rel, deviceDir, "driver", "a driver name");
    if (name.isEmpty() && Files.exists(deviceDir.resolve("driver"), LinkOption.NOFOLLOW_LINKS)) {
      notes.add(InputNote.note(tree.name(rel + "/driver"), Position.whole(),
          "not a symlink, so the driver's name is unknown; taken as no driver"));
    }
    return name;
  }

  /**
   * The last part of what the device's link {@code file} ({@code driver}, {@code subsystem}) leads to,
   * or empty when it is not a link. Only the link's text is read, never what it leads to, so a link
   * whose directory a snapshot leaves out (as git does with empty directories) still names it; but it
   * must point inside the tree, as sysfs's own do, and its last part must be a name that can be printed.
   */
  private static Optional<String> linkedName(SysfsTree tree, String rel, Path deviceDir, String file, String what)
      throws InputException {
    String source = tree.name(rel + "/" + file);
    Path link = deviceDir.resolve(file);
    if (Files.isSymbolicLink(link)) {
      Path target;
      try {
        target = Files.readSymbolicLink(link);
      } catch (IOException e) {
        throw new InputException(source, Position.whole(), "cannot read the link: " + InputFiles.reason(e), e);
      }
      Path leadsTo = deviceDir.resolve(target).normalize();
      if (!leadsTo.startsWith(tree.realRoot())) {
        throw new InputException(source, Position.whole(), "links outside the snapshot (to "
            + MessageText.clean(leadsTo.toString()) + "); a snapshot is read only inside its directory");
      }
      Path fileName = target.getFileName();
      if (fileName == null) {
        throw new InputException(source, Position.whole(), "the link has no target name");
      }
      String name = fileName.toString();
      if (!MessageText.clean(name).equals(name)) {
        throw new InputException(source, Position.whole(),
            "'" + MessageText.clean(name) + "' is not " + what + " (control characters, or too long)");
      }
      return Optional.of(name);
    }
    return Optional.empty();
  }

  /** The directory the device link {@code rel} leads to, inside the tree; a dangling or odd link is bad input. */
  private static Path deviceDirectory(SysfsTree tree, String rel) throws InputException {
    Optional<Path> real = tree.find(rel);
    if (real.isEmpty()) {
      throw new InputException(tree.name(rel), Position.whole(), "cannot resolve the device link: no such file");
    }
    if (real.get().equals(tree.realRoot()) || !Files.isDirectory(real.get())) {
      throw new InputException(tree.name(rel), Position.whole(), "does not lead to a device directory");
    }
    return real.get();
  }

  // ---------------------------------------------------------------- group members that are not PCI

  /**
   * A group member that is not a PCI function, read from the directory its link {@code rel} leads to:
   * its name is that directory's ({@code dev_name}: the link's own name may carry a {@code .N} the
   * kernel adds on a clash), its bus the {@code subsystem} link's target, which every device has.
   */
  private static PlatformDir readPlatformDevice(SysfsTree tree, String rel, List<InputNote> notes)
      throws InputException {
    Path real = deviceDirectory(tree, rel);
    Path relativeDir = tree.realRoot().relativize(real);
    String name = real.getFileName().toString();
    if (!MessageText.clean(name).equals(name)) {
      throw new InputException(tree.name(rel), Position.whole(),
          "'" + MessageText.clean(name) + "' is not a device name (control characters, or too long)");
    }
    String bus = linkedName(tree, rel, real, "subsystem", "a bus name").orElseThrow(() -> new InputException(
        tree.name(rel + "/subsystem"), Position.whole(), "missing or not a link; every device in sysfs has one"));
    Optional<String> driver = driver(tree, rel, real, notes);
    Optional<NodeDir> node = acpiNodeDir(tree, relativeDir);
    Optional<AcpiNode> acpi = Optional.empty();
    if (node.isPresent()) {
      acpi = Optional.of(acpiNode(tree, node.get(), relativeDir));
    }
    return new PlatformDir(new PlatformDevice(name, bus, driver, acpi), relativeDir, node);
  }

  /**
   * The ACPI object of the device in {@code relativeDir}: its own {@code firmware_node}, else the
   * nearest ancestor directory's, as {@code iort_match_node_callback} walks {@code dev->parent} to the
   * first device with an ACPI companion. The walk stops below the root.
   */
  private static Optional<NodeDir> acpiNodeDir(SysfsTree tree, Path relativeDir) throws InputException {
    for (Path dir = relativeDir; dir != null; dir = dir.getParent()) {
      String linkRel = dir + "/firmware_node";
      Optional<Path> nodeDir = tree.find(linkRel);
      if (nodeDir.isEmpty()) {
        continue;
      }
      if (!Files.isDirectory(nodeDir.get())) {
        throw new InputException(tree.name(linkRel), Position.whole(), "does not lead to an ACPI device directory");
      }
      Path nodeRel = tree.realRoot().relativize(nodeDir.get());
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (String file : ACPI_NODE_FILES) {
        String fileRel = nodeRel + "/" + file;
        Optional<Path> path = tree.find(fileRel);
        if (path.isPresent()) {
          files.put(file, tree.read(fileRel, path.get(), InputLimits.SYSFS_FILE));
        }
      }
      return Optional.of(new NodeDir(dir, nodeRel, Collections.unmodifiableMap(files)));
    }
    return Optional.empty();
  }

  /**
   * The node's attributes as {@code acpi_device_setup_files} creates them: {@code path} for every
   * object with a handle, {@code hid} for one with ids, {@code uid} for one with a _UID. A node without
   * a path cannot be matched by name, so resvc refuses it.
   */
  private static AcpiNode acpiNode(SysfsTree tree, NodeDir node, Path deviceDir) throws InputException {
    String nodeRel = node.nodeDir().toString();
    String path = attribute(tree, nodeRel, node, "path").orElseThrow(() -> new InputException(
        tree.name(nodeRel + "/path"), Position.whole(), "missing; resvc matches an ACPI device by its path"));
    String hid = attribute(tree, nodeRel, node, "hid").orElse("");
    AcpiNode own = AcpiNode.own(path, hid, attribute(tree, nodeRel, node, "uid"));
    return node.linkDir().equals(deviceDir) ? own : own.inheritedFrom(node.linkDir().getFileName().toString());
  }

  /** A one-line attribute as sysfs prints it ({@code "%s\n"}), without its newline. */
  private static Optional<String> attribute(SysfsTree tree, String nodeRel, NodeDir node, String file)
      throws InputException {
    byte[] bytes = node.files().get(file);
    if (bytes == null) {
      return Optional.empty();
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String value = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (value.isEmpty() || !MessageText.clean(value).equals(value)) {
      throw new InputException(tree.name(nodeRel + "/" + file), Position.whole(),
          "'" + MessageText.clean(value) + "' is not an ACPI " + file + " as sysfs prints it (one line)");
    }
    return Optional.of(value);
  }

  private static boolean hasPciChildren(Path dir, String source) throws InputException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(c -> PCI_NAME.matcher(c.getFileName().toString()).matches()
          && Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new InputException(source, Position.whole(), "cannot list the device directory: " + InputFiles.reason(e), e);
    }
  }

  // ---------------------------------------------------------------- IOMMU groups

  private static List<GroupFiles> readGroups(
      SysfsTree tree, Path dir, Map<PciAddress, DeviceDir> devices, List<InputNote> notes) throws InputException {
    List<GroupFiles> groups = new ArrayList<>();
    Map<Integer, String> names = new TreeMap<>();
    for (String name : tree.list(IOMMU_GROUPS, dir)) {
      String rel = IOMMU_GROUPS + "/" + name;
      if (!DECIMAL.matcher(name).matches()) {
        throw new InputException(tree.name(rel), Position.whole(), "'" + MessageText.clean(name)
            + "' is not a decimal IOMMU group number; the kernel names group directories 0, 1, 2, …");
      }
      int id;
      try {
        id = Integer.parseInt(name);
      } catch (NumberFormatException e) {
        throw new InputException(tree.name(rel), Position.whole(),
            "group number " + MessageText.clean(name) + " is too large", e);
      }
      String previous = names.put(id, name);
      if (previous != null) {
        throw new InputException(tree.name(rel), Position.whole(),
            "names the same group as " + tree.name(IOMMU_GROUPS + "/" + previous));
      }
    }
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      groups.add(readGroup(e.getKey(), tree, IOMMU_GROUPS + "/" + e.getValue(), devices, notes));
    }
    return groups;
  }

  private static GroupFiles readGroup(
      int id, SysfsTree tree, String rel, Map<PciAddress, DeviceDir> known, List<InputNote> notes)
      throws InputException {
    if (tree.findDirectory(rel).isEmpty()) {
      throw new InputException(tree.name(rel), Position.whole(), "a link that leads nowhere, not a group directory");
    }
    String regionsRel = rel + "/reserved_regions";
    String regionsName = tree.name(regionsRel);
    Optional<Path> regionsPath = tree.find(regionsRel);
    if (regionsPath.isEmpty()) {
      throw new InputException(regionsName, Position.whole(), "missing; every IOMMU group has one");
    }
    byte[] regionBytes = tree.read(regionsRel, regionsPath.get(), InputLimits.SYSFS_FILE);
    String text = new String(regionBytes, StandardCharsets.US_ASCII);
    boolean truncated = false;
    if (!text.isEmpty() && !text.endsWith("\n")) {
      int cut = text.lastIndexOf('\n') + 1;
      int lineNo = (int) text.chars().filter(c -> c == '\n').count() + 1;
      String why = regionBytes.length == SYSFS_PAGE_LIMIT
          ? "the kernel cut the file at one page (4095 bytes)"
          : "the file does not end in a newline, as if the kernel cut it at one page (sysfs_emit_at stops at 4095 bytes)";
      notes.add(InputNote.warning(regionsName, Position.line(lineNo),
          "IOMMU group " + id + ": " + why + "; the incomplete last line '" + MessageText.clean(text.substring(cut))
              + "' is dropped and regions after it may be missing"));
      text = text.substring(0, cut);
      truncated = true;
    } else if (regionBytes.length == SYSFS_PAGE_LIMIT) {
      notes.add(InputNote.warning(regionsName, Position.whole(),
          "IOMMU group " + id + ": the file is exactly 4095 bytes, the one-page limit of sysfs_emit_at;"
              + " the kernel may have cut it at one page, so regions may be missing"));
      truncated = true;
    }
    Read<RegionListParser.RegionList> parsed = RegionListParser.parse(text, regionsName, RegionListParser.Dialect.SYSFS, false);
    notes.addAll(parsed.notes());
    List<Region> regions = parsed.value().regions();

    Optional<byte[]> typeBytes = Optional.empty();
    Optional<String> type = Optional.empty();
    String typeRel = rel + "/type";
    Optional<Path> typePath = tree.find(typeRel);
    if (typePath.isPresent()) {
      byte[] b = tree.read(typeRel, typePath.get(), InputLimits.SYSFS_FILE);
      typeBytes = Optional.of(b);
      type = Optional.of(groupType(new String(b, StandardCharsets.ISO_8859_1), tree.name(typeRel), notes));
    }

    List<PciAddress> members = new ArrayList<>();
    List<PlatformDir> platform = new ArrayList<>();
    String devicesRel = rel + "/devices";
    Optional<Path> devicesDir = tree.findDirectory(devicesRel);
    if (devicesDir.isPresent()) {
      for (String name : tree.list(devicesRel, devicesDir.get())) {
        String devName = tree.name(devicesRel + "/" + name);
        Optional<PciAddress> address = groupMember(devicesDir.get().resolve(name), name);
        if (address.isEmpty()) {
          PlatformDir p = readPlatformDevice(tree, devicesRel + "/" + name, notes);
          if (platform.stream().anyMatch(q -> q.device().name().equals(p.device().name()))) {
            throw new InputException(devName, Position.whole(), p.device().name() + " appears twice in the group");
          }
          platform.add(p);
          continue;
        }
        if (!known.containsKey(address.get())) {
          notes.add(InputNote.warning(devName, Position.whole(),
              "IOMMU group " + id + ": " + address.get() + " is not listed in " + PCI_DEVICES + "; skipped"));
          continue;
        }
        if (members.contains(address.get())) {
          throw new InputException(devName, Position.whole(), address.get() + " appears twice in the group");
        }
        members.add(address.get());
      }
    }
    SysfsGroup group = new SysfsGroup(id, type, members,
        platform.stream().map(PlatformDir::device).toList(), regions, truncated);
    return new GroupFiles(group, regionBytes, typeBytes, List.copyOf(platform));
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

  /** What {@code iommu_group_show_type} prints: the default domain's type, or "unknown" without one. */
  static final Set<String> KERNEL_GROUP_TYPES = Set.of("blocked", "identity", "unmanaged", "DMA", "DMA-FQ", "unknown");

  private static final Pattern GROUP_TYPE_WORD = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /**
   * A group's {@code type} file as the kernel writes it (one word and a newline). A word the kernel
   * does not print today is kept with a note (a newer kernel may add one); anything else is not a
   * sysfs {@code type} file, and is refused rather than shown (it could carry terminal escapes).
   */
  private static String groupType(String text, String name, List<InputNote> notes) throws InputException {
    String word = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (!GROUP_TYPE_WORD.matcher(word).matches()) {
      throw new InputException(name, Position.whole(), "'" + MessageText.clean(word)
          + "' is not a group type as the kernel prints it (one of " + String.join(", ", sortedTypes()) + ")");
    }
    if (!KERNEL_GROUP_TYPES.contains(word)) {
      notes.add(InputNote.note(name, Position.whole(),
          "'" + word + "' is not a group type this version of resvc knows; shown as read"));
    }
    return word;
  }

  private static List<String> sortedTypes() {
    return KERNEL_GROUP_TYPES.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList();
  }

  // ---------------------------------------------------------------- ACPI tables

  private static Map<String, byte[]> readAcpiTables(SysfsTree tree, List<InputNote> notes) throws InputException {
    Map<String, byte[]> tables = new LinkedHashMap<>();
    for (String name : ACPI_TABLE_NAMES) {
      String rel = ACPI_TABLES + "/" + name;
      Optional<Path> path = tree.find(rel);
      if (path.isEmpty()) {
        continue;
      }
      try {
        tables.put(name, tree.read(rel, path.get(), InputLimits.ACPI_TABLE));
      } catch (InputException e) {
        if (!(e.getCause() instanceof AccessDeniedException)) {
          throw e;
        }
        notes.add(InputNote.note(tree.name(rel), Position.whole(),
            "not readable (ACPI tables are root-only); firmware regions cannot be attributed without it"));
      }
    }
    return tables;
  }

}
