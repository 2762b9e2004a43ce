package dev.resvc.runtime.guest;

import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.range.ByteSize;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Guests named the way {@code --guest} names them: a QEMU machine type and its memory options,
 * {@code MACHINE[,ram=SIZE][,max-ram-below-4g=SIZE][,cpu=amd|intel][,highmem=on|off]}, laid out by
 * {@link QemuMachine} exactly as QEMU's board code does for that machine type and version. The
 * bare presets {@code q35}, {@code pc} and {@code virt} are QEMU's aliases of its newest types.
 */
public final class GuestPresets {
  private GuestPresets() {}

  public static final long GIB = 1L << 30;
  /** The machine types without a version, each QEMU's alias of its newest. */
  public static final List<String> NAMES =
      List.of(QemuMachine.Board.Q35.alias(), QemuMachine.Board.I440FX.alias(), QemuMachine.Board.VIRT.alias());
  public static final long DEFAULT_RAM = 4 * GIB;

  private static final String OPTIONS = "ram=SIZE, max-ram-below-4g=SIZE, cpu=amd|intel, highmem=on|off";

  /**
   * The guest a spec names, e.g. {@code q35}, {@code pc,ram=16G}, {@code virt,ram=512G}, {@code
   * pc-q35-7.1,ram=1T,cpu=amd}, {@code pc-i440fx-1.7,ram=4G,max-ram-below-4g=2G}. RAM defaults to 4G.
   *
   * @throws IllegalArgumentException naming the part of the spec that is wrong
   */
  public static GuestLayout parseSpec(String spec) {
    String[] parts = spec.strip().split(",");
    String name = parts.length == 0 ? "" : parts[0].strip(); // "," splits into nothing
    if (name.isEmpty()) {
      throw new IllegalArgumentException("no guest machine given (expected q35, pc, virt, a versioned QEMU machine"
          + " type such as pc-q35-8.2, or a layout file)");
    }
    QemuMachine machine = QemuMachine.parse(name);
    long ram = DEFAULT_RAM;
    OptionalLong maxRamBelow4g = OptionalLong.empty();
    boolean amd = false;
    boolean highmem = true;
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      String key = kv[0].strip();
      if (kv.length != 2 || !List.of("ram", "max-ram-below-4g", "cpu", "highmem").contains(key)) {
        throw new IllegalArgumentException(
            "guest " + MessageText.quote(spec) + ": unknown option " + MessageText.quote(parts[i])
                + " (expected " + OPTIONS + ")");
      }
      if (!seen.add(key)) {
        throw new IllegalArgumentException("guest " + MessageText.quote(spec) + ": option '" + key + "' is given twice");
      }
      String value = kv[1].strip();
      try {
        switch (key) {
          case "ram" -> ram = ByteSize.parse(value);
          case "max-ram-below-4g" -> maxRamBelow4g = OptionalLong.of(ByteSize.parse(value));
          case "cpu" -> amd = choice(spec, parts[i], value, "amd", "intel");
          default -> highmem = choice(spec, parts[i], value, "on", "off");
        }
      } catch (NumberFormatException e) { // ByteSize quotes the value as given: clean it to one line
        throw new IllegalArgumentException(
            "guest " + MessageText.quote(spec) + ": " + MessageText.clean(e.getMessage(), 200));
      }
    }
    try {
      return machine.layout(new QemuMachine.Memory(ram, maxRamBelow4g, amd, highmem));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("guest " + MessageText.quote(spec) + ": " + e.getMessage());
    }
  }

  /** Whether {@code value} is {@code yes} rather than {@code no}. */
  private static boolean choice(String spec, String option, String value, String yes, String no) {
    if (value.equals(yes) || value.equals(no)) {
      return value.equals(yes);
    }
    throw new IllegalArgumentException(
        "guest " + MessageText.quote(spec) + ": " + MessageText.quote(option) + " takes " + yes + " or " + no);
  }

  /** The layout of machine type {@code name} (see {@link QemuMachine#parse}) with {@code ramBytes} of RAM. */
  public static GuestLayout preset(String name, long ramBytes) {
    return QemuMachine.parse(name).layout(QemuMachine.Memory.ofRam(ramBytes));
  }

  /** QEMU {@code q35}: the newest pc-q35 type. */
  public static GuestLayout q35(long ram) {
    return preset("q35", ram);
  }

  /** QEMU {@code pc}: the newest pc-i440fx type. */
  public static GuestLayout pc(long ram) {
    return preset("pc", ram);
  }

  /** QEMU {@code virt} with highmem: the newest virt type. */
  public static GuestLayout virt(long ram) {
    return preset("virt", ram);
  }
}
