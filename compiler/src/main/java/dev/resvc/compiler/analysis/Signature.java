package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.IntField;
import java.util.EnumMap;
import java.util.Map;

/**
 * A cheap over-approximation of what a condition can match: for each field its top-level conjuncts
 * pin down, one unsigned interval (integers, the class) or one mask (enums). Two conditions whose
 * signatures are disjoint on some field can never both hold, so the linter skips the solver for them;
 * this is what keeps linting policies of thousands of rules fast. It never claims an overlap.
 */
record Signature(Map<IntField, long[]> ranges, Map<EnumField, Integer> masks) {
  private static final long MAX = -1L;

  static Signature of(Cond c) {
    Signature s = new Signature(new EnumMap<>(IntField.class), new EnumMap<>(EnumField.class));
    s.add(c);
    return s;
  }

  private void add(Cond c) {
    if (c instanceof Cond.And a) {
      a.terms().forEach(this::add);
    } else if (c instanceof Cond.PredicateRef p) {
      add(p.body());
    } else if (c instanceof Cond.IntCompare i && i.field() != IntField.REGION_SIZE) {
      long v = i.value();
      switch (i.op()) {
        case EQ -> narrow(i.field(), v, v);
        case LT -> {
          if (v == 0) narrow(i.field(), 1, 0); else narrow(i.field(), 0, v - 1);
        }
        case LE -> narrow(i.field(), 0, v);
        case GT -> {
          if (v == MAX) narrow(i.field(), 1, 0); else narrow(i.field(), v + 1, MAX);
        }
        case GE -> narrow(i.field(), v, MAX);
        case NE -> { }
      }
    } else if (c instanceof Cond.IntInRange r && r.field() != IntField.REGION_SIZE) {
      narrow(r.field(), r.lo(), r.hi());
    } else if (c instanceof Cond.EnumIn e) {
      masks.merge(e.field(), e.mask(), (x, y) -> x & y);
    } else if (c instanceof Cond.ClassMatch m) {
      long free = (1L << (24 - m.bits())) - 1;
      narrow(IntField.DEVICE_CLASS, m.value() & ~free & 0xffffff, (m.value() | free) & 0xffffff);
    }
  }

  /** Intersects the field's interval with [lo, hi]; an empty result is kept as lo > hi. */
  private void narrow(IntField field, long lo, long hi) {
    long[] current = ranges.get(field);
    if (current == null) {
      ranges.put(field, new long[] {lo, hi});
    } else {
      current[0] = Long.compareUnsigned(lo, current[0]) > 0 ? lo : current[0];
      current[1] = Long.compareUnsigned(hi, current[1]) < 0 ? hi : current[1];
    }
  }

  /** True when no input can satisfy both conditions. */
  static boolean disjoint(Signature a, Signature b) {
    for (Map.Entry<IntField, long[]> e : a.ranges.entrySet()) {
      long[] x = e.getValue();
      long[] y = b.ranges.get(e.getKey());
      if (Long.compareUnsigned(x[0], x[1]) > 0) {
        return true;
      }
      if (y != null && (Long.compareUnsigned(x[1], y[0]) < 0 || Long.compareUnsigned(y[1], x[0]) < 0)) {
        return true;
      }
    }
    for (Map.Entry<EnumField, Integer> e : a.masks.entrySet()) {
      Integer y = b.masks.get(e.getKey());
      if (e.getValue() == 0 || (y != null && (e.getValue() & y) == 0)) {
        return true;
      }
    }
    return false;
  }
}
