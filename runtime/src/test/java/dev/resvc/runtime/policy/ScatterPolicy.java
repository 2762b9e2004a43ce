package dev.resvc.runtime.policy;

import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy for tests that answers every question with one of its decisions, picked by a hash of the
 * question and a seed: a function of its inputs, as a policy must be, that reaches every kind of
 * classify decision and every severity, with messages using each placeholder, several at once, the
 * same one twice, escaped braces and none.
 */
final class ScatterPolicy implements Policy {
  static final List<String> MESSAGES = List.of(
      "MSI window {region} overlaps guest RAM {overlap}",
      "{device} has a non-relaxable RMRR {region}: assignment is refused",
      "{region} of {device} against {guest}, overlap {overlap}",
      "no placeholders at all",
      "{{literal}} braces around {region}}} and {{{guest}",
      "{overlap}{overlap}",
      "");

  private final long seed;
  private final List<ClassifyDecision> classify = new ArrayList<>();
  private final List<ConflictDecision> conflicts = new ArrayList<>();

  ScatterPolicy(long seed) {
    this.seed = seed;
    classify.add(ClassifyDecision.keep(Provenance.implicitDefault("scatter.resv")));
    classify.add(ClassifyDecision.keep(new Provenance("keep_it", "scatter.resv", 3)));
    classify.add(ClassifyDecision.drop(new Provenance("drop_it", "scatter.resv", 4)));
    for (RegionType t : RegionType.values()) {
      classify.add(ClassifyDecision.setType(t, new Provenance("to_" + t.resvName(), "scatter.resv", 5 + t.ordinal())));
    }
    conflicts.add(ConflictDecision.allow(Provenance.implicitDefault("scatter.resv")));
    conflicts.add(ConflictDecision.allow(new Provenance("fine", "scatter.resv", 20)));
    int line = 21;
    for (Severity s : new Severity[] {Severity.INFO, Severity.WARN, Severity.FATAL}) {
      for (String m : MESSAGES) {
        conflicts.add(ConflictDecision.report(s, m, new Provenance("r" + line, "scatter.resv", line++)));
      }
    }
  }

  @Override
  public String name() {
    return "test.Scatter" + seed;
  }

  @Override
  public int apiVersion() {
    return API_VERSION;
  }

  @Override
  public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {
    long h = mix(seed ^ device.name().hashCode() * 31L ^ group * 1_000_003L ^ region.hashCode());
    return classify.get((int) Long.remainderUnsigned(h, classify.size()));
  }

  @Override
  public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) {
    long h = mix(seed * 7 ^ region.hashCode() ^ (guest == null ? 17 : guest.hashCode() * 13L));
    // allow half the time, so that checks without findings are common too
    if ((h & 1) == 0) {
      return conflicts.get((int) ((h >>> 1) & 1));
    }
    return conflicts.get(2 + (int) Long.remainderUnsigned(h >>> 1, conflicts.size() - 2));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
