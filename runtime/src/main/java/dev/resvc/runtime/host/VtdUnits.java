package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Intel VT-d remapping units a host shows in {@code class/iommu/dmarN}: the registers the driver
 * exports in {@code intel-iommu/} ({@code cap}, {@code ecap}, {@code address}, each {@code "%llx\n"}:
 * {@code cap_show}, {@code ecap_show}, {@code address_show} in drivers/iommu/intel/iommu.c) and the
 * devices it translates for ({@code devices/}, the links {@code iommu_device_link} makes). Older
 * snapshots have none of this; the aperture then falls back to the DMAR host address width.
 */
public record VtdUnits(List<Unit> units) {
  /** Where the units live below a sysfs root. */
  public static final String DIR = "class/iommu";
  /** More units than any machine has (one per DRHD; large servers have a few dozen). */
  public static final int MAX_UNITS = 1024;
  /** More devices than one unit can translate for (256 buses of 256 functions). */
  public static final int MAX_DEVICES = 65536;

  private static final Pattern UNIT = Pattern.compile("dmar(0|[1-9][0-9]{0,5})");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,16}");
  private static final Pattern DEVICE = Pattern.compile("[\\x21-\\x7e]{1,64}");

  /**
   * One unit.
   *
   * @param name {@code dmarN}
   * @param address the register base ({@code reg_phys}), which ties the unit to its DRHD
   * @param devices the names of the devices it translates for ({@code 0000:00:02.0}, ...), sorted
   */
  public record Unit(String name, long cap, long ecap, long address, List<String> devices) {
    public Unit {
      Objects.requireNonNull(name, "name");
      devices = List.copyOf(devices);
    }
  }

  public VtdUnits {
    units = List.copyOf(units);
  }

  /** The unit translating for the device named {@code device}, when one lists it. */
  public Optional<Unit> unitOf(String device) {
    return units.stream().filter(u -> u.devices().contains(device)).findFirst();
  }

  /** The units at {@code root} (the live {@code /sys} or a snapshot); none when it shows no {@code intel-iommu/cap}. */
  public static VtdUnits read(Path root) throws InputException {
    return read(SysfsTree.open(root)).units();
  }

  /** The units with the bytes of every register file read and the device names, for {@link SnapshotWriter}. */
  record Files(VtdUnits units, Map<String, byte[]> files, Map<String, List<String>> devices) {
    Files {
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
      devices = Collections.unmodifiableMap(new LinkedHashMap<>(devices));
    }
  }

  /**
   * Reads every {@code dmarN} of {@link #DIR} in {@code tree} that has {@code intel-iommu/cap}.
   *
   * @throws InputException naming the file for a register the kernel would not print (not 1 to 16
   *     lowercase hex digits on one line), a unit with {@code cap} but no {@code ecap} or {@code
   *     address}, a device name that is not one printable word, or more than {@value #MAX_UNITS}
   *     units or {@value #MAX_DEVICES} devices on one
   */
  static Files read(SysfsTree tree) throws InputException {
    Optional<Path> dir = tree.findDirectory(DIR);
    if (dir.isEmpty()) {
      return new Files(new VtdUnits(List.of()), Map.of(), Map.of());
    }
    List<String> names = tree.list(DIR, dir.get()).stream().filter(n -> UNIT.matcher(n).matches()).toList();
    if (names.size() > MAX_UNITS) {
      throw new InputException(tree.name(DIR), Position.whole(), names.size() + " dmar units; a machine has far"
          + " fewer (at most " + MAX_UNITS + " are read)");
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, List<String>> devicesByUnit = new LinkedHashMap<>();
    List<Unit> units = new ArrayList<>();
    for (String name : names.stream().sorted((a, b) -> Integer.compare(number(a), number(b))).toList()) {
      String regs = DIR + "/" + name + "/intel-iommu";
      if (tree.find(regs + "/cap").isEmpty()) {
        continue;
      }
      long cap = register(tree, regs + "/cap", files);
      long ecap = register(tree, regs + "/ecap", files);
      long address = register(tree, regs + "/address", files);
      List<String> devices = devices(tree, DIR + "/" + name + "/devices");
      devicesByUnit.put(DIR + "/" + name + "/devices", devices);
      units.add(new Unit(name, cap, ecap, address, devices));
    }
    return new Files(new VtdUnits(units), files, devicesByUnit);
  }

  private static int number(String unit) {
    return Integer.parseInt(unit.substring("dmar".length()));
  }

  private static List<String> devices(SysfsTree tree, String rel) throws InputException {
    Optional<Path> dir = tree.findDirectory(rel);
    if (dir.isEmpty()) {
      return List.of();
    }
    List<String> names = tree.list(rel, dir.get());
    if (names.size() > MAX_DEVICES) {
      throw new InputException(tree.name(rel), Position.whole(), names.size() + " devices; one unit translates"
          + " for at most " + MAX_DEVICES);
    }
    for (String n : names) {
      if (!DEVICE.matcher(n).matches()) {
        throw new InputException(tree.name(rel), Position.whole(), MessageText.quote(n)
            + " is not a device name as the kernel makes them (one printable word)");
      }
    }
    return names;
  }

  /** A register file: one line of lowercase hex, as {@code "%llx\n"} prints it. */
  private static long register(SysfsTree tree, String rel, Map<String, byte[]> files) throws InputException {
    Optional<Path> real = tree.find(rel);
    if (real.isEmpty()) {
      throw new InputException(tree.name(rel), Position.whole(),
          "missing (the intel-iommu directory has cap, ecap and address together)");
    }
    byte[] bytes = tree.read(rel, real.get(), InputLimits.SYSFS_FILE);
    files.put(rel, bytes);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String value = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (!HEX.matcher(value).matches()) {
      throw new InputException(tree.name(rel), Position.whole(), MessageText.quote(value)
          + " is not a register as the kernel prints it (1 to 16 lowercase hex digits, \"%llx\")");
    }
    return Long.parseUnsignedLong(value, 16);
  }
}
