package dev.resvc.compiler.interp;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
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
  public Interpreter(CheckedPolicy policy) {
    this.policy = policy;
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
  public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {
    Evaluation evaluation = new Evaluation(new Facts(kernel, device, group, region, null));
    for (CheckedPolicy.Rule<ClassifyDecision> rule : policy.classifyRules()) {
      if (evaluation.holds(rule.condition())) {
        return rule.decision();
      }
    }
    return policy.classifyDefault();
  }

  @Override
  public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) {
    Evaluation evaluation = new Evaluation(new Facts(kernel, null, -1, region, guest));
    for (CheckedPolicy.Rule<ConflictDecision> rule : policy.conflictRules()) {
      if (evaluation.holds(rule.condition())) {
        return rule.decision();
      }
    }
    return policy.conflictDefault();
  }

  /**
   * What a condition can look at: the kernel (never null), and the device, region and guest range,
   * whose absence ({@code null}) makes the tests on them false.
   */
  public record Facts(TargetKernel kernel, Device device, int group, Region region, GuestRange guest) {
    /** Facts on the newest kernel modelled ({@link TargetKernel#newest()}), for callers that name no kernel. */
    public Facts(Device device, int group, Region region, GuestRange guest) {
      this(TargetKernel.newest(), device, group, region, guest);
    }
  }

  /**
   * Evaluates a condition; the single definition of what each test means. Within each predicate the
   * condition uses, every predicate below it is evaluated at most once, so the cost is linear in the
   * policy. No walk first: the analyser calls this millions of times.
   */
  public static boolean eval(Cond c, Facts f) {
    return new Evaluation(f).holds(c);
  }

  /**
   * One evaluation on one input: the facts and the values of the predicates already evaluated on them.
   * A predicate used several times (and predicates using it several times in turn) is evaluated once, so
   * an evaluation costs time linear in the size of the policy, not in the size of its conditions with
   * every predicate written out. Recursion follows the nesting of the condition through its predicates,
   * which the checker bounds ({@link dev.resvc.compiler.check.Checker#MAX_DEPTH}).
   */
  private static final class Evaluation implements Cond.Visitor<Boolean> {
    private final Facts f;
    /**
     * Keyed by the predicate's condition, which every use of the predicate shares; made when the first
     * predicate is reached, so evaluations without predicates allocate none.
     */
    private Map<Cond, Boolean> predicateValues;

    Evaluation(Facts f) {
      this.f = f;
    }

    boolean holds(Cond c) {
      return c.accept(this);
    }

    @Override
    public Boolean visitBool(Cond.Bool b) {
      return b.value();
    }

    @Override
    public Boolean visitAnd(Cond.And a) {
      // Indexed loops: the analyser evaluates conditions millions of times, and the iterators showed.
      List<Cond> terms = a.terms();
      for (int k = 0; k < terms.size(); k++) {
        if (!holds(terms.get(k))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Boolean visitOr(Cond.Or o) {
      List<Cond> terms = o.terms();
      for (int k = 0; k < terms.size(); k++) {
        if (holds(terms.get(k))) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Boolean visitNot(Cond.Not n) {
      return !holds(n.operand());
    }

    @Override
    public Boolean visitPredicateRef(Cond.PredicateRef p) {
      if (predicateValues == null) {
        predicateValues = new IdentityHashMap<>();
      }
      Boolean known = predicateValues.get(p.body());
      if (known == null) {
        known = holds(p.body());
        predicateValues.put(p.body(), known);
      }
      return known;
    }

    /** Whether the part of the input {@code field} belongs to is there; tests of an absent part are false. */
    private boolean present(Field field) {
      return field.isOptional() ? field.presentIn(f.kernel(), f.device(), f.group(), f.region(), f.guest())
          : field.scope().presentIn(f.device(), f.region(), f.guest());
    }

    /** The number {@code field} holds (its value, ordinal or bits), its part being present. */
    private long number(Field field) {
      return field.readLong(f.kernel(), f.device(), f.group(), f.region(), f.guest());
    }

    private Object value(Field field) {
      return field.read(f.kernel(), f.device(), f.group(), f.region(), f.guest()).orElseThrow();
    }

    @Override
    public Boolean visitIntCompare(Cond.IntCompare i) {
      if (!present(i.field())) return false;
      int cmp = i.field() == Field.REGION_SIZE
          ? compareSize(f.region(), i.value())
          : Long.compareUnsigned(number(i.field()), i.value());
      return switch (i.op()) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }

    @Override
    public Boolean visitIntInRange(Cond.IntInRange r) {
      if (!present(r.field())) return false;
      if (r.field() == Field.REGION_SIZE) {
        return compareSize(f.region(), r.lo()) >= 0 && compareSize(f.region(), r.hi()) <= 0;
      }
      long v = number(r.field());
      return Long.compareUnsigned(v, r.lo()) >= 0 && Long.compareUnsigned(v, r.hi()) <= 0;
    }

    @Override
    public Boolean visitIntInSet(Cond.IntInSet s) {
      if (!present(s.field())) return false;
      List<Long> values = s.values();
      for (int k = 0; k < values.size(); k++) {
        long value = values.get(k);
        if (s.field() == Field.REGION_SIZE ? compareSize(f.region(), value) == 0 : number(s.field()) == value) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Boolean visitEnumIn(Cond.EnumIn e) {
      return present(e.field()) && (e.mask() & (1 << number(e.field()))) != 0;
    }

    @Override
    public Boolean visitClassMatch(Cond.ClassMatch m) {
      if (!present(Field.DEVICE_CLASS)) return false;
      int shift = 24 - m.bits();
      return (number(Field.DEVICE_CLASS) >>> shift) == (m.value() >>> shift);
    }

    @Override
    public Boolean visitBdfIn(Cond.BdfIn b) {
      return present(Field.DEVICE_BDF) && b.addresses().contains(value(Field.DEVICE_BDF));
    }

    @Override
    public Boolean visitDownstreamOf(Cond.DownstreamOf d) {
      return f.device() instanceof PciDevice p && p.isDownstreamOf(d.bridge());
    }

    @Override
    public Boolean visitStringIn(Cond.StringIn s) {
      return present(s.field()) && s.values().contains(value(s.field()));
    }

    @Override
    public Boolean visitIsTrue(Cond.IsTrue c) {
      return present(c.field()) && (Boolean) value(c.field());
    }

    @Override
    public Boolean visitProtHas(Cond.ProtHas h) {
      return present(Field.REGION_PROT) && (number(Field.REGION_PROT) & h.bit()) == h.bit();
    }

    @Override
    public Boolean visitRegionOverlaps(Cond.RegionOverlaps o) {
      return f.region() != null && f.region().range().map(r -> r.overlaps(o.range())).orElse(false);
    }

    @Override
    public Boolean visitRegionWithin(Cond.RegionWithin w) {
      return f.region() != null && f.region().range().map(r -> w.range().contains(r)).orElse(false);
    }

    @Override
    public Boolean visitGuestIs(Cond.GuestIs g) {
      return present(Field.GUEST_KIND) && (g.kindMask() & (1 << number(Field.GUEST_KIND))) != 0;
    }

    @Override
    public Boolean visitWithinGuest(Cond.WithinGuest w) {
      if (!present(Field.GUEST_KIND) || f.region() == null || (w.kindMask() & (1 << number(Field.GUEST_KIND))) == 0) {
        return false;
      }
      AddressRange g = f.guest().range();
      return f.region().range().map(g::contains).orElse(false);
    }
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
}
