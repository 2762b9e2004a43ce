package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.IntField;
import dev.resvc.compiler.check.Scope;
import java.util.HashSet;
import java.util.Set;

/**
 * A cheap over-approximation of what a condition can match: per integer field one unsigned interval
 * (the class too), per enum field a mask, for {@code device.bdf}, {@code device.driver} and
 * {@code guest.name} a set of values. It looks through {@code and}, {@code or} (the hull of the
 * terms), {@code not} (where the negation is exact: tests of the region's type, source, start and end) and
 * predicates; {@code within(R)} bounds both region start and end to R (a region within R covers
 * addresses, so its start is at most its end), {@code overlaps(R)} bounds start from above and end
 * from below. Two conditions whose signatures are {@linkplain #disjoint disjoint} can never both
 * hold, so the linter skips the solver for them. It never claims an overlap.
 */
final class Signature {
  private static final long MAX = -1L;
  private static final int INTS = IntField.values().length;
  private static final int ENUMS = EnumField.values().length;
  /** The finite-domain fields: bdf, driver, guest name. */
  private static final int FINS = 3;

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
    for (EnumField f : EnumField.values()) {
      masks[f.ordinal()] = f.allMask();
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
  long[] interval(IntField f) {
    return (bounded & (1 << f.ordinal())) == 0 ? null : new long[] {lo[f.ordinal()], hi[f.ordinal()]};
  }

  /** The enum field's mask (all values when not restricted). */
  int mask(EnumField f) {
    return masks[f.ordinal()];
  }

  /** The possible values of finite-domain field {@code k} (0 bdf, 1 driver, 2 guest name), or null for any. */
  Set<Object> values(int k) {
    return fins[k];
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
    if (c instanceof Cond.PredicateRef p) {
      return of(p.body(), positive);
    } else if (c instanceof Cond.Not n) {
      return of(n.operand(), !positive);
    } else if (c instanceof Cond.Bool b) {
      return b.value() == positive ? any() : none();
    } else if (c instanceof Cond.And a) {
      return positive ? meetAll(a, true) : joinAll(a, false);
    } else if (c instanceof Cond.Or o) {
      return positive ? joinAll(o, true) : meetAll(o, false);
    }
    Signature s = any();
    if (c instanceof Cond.IntCompare i) {
      // A negated test is exact only on the region, which is always there: a test on an absent device
      // or guest is false, so its negation holds whatever the constant.
      if (i.field() == IntField.REGION_SIZE || (!positive && i.field().scope() != Scope.REGION)) {
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
    } else if (c instanceof Cond.IntInRange r) {
      if (positive && r.field() != IntField.REGION_SIZE) {
        if (Long.compareUnsigned(r.lo(), r.hi()) > 0) return none();
        s.bound(r.field(), r.lo(), r.hi());
      }
    } else if (c instanceof Cond.IntInSet set) {
      if (positive && set.field() != IntField.REGION_SIZE) {
        if (set.values().isEmpty()) return none();
        long min = MAX;
        long max = 0;
        for (long v : set.values()) {
          min = Long.compareUnsigned(v, min) < 0 ? v : min;
          max = Long.compareUnsigned(v, max) > 0 ? v : max;
        }
        s.bound(set.field(), min, max);
      }
    } else if (c instanceof Cond.EnumIn e) {
      if (positive || e.field().scope() == Scope.REGION) {
        s.masks[e.field().ordinal()] = positive ? e.mask() : e.field().allMask() & ~e.mask();
        s.empty = s.masks[e.field().ordinal()] == 0;
      }
    } else if (c instanceof Cond.ClassMatch m) {
      if (positive) {
        long free = (1L << (24 - m.bits())) - 1;
        s.bound(IntField.DEVICE_CLASS, m.value() & ~free & 0xffffff, (m.value() | free) & 0xffffff);
      }
    } else if (c instanceof Cond.BdfIn b) {
      if (positive) {
        s.fins[0] = new HashSet<>(b.addresses());
        s.empty = b.addresses().isEmpty();
      }
    } else if (c instanceof Cond.StringIn str) {
      if (positive) {
        s.fins[str.field() == Cond.StringField.DEVICE_DRIVER ? 1 : 2] = new HashSet<>(str.values());
        s.empty = str.values().isEmpty();
      }
    } else if (c instanceof Cond.RegionWithin w) {
      if (positive) {
        s.bound(IntField.REGION_START, w.range().start(), w.range().end());
        s.bound(IntField.REGION_END, w.range().start(), w.range().end());
      }
    } else if (c instanceof Cond.RegionOverlaps o) {
      if (positive) {
        s.bound(IntField.REGION_START, 0, o.range().end());
        s.bound(IntField.REGION_END, o.range().start(), MAX);
      }
    } else if (c instanceof Cond.GuestIs g) {
      if (positive) {
        s.masks[EnumField.GUEST_KIND.ordinal()] = g.kindMask() & EnumField.GUEST_KIND.allMask();
        s.empty = s.masks[EnumField.GUEST_KIND.ordinal()] == 0;
      }
    } else if (c instanceof Cond.WithinGuest g) {
      if (positive) {
        s.masks[EnumField.GUEST_KIND.ordinal()] = g.kindMask() & EnumField.GUEST_KIND.allMask();
        s.empty = s.masks[EnumField.GUEST_KIND.ordinal()] == 0;
      }
    }
    return s;
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
  private void bound(IntField field, long l, long h) {
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
  private static Signature meetAll(Cond c, boolean positive) {
    Signature s = any();
    for (Cond t : c instanceof Cond.And a ? a.terms() : ((Cond.Or) c).terms()) {
      s.meet(of(t, positive));
    }
    return s;
  }

  /** What any of the terms (each taken with {@code positive}) can match. */
  private static Signature joinAll(Cond c, boolean positive) {
    Signature s = null;
    for (Cond t : c instanceof Cond.And a ? a.terms() : ((Cond.Or) c).terms()) {
      Signature x = of(t, positive);
      s = s == null ? x : s.join(x);
    }
    return s == null ? none() : s;
  }

  private void meet(Signature o) {
    empty |= o.empty;
    for (int b = o.bounded; b != 0; b &= b - 1) {
      int f = Integer.numberOfTrailingZeros(b);
      bound(IntField.values()[f], o.lo[f], o.hi[f]);
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
