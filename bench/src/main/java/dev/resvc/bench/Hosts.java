package dev.resvc.bench;

import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Synthetic Intel VT-d hosts of any number of IOMMU groups, shaped after the shipped hosts
 * (examples/hosts): groups cycle through an xHCI controller with its RMRR (dell-latitude-5414), the
 * integrated GPU with its stolen-memory RMRR, the LPC/ISA bridge with SMBus and audio functions and
 * the floppy workaround, a root port, an NVMe SSD, a two-port NIC with a locking RMRR
 * (hp-proliant-dl360-g7), and a discrete GPU with its audio function. Every device gets the
 * interrupt window, as the Intel driver adds it.
 */
public final class Hosts {
  private Hosts() {}

  /** The guest all whole-host benchmarks use. */
  public static final GuestLayout GUEST = GuestPresets.q35(8L << 30);
  /** VT-d with a 39-bit address width. */
  public static final AddressRange APERTURE = AddressRange.of(0, (1L << 39) - 1);

  private static final Region MSI = new Region(0xfee00000L, 0x100000L, RegionType.MSI, Prot.MSI_DOORBELL,
      RegionSource.MSI_WINDOW);

  public static Host host(int groups) {
    List<IommuGroup> out = new ArrayList<>();
    List<PciDevice> devices = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int bus = g / 16;
      int slot = g % 16;
      List<IommuGroup.Member> members = new ArrayList<>();
      switch (g % 7) {
        case 0 -> members.add(member(dev(bus, slot, 0, 0x8086, 0xa36d, 0x0c0330),
            rmrr(0x3e2e0000L, 0x3e2fffffL), MSI));
        case 1 -> members.add(member(dev(bus, slot, 0, 0x8086, 0x3e9b, 0x030000),
            rmrr(0x3c000000L, 0x3fffffffL), MSI));
        case 2 -> {
          members.add(member(dev(bus, slot, 0, 0x8086, 0xa30e, 0x060100),
              Region.ofInclusive(0, 0xffffffL, RegionType.DIRECT_RELAXABLE, Prot.READ_WRITE, RegionSource.FLOPPY_WA), MSI));
          members.add(member(dev(bus, slot, 3, 0x8086, 0xa348, 0x040300), MSI));
          members.add(member(dev(bus, slot, 4, 0x8086, 0xa323, 0x0c0500), MSI));
        }
        case 3 -> members.add(member(dev(bus, slot, 0, 0x8086, 0xa340, 0x060400), MSI));
        case 4 -> members.add(member(dev(bus, slot, 0, 0x144d, 0xa808, 0x010802), MSI));
        case 5 -> {
          members.add(member(dev(bus, slot, 0, 0x14e4, 0x1639, 0x020000),
              rmrr(0x000e8000L, 0x000e8fffL), rmrr(0xbdf00000L, 0xbdffffffL), MSI));
          members.add(member(dev(bus, slot, 1, 0x14e4, 0x1639, 0x020000),
              rmrr(0x000e8000L, 0x000e8fffL), rmrr(0xbdf00000L, 0xbdffffffL), MSI));
        }
        default -> {
          members.add(member(dev(bus, slot, 0, 0x10de, 0x1eb8, 0x030200), MSI));
          members.add(member(dev(bus, slot, 1, 0x10de, 0x10f8, 0x040300), MSI));
        }
      }
      members.forEach(m -> devices.add((PciDevice) m.device())); // a synthetic host holds PCI functions only
      out.add(new IommuGroup(g, Optional.of("DMA"), members, List.of()));
    }
    return new Host("synthetic-" + groups, devices, out);
  }

  private static PciDevice dev(int bus, int slot, int fn, int vendor, int deviceId, int cls) {
    return new PciDevice(PciAddress.of(0, bus, slot, fn), vendor, deviceId, 0, 0, cls, Optional.empty(),
        PciClasses.isBridgeClass(cls), List.of());
  }

  private static Region rmrr(long start, long end) {
    return Region.ofInclusive(start, end, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
  }

  private static IommuGroup.Member member(PciDevice device, Region... regions) {
    return new IommuGroup.Member(device, List.of(regions));
  }

  /**
   * Every (PCI device, region) pair of the host, in the order the evaluator classifies them; members
   * that are not PCI are left out, as the hand-written and CEL policies compared model PCI functions only.
   */
  public static List<RuleMix.Sample> samples(Host host) {
    List<RuleMix.Sample> out = new ArrayList<>();
    for (IommuGroup g : host.groups()) {
      for (IommuGroup.Member m : g.members()) {
        if (!(m.device() instanceof PciDevice device)) {
          continue;
        }
        for (Region r : m.regions()) {
          out.add(new RuleMix.Sample(device, g.id(), r));
        }
        for (Region r : g.groupRegions()) {
          out.add(new RuleMix.Sample(device, g.id(), r));
        }
      }
    }
    return out;
  }

  /** Per group, the regions the policy leaves (classified, in evaluator order): the input of the merge step. */
  public static List<List<Region>> effectiveRegions(Host host, Policy policy) {
    List<List<Region>> out = new ArrayList<>();
    for (IommuGroup g : host.groups()) {
      List<Region> effective = new ArrayList<>();
      for (IommuGroup.Member m : g.members()) {
        List<Region> inputs = new ArrayList<>(m.regions());
        inputs.addAll(g.groupRegions());
        for (Region r : inputs) {
          policy.classify(TargetKernel.newest(), m.device(), g.id(), r).apply(r).ifPresent(effective::add);
        }
      }
      out.add(effective);
    }
    return out;
  }
}
