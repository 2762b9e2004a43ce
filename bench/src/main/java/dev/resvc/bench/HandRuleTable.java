package dev.resvc.bench;

import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Provenance;
import java.util.List;

/**
 * A {@link RuleMix} as a hand-written Java engineer would keep hundreds or thousands of rules: a table
 * of primitive fields (wildcards as -1 or 0) scanned in order, the region's and device's fields read
 * once per decision. What "hand-written" means for the 1,000- and 10,000-rule policies.
 */
public final class HandRuleTable implements Policy {
  private static final int NONE = 0;
  private static final int WITHIN = 1;
  private static final int START_IN = 2;
  private static final int OVERLAPS = 3;

  private final String name;
  private final int[] vendor;
  private final int[] deviceId;
  private final int[] classShift;
  private final int[] classValue;
  private final int[] sourceMask;
  private final int[] typeMask;
  private final int[] bdf;
  private final int[] range;
  private final long[] lo;
  private final long[] hi;
  private final ClassifyDecision[] decisions;
  private final ClassifyDecision keep = ClassifyDecision.keep(new Provenance("default", "hand", 0));
  private final ConflictDecision allow = ConflictDecision.allow(new Provenance("default", "hand", 0));

  public HandRuleTable(RuleMix mix) {
    List<RuleMix.Rule> rules = mix.rules();
    int n = rules.size();
    name = "bench.Mix" + n;
    vendor = new int[n];
    deviceId = new int[n];
    classShift = new int[n];
    classValue = new int[n];
    sourceMask = new int[n];
    typeMask = new int[n];
    bdf = new int[n];
    range = new int[n];
    lo = new long[n];
    hi = new long[n];
    decisions = new ClassifyDecision[n];
    for (int i = 0; i < n; i++) {
      RuleMix.Rule r = rules.get(i);
      vendor[i] = r.vendor();
      deviceId[i] = r.deviceId();
      classShift[i] = r.classBits() == 0 ? -1 : 24 - r.classBits();
      classValue[i] = r.classBits() == 0 ? 0 : r.classValue() >>> (24 - r.classBits());
      sourceMask[i] = r.sourceMask();
      typeMask[i] = r.typeMask();
      bdf[i] = r.address() == null ? -1 : r.address().segment() << 16 | r.address().requesterId();
      range[i] = switch (r.range()) {
        case NONE -> NONE;
        case WITHIN -> WITHIN;
        case START_IN -> START_IN;
        case OVERLAPS -> OVERLAPS;
      };
      lo[i] = r.lo();
      hi[i] = r.hi();
      decisions[i] = decision(r);
    }
  }

  static ClassifyDecision decision(RuleMix.Rule r) {
    Provenance p = new Provenance(r.name(), "hand", r.index());
    return switch (r.action()) {
      case "keep" -> ClassifyDecision.keep(p);
      case "drop" -> ClassifyDecision.drop(p);
      default -> ClassifyDecision.setType(RegionType.byResvName(r.action()).orElseThrow(), p);
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int apiVersion() {
    return API_VERSION;
  }

  @Override
  public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {
    // a device that is not PCI reads -1, which no rule's vendor, id, class or address equals
    PciDevice pci = device instanceof PciDevice p ? p : null;
    int ven = pci == null ? -1 : pci.vendor();
    int dev = pci == null ? -1 : pci.deviceId();
    int cls = pci == null ? -1 : pci.classCode();
    int addr = pci == null ? -1 : pci.address().segment() << 16 | pci.address().requesterId();
    int source = 1 << region.source().ordinal();
    int type = 1 << region.type().ordinal();
    long start = region.start();
    long end = region.end();
    boolean covers = Long.compareUnsigned(end, start) >= 0;
    for (int i = 0; i < decisions.length; i++) {
      if ((sourceMask[i] != 0 && (sourceMask[i] & source) == 0)
          || (typeMask[i] != 0 && (typeMask[i] & type) == 0)
          || (vendor[i] >= 0 && vendor[i] != ven)
          || (deviceId[i] >= 0 && deviceId[i] != dev)
          || (classShift[i] >= 0 && (cls >>> classShift[i]) != classValue[i])
          || (bdf[i] >= 0 && bdf[i] != addr)) {
        continue;
      }
      boolean ok = switch (range[i]) {
        case WITHIN -> covers && Long.compareUnsigned(start, lo[i]) >= 0 && Long.compareUnsigned(end, hi[i]) <= 0;
        case START_IN -> Long.compareUnsigned(start, lo[i]) >= 0 && Long.compareUnsigned(start, hi[i]) <= 0;
        case OVERLAPS -> covers && Long.compareUnsigned(start, hi[i]) <= 0 && Long.compareUnsigned(end, lo[i]) >= 0;
        default -> true;
      };
      if (ok) {
        return decisions[i];
      }
    }
    return keep;
  }

  @Override
  public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) {
    return allow;
  }
}
