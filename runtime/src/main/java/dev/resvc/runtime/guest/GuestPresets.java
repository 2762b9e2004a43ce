package dev.resvc.runtime.guest;

import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.ByteSize;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest memory maps of QEMU's machine types, as their board code lays them out for a given RAM size
 * (hw/i386/pc_q35.c {@code pc_q35_init}, hw/i386/pc_piix.c {@code pc_init1}, hw/arm/virt.c {@code
 * base_memmap} and {@code extended_memmap}; current machine-type defaults).
 *
 * <p>Not modelled: the legacy VGA/BIOS area at 0xa0000-0xfffff, which QEMU overlays on low RAM; a
 * non-default {@code max-ram-below-4g}; the AMD 1 TiB hole that QEMU 7.1+ adds for AMD guests whose
 * RAM would reach 0xfd00000000.
 */
public final class GuestPresets {
  private GuestPresets() {}

  public static final long GIB = 1L << 30;
  private static final long FOUR_GIB = 4 * GIB;
  public static final List<String> NAMES = List.of("q35", "pc", "virt");
  public static final long DEFAULT_RAM = 4 * GIB;

  /**
   * A preset from a spec {@code NAME[,ram=SIZE]}, e.g. {@code q35}, {@code pc,ram=16G}, {@code
   * virt,ram=512G}. RAM defaults to 4G.
   *
   * @throws IllegalArgumentException naming what is wrong with the spec
   */
  public static GuestLayout parseSpec(String spec) {
    String[] parts = spec.strip().split(",");
    String name = parts.length == 0 ? "" : parts[0].strip(); // "," splits into nothing
    if (!NAMES.contains(name)) {
      throw unknownPreset(name);
    }
    long ram = DEFAULT_RAM;
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      if (kv.length != 2 || !kv[0].strip().equals("ram")) {
        throw new IllegalArgumentException(
            "guest '" + spec + "': unknown option '" + parts[i] + "' (expected ram=SIZE, e.g. ram=16G)");
      }
      try {
        ram = ByteSize.parse(kv[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("guest '" + spec + "': " + e.getMessage());
      }
    }
    return preset(name, ram);
  }

  public static GuestLayout preset(String name, long ramBytes) {
    if (ramBytes == 0) {
      throw new IllegalArgumentException("guest RAM size must be above 0");
    }
    return switch (name) {
      case "q35" -> q35(ramBytes);
      case "pc" -> pc(ramBytes);
      case "virt" -> virt(ramBytes);
      default -> throw unknownPreset(name);
    };
  }

  private static IllegalArgumentException unknownPreset(String name) {
    return new IllegalArgumentException((name.isEmpty() ? "no guest preset given" : "unknown guest preset '" + name + "'")
        + " (expected one of " + String.join(", ", NAMES) + ", or a layout file)");
  }

  /** QEMU {@code q35}: low RAM up to 2 GiB if RAM is at least 2.75 GiB, else all RAM below 0xb0000000. */
  public static GuestLayout q35(long ram) {
    long lowmem = Long.compareUnsigned(ram, 0xb0000000L) >= 0 ? 0x80000000L : 0xb0000000L;
    List<GuestRange> ranges = new ArrayList<>();
    long below = Long.compareUnsigned(ram, lowmem) >= 0 ? lowmem : ram;
    ranges.add(range("low-ram", GuestKind.RAM, 0, below - 1));
    if (below < 0xb0000000L) {
      ranges.add(range("pci-hole", GuestKind.MMIO, below, 0xafffffffL));
    }
    ranges.add(range("pcie-mmconfig", GuestKind.MMIO, 0xb0000000L, 0xbfffffffL));
    ranges.add(range("pci-hole-high", GuestKind.MMIO, 0xc0000000L, 0xfebfffffL));
    addX86Top(ranges);
    addHighRam(ranges, ram - below);
    return new GuestLayout("q35,ram=" + ByteSize.format(ram), ranges);
  }

  /**
   * QEMU {@code pc} (i440fx): {@code max-ram-below-4g} defaults to 3.5 GiB; with that much RAM or
   * more, current machine types lower the split to 3 GiB (gigabyte alignment).
   */
  public static GuestLayout pc(long ram) {
    long lowmem = 0xe0000000L;
    if (Long.compareUnsigned(ram, lowmem) >= 0) {
      lowmem = 0xc0000000L;
    }
    long below = Long.compareUnsigned(ram, lowmem) >= 0 ? lowmem : ram;
    List<GuestRange> ranges = new ArrayList<>();
    ranges.add(range("low-ram", GuestKind.RAM, 0, below - 1));
    ranges.add(range("pci-hole", GuestKind.MMIO, below, 0xfebfffffL));
    addX86Top(ranges);
    addHighRam(ranges, ram - below);
    return new GuestLayout("pc,ram=" + ByteSize.format(ram), ranges);
  }

  private static void addX86Top(List<GuestRange> ranges) {
    ranges.add(range("ioapic-hpet", GuestKind.MMIO, 0xfec00000L, 0xfedfffffL));
    ranges.add(range("lapic-msi", GuestKind.MMIO, 0xfee00000L, 0xfeefffffL));
    ranges.add(range("bios", GuestKind.ROM, 0xfffc0000L, 0xffffffffL));
  }

  private static void addHighRam(List<GuestRange> ranges, long above) {
    if (above != 0) {
      ranges.add(range("high-ram", GuestKind.RAM, FOUR_GIB, FOUR_GIB + above - 1));
    }
  }

  /**
   * QEMU Arm {@code virt} with highmem: devices below 1 GiB, RAM from 1 GiB (at most 255 GiB in the
   * legacy layout), the high redistributors, ECAM and 512 GiB PCIe window above RAM from 256 GiB on.
   */
  public static GuestLayout virt(long ram) {
    long ramBase = GIB;
    if (Long.compareUnsigned(ram, 255 * GIB) > 0) {
      throw new IllegalArgumentException(
          "virt: RAM above 255G does not fit the legacy virt memory map (" + ByteSize.format(ram) + " asked)");
    }
    List<GuestRange> ranges = new ArrayList<>();
    ranges.add(range("flash", GuestKind.ROM, 0, 0x07ffffffL));
    ranges.add(range("gic", GuestKind.MMIO, 0x08000000L, 0x08ffffffL));
    ranges.add(range("uart", GuestKind.MMIO, 0x09000000L, 0x09000fffL));
    ranges.add(range("rtc", GuestKind.MMIO, 0x09010000L, 0x09010fffL));
    ranges.add(range("fw-cfg", GuestKind.MMIO, 0x09020000L, 0x09020017L));
    ranges.add(range("gpio", GuestKind.MMIO, 0x09030000L, 0x09030fffL));
    ranges.add(range("virtio-mmio", GuestKind.MMIO, 0x0a000000L, 0x0a003fffL));
    ranges.add(range("platform-bus", GuestKind.MMIO, 0x0c000000L, 0x0dffffffL));
    ranges.add(range("pcie-mmio", GuestKind.MMIO, 0x10000000L, 0x3efeffffL));
    ranges.add(range("pcie-pio", GuestKind.MMIO, 0x3eff0000L, 0x3effffffL));
    ranges.add(range("pcie-ecam", GuestKind.MMIO, 0x3f000000L, 0x3fffffffL));
    ranges.add(range("ram", GuestKind.RAM, ramBase, ramBase + ram - 1));
    long high = 256 * GIB;
    ranges.add(range("gic-redist-high", GuestKind.MMIO, high, high + 64 * (1L << 20) - 1));
    ranges.add(range("pcie-ecam-high", GuestKind.MMIO, high + 256 * (1L << 20), high + 512 * (1L << 20) - 1));
    ranges.add(range("pcie-mmio-high", GuestKind.MMIO, 512 * GIB, 1024 * GIB - 1));
    return new GuestLayout("virt,ram=" + ByteSize.format(ram), ranges);
  }

  private static GuestRange range(String name, GuestKind kind, long start, long end) {
    return new GuestRange(name, kind, new AddressRange(start, end));
  }
}
