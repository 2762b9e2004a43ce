package dev.resvc.bench;

import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A generated classify policy of {@code n} rules, a realistic mix of what firmware-quirk policies
 * test: vendor and class with the RMRR source, vendor and device id, a PCI address with a source set,
 * an RMRR inside an address window, a vendor with a start window, and a {@code direct} region
 * overlapping a window for a device class. Every rule is distinct (ids, addresses and windows are
 * derived from its index), so none is shadowed. The same rules are rendered as {@code .resv} text, as
 * CEL conditions, and kept as data for the hand-written table matcher.
 */
public final class RuleMix {
  /** The six shapes, used in turn. */
  public enum Kind { VENDOR_CLASS_RMRR, VENDOR_DEVICE, BDF_SOURCE, RMRR_WITHIN, VENDOR_START, DIRECT_OVERLAPS }

  /** Where a range test applies. */
  public enum RangeTest { NONE, WITHIN, START_IN, OVERLAPS }

  static final int[] VENDORS = {0x8086, 0x10de, 0x1002, 0x14e4, 0x15b3, 0x144d, 0x1b4b, 0x103c, 0x1022, 0x8087};
  static final int[] CLASSES = {0x0c03, 0x0300, 0x0108, 0x0200, 0x0403, 0x0c05, 0x0601, 0x0880, 0x0106, 0x0280};
  static final String[] ACTIONS = {"direct-relaxable", "direct", "reserved", "drop", "keep", "direct-relaxable"};

  /**
   * One rule; {@code -1} (or 0 for masks and bits) means "not tested".
   *
   * @param classValue the 24-bit pattern value; the top {@code classBits} bits are compared
   * @param sourceMask bit {@code RegionSource.ordinal()} set for each allowed source
   * @param typeMask bit {@code RegionType.ordinal()} set for each allowed type
   */
  public record Rule(int index, Kind kind, int vendor, int deviceId, int classValue, int classBits, int sourceMask,
      int typeMask, PciAddress address, RangeTest range, long lo, long hi, String action) {
    public String name() {
      return "r" + index;
    }
  }

  private final List<Rule> rules;

  private RuleMix(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** {@code n} rules from a fixed seed: the same policy on every run. */
  public static RuleMix generate(int n) {
    SplittableRandom random = new SplittableRandom(0x5eed_0000L + n);
    List<Rule> out = new ArrayList<>();
    int rmrr = 1 << RegionSource.RMRR.ordinal();
    int ivmd = 1 << RegionSource.IVMD.ordinal();
    for (int i = 0; i < n; i++) {
      Kind kind = Kind.values()[i % Kind.values().length];
      int vendor = VENDORS[random.nextInt(VENDORS.length)];
      int cls = CLASSES[random.nextInt(CLASSES.length)] << 8;
      int deviceId = (0x1000 + i * 7) & 0xffff;
      long window = 0x1_0000_0000L + (long) i * 0x10_0000L;
      String action = ACTIONS[random.nextInt(ACTIONS.length)];
      Rule r = switch (kind) {
        case VENDOR_CLASS_RMRR -> new Rule(i, kind, vendor, deviceId, cls, 16, rmrr, 0, null, RangeTest.NONE, 0, 0, action);
        case VENDOR_DEVICE -> new Rule(i, kind, vendor, deviceId, 0, 0, 0, 0, null, RangeTest.NONE, 0, 0, action);
        case BDF_SOURCE -> new Rule(i, kind, -1, -1, 0, 0, rmrr | ivmd, 0,
            PciAddress.of(i / 8192, (i / 32) % 256, i % 32, random.nextInt(8)), RangeTest.NONE, 0, 0, action);
        case RMRR_WITHIN -> new Rule(i, kind, -1, -1, 0, 0, rmrr, 0, null, RangeTest.WITHIN, window, window + 0xf_ffffL, action);
        case VENDOR_START -> new Rule(i, kind, vendor, -1, 0, 0, 0, 0, null, RangeTest.START_IN, window, window + 0xf_ffffL,
            action);
        case DIRECT_OVERLAPS -> new Rule(i, kind, -1, -1, cls, 8, 0, 1 << RegionType.DIRECT.ordinal(), null,
            RangeTest.OVERLAPS, window, window + 0xf_ffffL, action);
      };
      out.add(r);
    }
    return new RuleMix(out);
  }

  /** The policy as {@code .resv} text (class {@code bench.MixN}); conflicts allow everything. */
  public String toResv() {
    StringBuilder b = new StringBuilder();
    b.append("policy bench.Mix").append(rules.size()).append(";\n\nclassify {\n");
    for (Rule r : rules) {
      b.append("  rule ").append(r.name()).append(": when ").append(resvCondition(r)).append(" => ").append(r.action())
          .append(";\n");
    }
    b.append("  default => keep;\n}\n\nconflicts {\n  default => allow;\n}\n");
    return b.toString();
  }

  static String resvCondition(Rule r) {
    List<String> terms = new ArrayList<>();
    if (r.sourceMask() != 0) {
      List<String> names = new ArrayList<>();
      for (RegionSource s : RegionSource.values()) {
        if ((r.sourceMask() & (1 << s.ordinal())) != 0) {
          names.add(s.resvName());
        }
      }
      terms.add(names.size() == 1 ? "region.source == " + names.get(0) : "region.source in {" + String.join(", ", names) + "}");
    }
    if (r.typeMask() != 0) {
      for (RegionType t : RegionType.values()) {
        if ((r.typeMask() & (1 << t.ordinal())) != 0) {
          terms.add("region.type == " + t.resvName());
        }
      }
    }
    if (r.vendor() >= 0) {
      terms.add(String.format(Locale.ROOT, "device.vendor == 0x%04x", r.vendor()));
    }
    if (r.deviceId() >= 0) {
      terms.add(String.format(Locale.ROOT, "device.device_id == 0x%04x", r.deviceId()));
    }
    if (r.classBits() == 16) {
      terms.add(String.format(Locale.ROOT, "device.class matches 0x%04xxx", r.classValue() >>> 8));
    } else if (r.classBits() == 8) {
      terms.add(String.format(Locale.ROOT, "device.class matches 0x%02xxxxx", r.classValue() >>> 16));
    }
    if (r.address() != null) {
      terms.add("device.bdf == " + r.address());
    }
    String range = String.format(Locale.ROOT, "0x%x .. 0x%x", r.lo(), r.hi());
    switch (r.range()) {
      case WITHIN -> terms.add("within(" + range + ")");
      case START_IN -> terms.add("region.start in " + range);
      case OVERLAPS -> terms.add("overlaps(" + range + ")");
      case NONE -> { }
    }
    return String.join(" and ", terms);
  }

  /** The same condition in CEL over {@link CelPolicy}'s variables. */
  public static String celCondition(Rule r) {
    List<String> terms = new ArrayList<>();
    if (r.sourceMask() != 0) {
      List<String> names = new ArrayList<>();
      for (RegionSource s : RegionSource.values()) {
        if ((r.sourceMask() & (1 << s.ordinal())) != 0) {
          names.add("'" + s.resvName() + "'");
        }
      }
      terms.add(names.size() == 1 ? "source == " + names.get(0) : "source in [" + String.join(", ", names) + "]");
    }
    if (r.typeMask() != 0) {
      for (RegionType t : RegionType.values()) {
        if ((r.typeMask() & (1 << t.ordinal())) != 0) {
          terms.add("type == '" + t.resvName() + "'");
        }
      }
    }
    if (r.vendor() >= 0) {
      terms.add(String.format(Locale.ROOT, "vendor == 0x%04x", r.vendor()));
    }
    if (r.deviceId() >= 0) {
      terms.add(String.format(Locale.ROOT, "device_id == 0x%04x", r.deviceId()));
    }
    if (r.classBits() > 0) {
      int shift = 24 - r.classBits();
      terms.add(String.format(Locale.ROOT, "cls / %d == 0x%x", 1 << shift, r.classValue() >>> shift));
    }
    if (r.address() != null) {
      terms.add(String.format(Locale.ROOT, "bdf == 0x%x", r.address().segment() << 16 | r.address().requesterId()));
    }
    switch (r.range()) {
      case WITHIN -> terms.add(String.format(Locale.ROOT, "start <= end && start >= 0x%x && end <= 0x%x", r.lo(), r.hi()));
      case START_IN -> terms.add(String.format(Locale.ROOT, "start >= 0x%x && start <= 0x%x", r.lo(), r.hi()));
      case OVERLAPS -> terms.add(String.format(Locale.ROOT, "start <= end && start <= 0x%x && end >= 0x%x", r.hi(), r.lo()));
      case NONE -> { }
    }
    return String.join(" && ", terms);
  }

  /** A (device, region) pair that the rule matches (the rule may still be preceded by another that matches). */
  public static Sample sampleFor(Rule r) {
    int vendor = r.vendor() >= 0 ? r.vendor() : 0x8086;
    int deviceId = r.deviceId() >= 0 ? r.deviceId() : 0xabcd;
    int cls = r.classBits() > 0 ? r.classValue() | 0x30 : 0x0c0330;
    PciAddress address = r.address() != null ? r.address() : PciAddress.of(0, 0x3a, 0, 0);
    PciDevice device = new PciDevice(address, vendor, deviceId, 0, 0, cls, Optional.empty(), false, List.of());
    RegionSource source = RegionSource.RMRR;
    RegionType type = r.typeMask() != 0 ? RegionType.DIRECT : RegionType.DIRECT;
    long start = r.range() == RangeTest.NONE ? 0x3e2e0000L : r.lo() + 0x1000;
    return new Sample(device, 7, new Region(start, 0x2000, type, Prot.READ_WRITE, source));
  }

  /** One classify input. */
  public record Sample(PciDevice device, int group, Region region) {}
}
