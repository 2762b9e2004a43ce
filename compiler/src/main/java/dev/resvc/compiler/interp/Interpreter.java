package dev.resvc.compiler.interp;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.IntField;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.AddressRange;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference semantics of a policy: walks the checked conditions directly. Generated code must
 * agree with it on every input. Immutable and thread-safe.
 */
public final class Interpreter implements Policy {
  private final CheckedPolicy policy;
  /** Whether any classify (conflicts) rule uses a predicate: only then does a decision keep a {@link Memo}. */
  private final boolean classifyUsesPredicates;
  private final boolean conflictsUsesPredicates;

  public Interpreter(CheckedPolicy policy) {
    this.policy = policy;
    this.classifyUsesPredicates =
        policy.classifyRules().stream().anyMatch(r -> usesPredicates(r.condition()));
    this.conflictsUsesPredicates =
        policy.conflictRules().stream().anyMatch(r -> usesPredicates(r.condition()));
  }

  public CheckedPolicy policy() {
    return policy;
  }

  @Override
  public String name() {
    return policy.name();
  }

  @Override
  public int apiVersion() {
    return API_VERSION;
  }

  @Override
  public ClassifyDecision classify(PciDevice device, int group, Region region) {
    Facts facts = new Facts(device, group, region, null);
    Memo memo = classifyUsesPredicates ? new Memo() : null;
    for (CheckedPolicy.ClassifyRule rule : policy.classifyRules()) {
      if (eval(rule.condition(), facts, memo)) {
        return rule.decision();
      }
    }
    return policy.classifyDefault();
  }

  @Override
  public ConflictDecision conflict(Region region, GuestRange guest) {
    Facts facts = new Facts(null, -1, region, guest);
    Memo memo = conflictsUsesPredicates ? new Memo() : null;
    for (CheckedPolicy.ConflictRule rule : policy.conflictRules()) {
      if (eval(rule.condition(), facts, memo)) {
        return rule.decision();
      }
    }
    return policy.conflictDefault();
  }

  /** What a condition can look at: absent parts ({@code null}) make the tests on them false. */
  public record Facts(PciDevice device, int group, Region region, GuestRange guest) {}

  /**
   * The values of the predicates already evaluated on one input. A predicate used several times (and
   * predicates using it several times in turn) is evaluated once, so an evaluation costs time linear in
   * the size of the policy, not in the size of its conditions with every predicate written out.
   */
  private static final class Memo {
    /** Keyed by the predicate's condition, which every use of the predicate shares. */
    private final Map<Cond, Boolean> values = new IdentityHashMap<>();
  }

  /** Whether {@code c} uses a predicate; predicate conditions are not entered, so this follows one expression. */
  private static boolean usesPredicates(Cond c) {
    if (c instanceof Cond.PredicateRef) {
      return true;
    } else if (c instanceof Cond.Not n) {
      return usesPredicates(n.operand());
    }
    List<Cond> terms = c instanceof Cond.And a ? a.terms() : c instanceof Cond.Or o ? o.terms() : List.of();
    for (int k = 0; k < terms.size(); k++) {
      if (usesPredicates(terms.get(k))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Evaluates a condition; the single definition of what each test means. Within each predicate the
   * condition uses, every predicate below it is evaluated at most once, so the cost is linear in the
   * policy. No walk first: the analyser calls this millions of times.
   */
  public static boolean eval(Cond c, Facts f) {
    return eval(c, f, null);
  }

  /**
   * {@link #eval(Cond, Facts)} with the predicate values known so far ({@code memo}; null until a
   * predicate is reached, which then starts one for everything below it). Recursion follows the nesting of the condition through its
   * predicates, which the checker bounds ({@link dev.resvc.compiler.check.Checker#MAX_DEPTH}).
   */
  private static boolean eval(Cond c, Facts f, Memo memo) {
    if (c instanceof Cond.Bool b) {
      return b.value();
    } else if (c instanceof Cond.And a) {
      // Indexed loops: the analyser evaluates conditions millions of times, and the iterators showed.
      List<Cond> terms = a.terms();
      for (int k = 0; k < terms.size(); k++) {
        if (!eval(terms.get(k), f, memo)) {
          return false;
        }
      }
      return true;
    } else if (c instanceof Cond.Or o) {
      List<Cond> terms = o.terms();
      for (int k = 0; k < terms.size(); k++) {
        if (eval(terms.get(k), f, memo)) {
          return true;
        }
      }
      return false;
    } else if (c instanceof Cond.Not n) {
      return !eval(n.operand(), f, memo);
    } else if (c instanceof Cond.PredicateRef p) {
      Memo m = memo != null ? memo : new Memo();
      Boolean known = m.values.get(p.body());
      if (known == null) {
        known = eval(p.body(), f, m);
        m.values.put(p.body(), known);
      }
      return known;
    } else if (c instanceof Cond.IntCompare i) {
      int cmp;
      if (i.field() == IntField.REGION_SIZE) {
        if (f.region() == null) return false;
        cmp = compareSize(f.region(), i.value());
      } else {
        Optional<Long> v = intValue(i.field(), f);
        if (v.isEmpty()) return false;
        cmp = Long.compareUnsigned(v.get(), i.value());
      }
      return switch (i.op()) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    } else if (c instanceof Cond.IntInRange r) {
      if (r.field() == IntField.REGION_SIZE) {
        if (f.region() == null) return false;
        return compareSize(f.region(), r.lo()) >= 0 && compareSize(f.region(), r.hi()) <= 0;
      }
      Optional<Long> v = intValue(r.field(), f);
      return v.isPresent() && Long.compareUnsigned(v.get(), r.lo()) >= 0 && Long.compareUnsigned(v.get(), r.hi()) <= 0;
    } else if (c instanceof Cond.IntInSet s) {
      for (long value : s.values()) {
        boolean eq;
        if (s.field() == IntField.REGION_SIZE) {
          eq = f.region() != null && compareSize(f.region(), value) == 0;
        } else {
          Optional<Long> v = intValue(s.field(), f);
          eq = v.isPresent() && v.get() == value;
        }
        if (eq) return true;
      }
      return false;
    } else if (c instanceof Cond.EnumIn e) {
      int ordinal;
      switch (e.field()) {
        case REGION_TYPE -> {
          if (f.region() == null) return false;
          ordinal = f.region().type().ordinal();
        }
        case REGION_SOURCE -> {
          if (f.region() == null) return false;
          ordinal = f.region().source().ordinal();
        }
        case GUEST_KIND -> {
          if (f.guest() == null) return false;
          ordinal = f.guest().kind().ordinal();
        }
        default -> throw new AssertionError(e.field());
      }
      return (e.mask() & (1 << ordinal)) != 0;
    } else if (c instanceof Cond.ClassMatch m) {
      if (f.device() == null) return false;
      int shift = 24 - m.bits();
      return (f.device().classCode() >>> shift) == (m.value() >>> shift);
    } else if (c instanceof Cond.BdfIn b) {
      return f.device() != null && b.addresses().contains(f.device().address());
    } else if (c instanceof Cond.DownstreamOf d) {
      return f.device() != null && f.device().isDownstreamOf(d.bridge());
    } else if (c instanceof Cond.StringIn s) {
      String value = switch (s.field()) {
        case DEVICE_DRIVER -> f.device() == null ? null : f.device().driver().orElse("");
        case GUEST_NAME -> f.guest() == null ? null : f.guest().name();
      };
      return value != null && s.values().contains(value);
    } else if (c instanceof Cond.IsBridge) {
      return f.device() != null && f.device().bridge();
    } else if (c instanceof Cond.ProtHas h) {
      return f.region() != null && f.region().prot().has(h.bit());
    } else if (c instanceof Cond.RegionOverlaps o) {
      return f.region() != null && f.region().range().map(r -> r.overlaps(o.range())).orElse(false);
    } else if (c instanceof Cond.RegionWithin w) {
      return f.region() != null && f.region().range().map(r -> w.range().contains(r)).orElse(false);
    } else if (c instanceof Cond.GuestIs g) {
      return f.guest() != null && (g.kindMask() & (1 << f.guest().kind().ordinal())) != 0;
    } else if (c instanceof Cond.WithinGuest w) {
      if (f.guest() == null || f.region() == null || (w.kindMask() & (1 << f.guest().kind().ordinal())) == 0) {
        return false;
      }
      AddressRange g = f.guest().range();
      return f.region().range().map(g::contains).orElse(false);
    }
    throw new AssertionError(c);
  }

  /**
   * {@code region.size} against a constant: the size is 0 for a region that covers nothing and 2^64
   * for the whole space, which is larger than any constant.
   */
  public static int compareSize(Region region, long value) {
    Optional<AddressRange> span = region.range();
    if (span.isEmpty()) {
      return Long.compareUnsigned(0, value);
    }
    if (span.get().isFullSpace()) {
      return 1;
    }
    return Long.compareUnsigned(span.get().sizeMinusOne() + 1, value);
  }

  private static Optional<Long> intValue(IntField field, Facts f) {
    PciDevice d = f.device();
    Region r = f.region();
    GuestRange g = f.guest();
    return switch (field) {
      case DEVICE_VENDOR -> d == null ? Optional.empty() : Optional.of((long) d.vendor());
      case DEVICE_ID -> d == null ? Optional.empty() : Optional.of((long) d.deviceId());
      case DEVICE_SUBSYSTEM_VENDOR -> d == null ? Optional.empty() : Optional.of((long) d.subsystemVendor());
      case DEVICE_SUBSYSTEM_DEVICE -> d == null ? Optional.empty() : Optional.of((long) d.subsystemDevice());
      case DEVICE_CLASS -> d == null ? Optional.empty() : Optional.of((long) d.classCode());
      case DEVICE_GROUP -> d == null ? Optional.empty() : Optional.of((long) f.group());
      case REGION_START -> r == null ? Optional.empty() : Optional.of(r.start());
      case REGION_END -> r == null ? Optional.empty() : Optional.of(r.end());
      case GUEST_START -> g == null ? Optional.empty() : Optional.of(g.range().start());
      case GUEST_END -> g == null ? Optional.empty() : Optional.of(g.range().end());
      case REGION_SIZE -> throw new AssertionError("size is compared with compareSize");
    };
  }
}
