package dev.resvc.compiler.codegen;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.AcpiNode;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Random hosts, guests and apertures: PCI devices with classes, bridges and drivers from the pools of
 * {@link RandomPolicies} and, in some groups, members that are not PCI (names, buses, HIDs from its pools), regions of every type and source including zero-length ones, the last
 * bytes of the address space, inverted ones and the whole 2^64 space.
 */
final class RandomHosts {
  private RandomHosts() {}

  /** {start, length} pairs; length 0 at start 0 is the whole space. */
  private static final long[][] REGIONS = {
      {0x3e2e0000L, 0x20000L}, {0xfee00000L, 0x100000L}, {0, 0x1000000L}, {0x100000000L, 0x40000000L},
      {0xfffffffffffff000L, 0x1000L}, {-1L, 1}, {0x1000L, 0}, {0, 0}, {0xfffffffffff00000L, 0x200000L},
      {0xfec00000L, 0x1000L}, {0x80000000L, 0x10000000L}, {0x3e2f0000L, 0x10000L}};

  static Host host(Random r, int n) {
    List<PciAddress> pool = new ArrayList<>();
    for (String bdf : RandomPolicies.BDFS) {
      pool.add(PciAddress.parse(bdf));
    }
    pool.add(PciAddress.parse("03:00.0"));
    java.util.Collections.shuffle(pool, r);
    int groups = 1 + r.nextInt(3);
    List<IommuGroup> out = new ArrayList<>();
    List<PciDevice> devices = new ArrayList<>();
    int next = 0;
    Set<Integer> ids = new LinkedHashSet<>();
    for (int g = 0; g < groups; g++) {
      int members = r.nextInt(4);
      List<IommuGroup.Member> ms = new ArrayList<>();
      for (int m = 0; m < members && next < pool.size(); m++) {
        PciDevice d = device(r, pool.get(next++));
        devices.add(d);
        ms.add(new IommuGroup.Member(d, regions(r)));
      }
      // members that are not PCI, after the PCI functions as the kernel's sysfs order lists them here
      for (int m = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0; m > 0; m--) {
        ms.add(new IommuGroup.Member(platformDevice(r, ms.size()), regions(r)));
      }
      List<Region> groupRegions = new ArrayList<>();
      for (int k = r.nextInt(3); k > 0; k--) {
        groupRegions.add(region(r));
      }
      int id = r.nextInt(8);
      while (!ids.add(id)) {
        id++;
      }
      out.add(new IommuGroup(id, Optional.empty(), ms, groupRegions));
    }
    return new Host("random-" + n, devices, out);
  }

  private static List<Region> regions(Random r) {
    List<Region> regions = new ArrayList<>();
    for (int k = r.nextInt(4); k > 0; k--) {
      regions.add(region(r));
    }
    return regions;
  }

  /** Buses of devices that are not PCI: every kind policies name, and one they do not ({@code other}). */
  private static final List<String> BUSES = List.of("platform", "fsl-mc", "amba", "spi");

  /**
   * A device that is not PCI: a name from {@link RandomPolicies#DEVICE_NAMES} (unique in its group), a
   * bus, a driver or none, and an ACPI node of its own (with a HID from {@link RandomPolicies#HIDS} or
   * none), an ancestor's, or none.
   */
  private static PlatformDevice platformDevice(Random r, int index) {
    String quoted = RandomPolicies.DEVICE_NAMES.get(r.nextInt(RandomPolicies.DEVICE_NAMES.size()));
    String name = quoted.substring(1, quoted.length() - 1) + (index == 0 ? "" : "-" + index);
    String hid = RandomPolicies.HIDS.get(r.nextInt(RandomPolicies.HIDS.size()));
    AcpiNode node = AcpiNode.own("\\_SB_.DEV" + index, hid.substring(1, hid.length() - 1), Optional.empty());
    Optional<AcpiNode> acpi = switch (r.nextInt(3)) {
      case 0 -> Optional.empty();
      case 1 -> Optional.of(node.inheritedFrom("ACPI0004:00"));
      default -> Optional.of(node);
    };
    Optional<String> driver = r.nextBoolean() ? Optional.empty() : Optional.of(r.nextBoolean() ? "vfio-platform" : "i915");
    return new PlatformDevice(name, BUSES.get(r.nextInt(BUSES.size())), driver, acpi);
  }

  private static PciDevice device(Random r, PciAddress address) {
    List<PciAddress> upstream = new ArrayList<>();
    for (String b : RandomPolicies.BRIDGES) {
      if (r.nextInt(3) == 0) {
        upstream.add(PciAddress.parse(b));
      }
    }
    Optional<String> driver = switch (r.nextInt(r.nextInt(8) == 0 ? 7 : 5)) {
      case 0 -> Optional.empty();
      case 5 -> Optional.of(RandomPolicies.LONG_TEXT);
      case 6 -> Optional.of(RandomPolicies.LONG_TEXT.substring(0, RandomPolicies.LONG_TEXT.length() - 1) + "!");
      case 1 -> Optional.of("xhci_hcd");
      case 2 -> Optional.of("vfio-pci");
      case 3 -> Optional.of("a\\b\"c");
      default -> Optional.of("i915");
    };
    return new PciDevice(address, hex(r, RandomPolicies.VENDORS), hex(r, RandomPolicies.DEVICE_IDS),
        r.nextBoolean() ? 0x8086 : r.nextInt(0x10000), r.nextInt(4) == 0 ? 0x10fb : r.nextInt(0x10000),
        r.nextInt(6) == 0 ? r.nextInt(0x1000000) : hex(r, RandomPolicies.CLASSES), driver, r.nextBoolean(), upstream);
  }

  private static int hex(Random r, List<String> pool) {
    String s = pool.get(r.nextInt(pool.size()));
    return s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s);
  }

  static Region region(Random r) {
    long start;
    long length;
    if (r.nextInt(5) == 0) {
      start = r.nextLong() & ~0xfffL;
      length = r.nextInt(3) == 0 ? r.nextLong() : (long) r.nextInt(0x100000) << 12;
    } else {
      long[] pick = REGIONS[r.nextInt(REGIONS.length)];
      start = pick[0];
      length = pick[1];
    }
    RegionType type = RegionType.values()[r.nextInt(RegionType.values().length)];
    RegionSource source = RegionSource.values()[r.nextInt(RegionSource.values().length)];
    return new Region(start, length, type, new Prot(r.nextInt(64)), source);
  }

  /**
   * A kernel: a release around the era boundaries of docs/kernel-eras.md (or a random one), either
   * backend, a driver or none, MSIs isolated or not.
   */
  static TargetKernel kernel(Random r) {
    KernelRelease release = r.nextInt(4) == 0
        ? KernelRelease.of(r.nextInt(8), r.nextInt(30), r.nextInt(3) == 0 ? r.nextInt(300) : 0)
        : KernelRelease.parse(ERAS.get(r.nextInt(ERAS.size())));
    Optional<IommuDriver> driver = r.nextInt(4) == 0 ? Optional.empty()
        : Optional.of(IommuDriver.values()[r.nextInt(IommuDriver.values().length)]);
    return new TargetKernel(release, Backend.values()[r.nextInt(Backend.values().length)], driver, r.nextBoolean(),
        r.nextBoolean(), List.of());
  }

  /** Releases at and beside the era boundaries. */
  private static final List<String> ERAS = List.of("4.18", "5.2.21", "5.3", "5.4", "5.5", "5.6", "6.0", "6.1.55",
      "6.2", "6.5.13", "6.6", "6.8", "6.16");

  static GuestLayout guest(Random r) {
    long[] rams = {512L << 20, 2L << 30, 4L << 30, 6L << 30, 64L << 30, 1L << 20};
    return GuestPresets.preset(GuestPresets.NAMES.get(r.nextInt(GuestPresets.NAMES.size())), rams[r.nextInt(rams.length)]);
  }

  static AddressRange aperture(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> AddressRange.FULL;
      case 1 -> new AddressRange(0, 0xffffffffL);
      default -> new AddressRange(0, (1L << 39) - 1);
    };
  }
}
