package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Scope;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cheap over-approximation of what a condition can match: per integer field one unsigned interval
 * (the class too), per enum field a mask, per finite-domain field ({@code device.bdf}, the strings) a
 * set of values. It looks through {@code and}, {@code or} (the hull of the
 * terms), {@code not} (where the negation is exact: tests of the region's type, source, start and end) and
 * predicates; {@code within(R)} bounds both region start and end to R (a region within R covers
 * addresses, so its start is at most its end), {@code overlaps(R)} bounds start from above and end
 * from below. Two conditions whose signatures are {@linkplain #disjoint disjoint} can never both
 * hold, so the linter skips the solver for them. It never claims an overlap.
 */
final class Signature {
  private static final long MAX = -1L;
  /** Integer bounds are indexed by the field's ordinal (every field, so that a bit of an int names it). */
  private static final int INTS = Field.values().length;
  /** Enum masks are indexed by the field's {@link Field#slot()}. */
  private static final List<Field> ENUM_FIELDS = Field.of(Field.Kind.ENUM);
  private static final int ENUMS = ENUM_FIELDS.size();
  /** The finite-domain fields: the PCI address and the strings; value sets are indexed in this order. */
  static final List<Field> FINITE_FIELDS = java.util.Arrays.stream(Field.values())
      .filter(f -> f.kind() == Field.Kind.BDF || f.kind() == Field.Kind.STRING).toList();
  private static final int FINS = FINITE_FIELDS.size();

  /** No input matches. */
  private boolean empty;
  /** Bit {@code f} set when int field {@code f} is bounded to {@code [lo[f], hi[f]]}. */
  private int bounded;
  private final long[] lo = new long[INTS];
  private final long[] hi = new long[INTS];
  private final int[] masks = new int[ENUMS];
  /** Per finite-domain field the possible values, or null for any. */
  @SuppressWarnings("unchecked")
  private final Set<Object>[] fins = new Set[FINS];

  private Signature() {
    for (Field f : ENUM_FIELDS) {
      masks[f.slot()] = f.allMask();
    }
  }

  static Signature of(Cond c) {
    return of(c, true);
  }

  /** The signature of a condition not looked at: it may match anything. */
  static Signature unknown() {
    return any();
  }

  /** True when no input can satisfy both conditions. */
  static boolean disjoint(Signature a, Signature b) {
    if (a.empty || b.empty) {
      return true;
    }
    for (int both = a.bounded & b.bounded; both != 0; both &= both - 1) {
      int f = Integer.numberOfTrailingZeros(both);
      if (Long.compareUnsigned(a.hi[f], b.lo[f]) < 0 || Long.compareUnsigned(b.hi[f], a.lo[f]) < 0) {
        return true;
      }
    }
    for (int f = 0; f < ENUMS; f++) {
      if ((a.masks[f] & b.masks[f]) == 0) {
        return true;
      }
    }
    for (int f = 0; f < FINS; f++) {
      if (a.fins[f] != null && b.fins[f] != null && disjointSets(a.fins[f], b.fins[f])) {
        return true;
      }
    }
    return false;
  }

  /** The field's interval, or null when it is not bounded. */
  long[] interval(Field f) {
    return (bounded & (1 << f.ordinal())) == 0 ? null : new long[] {lo[f.ordinal()], hi[f.ordinal()]};
  }

  /** The enum field's mask (all values when not restricted). */
  int mask(Field f) {
    return masks[f.slot()];
  }

  /** The possible values of a finite-domain field ({@link #FINITE_FIELDS}), or null for any. */
  Set<Object> values(Field f) {
    return fins[FINITE_FIELDS.indexOf(f)];
  }

  boolean isEmpty() {
    return empty;
  }

  private static boolean disjointSets(Set<Object> x, Set<Object> y) {
    Set<Object> small = x.size() <= y.size() ? x : y;
    Set<Object> large = small == x ? y : x;
    for (Object v : small) {
      if (large.contains(v)) {
        return false;
      }
    }
    return true;
  }

  // ---- building -----------------------------------------------------------------------------

  private static Signature any() {
    return new Signature();
  }

  private static Signature none() {
    Signature s = new Signature();
    s.empty = true;
    return s;
  }

  /** What {@code c} (when {@code positive}) or its negation can match. */
  private static Signature of(Cond c, boolean positive) {
    return c.accept(positive ? Builder.POSITIVE : Builder.NEGATIVE);
  }

  /** Builds the signature of a condition taken positively, or of its negation. */
  private static final class Builder implements Cond.Visitor<Signature> {
    static final Builder POSITIVE = new Builder(true);
    static final Builder NEGATIVE = new Builder(false);

    private final boolean positive;

    private Builder(boolean positive) {
      this.positive = positive;
    }

    @Override
    public Signature visitPredicateRef(Cond.PredicateRef p) {
      return of(p.body(), positive);
    }

    @Override
    public Signature visitNot(Cond.Not n) {
      return of(n.operand(), !positive);
    }

    @Override
    public Signature visitBool(Cond.Bool b) {
      return b.value() == positive ? any() : none();
    }

    @Override
    public Signature visitAnd(Cond.And a) {
      return positive ? meetAll(a.terms(), true) : joinAll(a.terms(), false);
    }

    @Override
    public Signature visitOr(Cond.Or o) {
      return positive ? joinAll(o.terms(), true) : meetAll(o.terms(), false);
    }

    @Override
    public Signature visitIntCompare(Cond.IntCompare i) {
      Signature s = any();
      // A negated test is exact only on the region, which is always there: a test on an absent device
      // or guest is false, so its negation holds whatever the constant.
      if (i.field() == Field.REGION_SIZE || (!positive && i.field().scope() != Scope.REGION)) {
        return s;
      }
      long v = i.value();
      switch (positive ? i.op() : negated(i.op())) {
        case EQ -> s.bound(i.field(), v, v);
        case LT -> {
          if (v == 0) return none();
          s.bound(i.field(), 0, v - 1);
        }
        case LE -> s.bound(i.field(), 0, v);
        case GT -> {
          if (v == MAX) return none();
          s.bound(i.field(), v + 1, MAX);
        }
        case GE -> s.bound(i.field(), v, MAX);
        case NE -> { }
      }
      return s;
    }

    @Override
    public Signature visitIntInRange(Cond.IntInRange r) {
      Signature s = any();
      if (positive && r.field() != Field.REGION_SIZE) {
        if (Long.compareUnsigned(r.lo(), r.hi()) > 0) return none();
        s.bound(r.field(), r.lo(), r.hi());
      }
      return s;
    }

    @Override
    public Signature visitIntInSet(Cond.IntInSet set) {
      Signature s = any();
      if (positive && set.field() != Field.REGION_SIZE) {
        if (set.values().isEmpty()) return none();
        long min = MAX;
        long max = 0;
        for (long v : set.values()) {
          min = Long.compareUnsigned(v, min) < 0 ? v : min;
          max = Long.compareUnsigned(v, max) > 0 ? v : max;
        }
        s.bound(set.field(), min, max);
      }
      return s;
    }

    @Override
    public Signature visitEnumIn(Cond.EnumIn e) {
      Signature s = any();
      if (positive || e.field().scope() == Scope.REGION) {
        s.masks[e.field().slot()] = positive ? e.mask() : e.field().allMask() & ~e.mask();
        s.empty = s.masks[e.field().slot()] == 0;
      }
      return s;
    }

    @Override
    public Signature visitClassMatch(Cond.ClassMatch m) {
      Signature s = any();
      if (positive) {
        long free = (1L << (24 - m.bits())) - 1;
        s.bound(Field.DEVICE_CLASS, m.value() & ~free & 0xffffff, (m.value() | free) & 0xffffff);
      }
      return s;
    }

    @Override
    public Signature visitBdfIn(Cond.BdfIn b) {
      Signature s = any();
      if (positive) {
        s.fins[FINITE_FIELDS.indexOf(Field.DEVICE_BDF)] = new HashSet<>(b.addresses());
        s.empty = b.addresses().isEmpty();
      }
      return s;
    }

    @Override
    public Signature visitDownstreamOf(Cond.DownstreamOf d) {
      return any();
    }

    @Override
    public Signature visitStringIn(Cond.StringIn str) {
      Signature s = any();
      if (positive) {
        s.fins[FINITE_FIELDS.indexOf(str.field())] = new HashSet<>(str.values());
        s.empty = str.values().isEmpty();
      }
      return s;
    }

    @Override
    public Signature visitIsTrue(Cond.IsTrue c) {
      return any();
    }

    @Override
    public Signature visitProtHas(Cond.ProtHas c) {
      return any();
    }

    @Override
    public Signature visitRegionWithin(Cond.RegionWithin w) {
      Signature s = any();
      if (positive) {
        s.bound(Field.REGION_START, w.range().start(), w.range().end());
        s.bound(Field.REGION_END, w.range().start(), w.range().end());
      }
      return s;
    }

    @Override
    public Signature visitRegionOverlaps(Cond.RegionOverlaps o) {
      Signature s = any();
      if (positive) {
        s.bound(Field.REGION_START, 0, o.range().end());
        s.bound(Field.REGION_END, o.range().start(), MAX);
      }
      return s;
    }

    @Override
    public Signature visitGuestIs(Cond.GuestIs g) {
      return guestKinds(g.kindMask());
    }

    @Override
    public Signature visitWithinGuest(Cond.WithinGuest g) {
      return guestKinds(g.kindMask());
    }

    private Signature guestKinds(int kindMask) {
      Signature s = any();
      if (positive) {
        s.masks[Field.GUEST_KIND.slot()] = kindMask & Field.GUEST_KIND.allMask();
        s.empty = s.masks[Field.GUEST_KIND.slot()] == 0;
      }
      return s;
    }
  }

  private static dev.resvc.compiler.ast.Expr.CompareOp negated(dev.resvc.compiler.ast.Expr.CompareOp op) {
    return switch (op) {
      case EQ -> dev.resvc.compiler.ast.Expr.CompareOp.NE;
      case NE -> dev.resvc.compiler.ast.Expr.CompareOp.EQ;
      case LT -> dev.resvc.compiler.ast.Expr.CompareOp.GE;
      case LE -> dev.resvc.compiler.ast.Expr.CompareOp.GT;
      case GT -> dev.resvc.compiler.ast.Expr.CompareOp.LE;
      case GE -> dev.resvc.compiler.ast.Expr.CompareOp.LT;
    };
  }

  /** Intersects the field's interval with [l, h]; an empty result makes the signature empty. */
  private void bound(Field field, long l, long h) {
    int f = field.ordinal();
    if ((bounded & (1 << f)) == 0) {
      bounded |= 1 << f;
      lo[f] = l;
      hi[f] = h;
    } else {
      lo[f] = Long.compareUnsigned(l, lo[f]) > 0 ? l : lo[f];
      hi[f] = Long.compareUnsigned(h, hi[f]) < 0 ? h : hi[f];
    }
    if (Long.compareUnsigned(lo[f], hi[f]) > 0) {
      empty = true;
    }
  }

  /** What all the terms (each taken with {@code positive}) can match together. */
  private static Signature meetAll(List<Cond> terms, boolean positive) {
    Signature s = any();
    for (Cond t : terms) {
      s.meet(of(t, positive));
    }
    return s;
  }

  /** What any of the terms (each taken with {@code positive}) can match. */
  private static Signature joinAll(List<Cond> terms, boolean positive) {
    Signature s = null;
    for (Cond t : terms) {
      Signature x = of(t, positive);
      s = s == null ? x : s.join(x);
    }
    return s == null ? none() : s;
  }

  private void meet(Signature o) {
    empty |= o.empty;
    for (int b = o.bounded; b != 0; b &= b - 1) {
      int f = Integer.numberOfTrailingZeros(b);
      bound(Field.values()[f], o.lo[f], o.hi[f]);
    }
    for (int f = 0; f < ENUMS; f++) {
      masks[f] &= o.masks[f];
      empty |= masks[f] == 0;
    }
    for (int f = 0; f < FINS; f++) {
      if (o.fins[f] != null) {
        if (fins[f] == null) {
          fins[f] = new HashSet<>(o.fins[f]);
        } else {
          fins[f].retainAll(o.fins[f]);
        }
        empty |= fins[f].isEmpty();
      }
    }
  }

  /** This signature widened to cover {@code o} too; returns the result. */
  private Signature join(Signature o) {
    if (o.empty) {
      return this;
    }
    if (empty) {
      return o;
    }
    int both = bounded & o.bounded;
    for (int b = both; b != 0; b &= b - 1) {
      int f = Integer.numberOfTrailingZeros(b);
      lo[f] = Long.compareUnsigned(o.lo[f], lo[f]) < 0 ? o.lo[f] : lo[f];
      hi[f] = Long.compareUnsigned(o.hi[f], hi[f]) > 0 ? o.hi[f] : hi[f];
    }
    bounded = both;
    for (int f = 0; f < ENUMS; f++) {
      masks[f] |= o.masks[f];
    }
    for (int f = 0; f < FINS; f++) {
      if (fins[f] != null && o.fins[f] != null) {
        fins[f].addAll(o.fins[f]);
      } else {
        fins[f] = null;
      }
    }
    return this;
  }
}
