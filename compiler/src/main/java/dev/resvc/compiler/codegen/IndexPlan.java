package dev.resvc.compiler.codegen;

import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.policy.index.WindowIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides how a section of many rules finds its candidates at run time (docs/codegen.md, "Indexed
 * sections"): every rule gets one home — an index on a field its condition pins (a vendor, a device
 * id, a PCI address, a class prefix, a region source or type, an address window), or the list of
 * rules tested in turn — so that a decision looks up a handful of short lists instead of walking the
 * policy. A rule is listed under every value its condition allows for its home field; its whole
 * condition is still tested, so the lists only have to contain every rule that can hold.
 */
final class IndexPlan {
  /** A rule allowing more values than this for a field is not indexed on it. */
  static final int MAX_KEYS = 64;

  /** A window cut into more segments than this by the other windows is not indexed (it would be listed in each). */
  static final int MAX_SPAN = 64;

  /** An index with fewer rules than this costs more to look up than testing them; its rules move on. */
  static final int MIN_RULES = 4;

  /**
   * The fields an index can be built on, in order of preference when two give lists of the same
   * length: the more values a field usually takes, the fewer rules share one.
   */
  enum IndexField {
    BDF(Field.DEVICE_BDF),
    DEVICE_ID(Field.DEVICE_ID),
    SUBSYSTEM_DEVICE(Field.DEVICE_SUBSYSTEM_DEVICE),
    START(Field.REGION_START),
    END(Field.REGION_END),
    /** Windows the region must overlap; looked up with every segment from its start to its end. */
    OVERLAP(),
    CLASS24(Field.DEVICE_CLASS),
    CLASS16(Field.DEVICE_CLASS, 8),
    SUBSYSTEM_VENDOR(Field.DEVICE_SUBSYSTEM_VENDOR),
    VENDOR(Field.DEVICE_VENDOR),
    CLASS8(Field.DEVICE_CLASS, 16),
    GROUP(Field.DEVICE_GROUP),
    REGION_SOURCE(Field.REGION_SOURCE),
    REGION_TYPE(Field.REGION_TYPE);

    /** The policy field whose whole value is the key, or null (a prefix of one, or the overlap windows). */
    private final Field whole;
    final Local local;
    /** The Java expression, over the locals, whose value is looked up; null for {@link #OVERLAP}. */
    final String lookup;
    final String description;

    /** An index on a field's value (an enum field's ordinal). */
    IndexField(Field field) {
      this.whole = field;
      this.local = Local.of(field);
      boolean ordinal = field.kind() == Field.Kind.ENUM;
      this.lookup = local.javaName() + (ordinal ? ".ordinal()" : "");
      this.description = field.spelling() + (ordinal ? " (ordinal)" : "");
    }

    /** An index on the top bits of an integer field: its value shifted right by {@code shift}. */
    IndexField(Field field, int shift) {
      this.whole = null;
      this.local = Local.of(field);
      this.lookup = local.javaName() + " >>> " + shift;
      this.description = "the top " + (field.bits() - shift) + " bits of " + field.spelling();
    }

    /** {@link #OVERLAP}. */
    IndexField() {
      this.whole = null;
      this.local = Local.COVERS;
      this.lookup = null;
      this.description = "an address of the region (overlaps)";
    }

    /** The index on {@code field}'s whole value, or null when there is none. */
    static IndexField of(Field field) {
      for (IndexField f : values()) {
        if (f.whole == field) {
          return f;
        }
      }
      return null;
    }

    boolean windows() {
      return this == START || this == END || this == OVERLAP;
    }

    /** A name for the index constant. */
    String constant() {
      return name();
    }
  }

  /** An inclusive unsigned address window. */
  record Window(long lo, long hi) {
    static final Comparator<Window> ORDER = Comparator.<Window, Long>comparing(Window::lo, Long::compareUnsigned)
        .thenComparing(Window::hi, Long::compareUnsigned);
  }

  /** What a condition requires of one field: its value among {@code keys}, or inside one of {@code windows}. */
  record Constraint(TreeSet<Long> keys, List<Window> windows) {
    static Constraint keys(Iterable<Long> values) {
      TreeSet<Long> s = new TreeSet<>(Long::compareUnsigned);
      values.forEach(s::add);
      return new Constraint(s, null);
    }

    /** The distinct windows of both lists, in address order. */
    static Constraint windows(List<Window> a, List<Window> b) {
      TreeSet<Window> s = new TreeSet<>(Window.ORDER);
      s.addAll(a);
      s.addAll(b);
      return new Constraint(null, List.copyOf(s));
    }

    static Constraint window(long lo, long hi) {
      return new Constraint(null, Long.compareUnsigned(lo, hi) <= 0 ? List.of(new Window(lo, hi)) : List.of());
    }

    int size() {
      return keys != null ? keys.size() : windows.size();
    }
  }

  /** The tables of an indexed section and the rules tested in turn (all rule numbers ascending). */
  record Plan(SortedMap<IndexField, SortedMap<Long, List<Integer>>> keyTables,
      SortedMap<IndexField, SortedMap<Window, List<Integer>>> windowTables, List<Integer> unindexed) {
    Set<IndexField> fields() {
      Set<IndexField> out = EnumSet.noneOf(IndexField.class);
      out.addAll(keyTables.keySet());
      out.addAll(windowTables.keySet());
      return out;
    }
  }

  private IndexPlan() {}

  /**
   * The plan for rules {@code numbers} (ascending) whose conditions, simplified for the section, are
   * {@code conditions}; an index needs at least {@code minRules} rules ({@link #MIN_RULES}).
   */
  static Plan plan(List<Integer> numbers, List<Cond> conditions, int minRules) {
    int n = numbers.size();
    List<Map<IndexField, Constraint>> constraints = new ArrayList<>(n);
    for (Cond c : conditions) {
      Map<IndexField, Constraint> m = constraints(c);
      m.values().removeIf(k -> k.size() > MAX_KEYS);
      constraints.add(m);
    }
    dropWideWindows(constraints);
    Map<IndexField, long[]> cost = estimateCosts(constraints);

    Set<IndexField> available = EnumSet.allOf(IndexField.class);
    IndexField[] home = new IndexField[n];
    while (true) {
      Map<IndexField, Integer> counts = new EnumMap<>(IndexField.class);
      for (int i = 0; i < n; i++) {
        home[i] = null;
        long best = Long.MAX_VALUE;
        for (Map.Entry<IndexField, Constraint> e : constraints.get(i).entrySet()) {
          IndexField f = e.getKey();
          if (available.contains(f) && cost.get(f)[i] < best) {
            best = cost.get(f)[i];
            home[i] = f;
          }
        }
        if (home[i] != null) {
          counts.merge(home[i], 1, Integer::sum);
        }
      }
      boolean removed = false;
      for (Map.Entry<IndexField, Integer> e : counts.entrySet()) {
        if (e.getValue() < minRules) {
          available.remove(e.getKey());
          removed = true;
        }
      }
      if (!removed) {
        break;
      }
    }

    SortedMap<IndexField, SortedMap<Long, List<Integer>>> keyTables = new TreeMap<>();
    SortedMap<IndexField, SortedMap<Window, List<Integer>>> windowTables = new TreeMap<>();
    List<Integer> unindexed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int rule = numbers.get(i);
      if (home[i] == null) {
        unindexed.add(rule);
        continue;
      }
      Constraint c = constraints.get(i).get(home[i]);
      if (home[i].windows()) {
        SortedMap<Window, List<Integer>> t = windowTables.computeIfAbsent(home[i], f -> new TreeMap<>(Window.ORDER));
        for (Window w : c.windows()) {
          t.computeIfAbsent(w, x -> new ArrayList<>()).add(rule);
        }
      } else {
        SortedMap<Long, List<Integer>> t = keyTables.computeIfAbsent(home[i], f -> new TreeMap<>(Long::compareUnsigned));
        for (long k : c.keys()) {
          t.computeIfAbsent(k, x -> new ArrayList<>()).add(rule);
        }
      }
    }
    return new Plan(keyTables, windowTables, unindexed);
  }

  /** Forgets window constraints that the other windows of their field cut into too many segments. */
  private static void dropWideWindows(List<Map<IndexField, Constraint>> constraints) {
    for (IndexField f : List.of(IndexField.START, IndexField.END, IndexField.OVERLAP)) {
      List<Integer> owners = new ArrayList<>();
      List<Window> windows = new ArrayList<>();
      for (int i = 0; i < constraints.size(); i++) {
        Constraint c = constraints.get(i).get(f);
        if (c != null) {
          for (Window w : c.windows()) {
            owners.add(i);
            windows.add(w);
          }
        }
      }
      int[] spans = WindowIndex.spans(windows.stream().mapToLong(Window::lo).toArray(),
          windows.stream().mapToLong(Window::hi).toArray());
      for (int j = 0; j < spans.length; j++) {
        if (spans[j] > MAX_SPAN) {
          constraints.get(owners.get(j)).remove(f);
        }
      }
    }
  }

  /**
   * For each field and rule, the length of the longest list the rule would sit in if indexed on that
   * field (how many rules share one of its keys, or a segment of one of its windows).
   */
  private static Map<IndexField, long[]> estimateCosts(List<Map<IndexField, Constraint>> constraints) {
    int n = constraints.size();
    Map<IndexField, long[]> out = new EnumMap<>(IndexField.class);
    for (IndexField f : IndexField.values()) {
      long[] cost = new long[n];
      out.put(f, cost);
      if (f.windows()) {
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < n; i++) {
          Constraint c = constraints.get(i).get(f);
          if (c != null) {
            for (Window w : c.windows()) {
              table.append("0x").append(Long.toHexString(w.lo())).append("..0x").append(Long.toHexString(w.hi()))
                  .append(": ").append(i).append('\n');
            }
          }
        }
        WindowIndex index = WindowIndex.parse(table.toString());
        for (int i = 0; i < n; i++) {
          Constraint c = constraints.get(i).get(f);
          if (c != null) {
            for (Window w : c.windows()) {
              for (int k = index.segment(w.lo()); k <= index.segment(w.hi()); k++) {
                cost[i] = Math.max(cost[i], index.rules(k).length);
              }
            }
          }
        }
      } else {
        Map<Long, Integer> counts = new TreeMap<>();
        for (Map<IndexField, Constraint> m : constraints) {
          Constraint c = m.get(f);
          if (c != null) {
            c.keys().forEach(k -> counts.merge(k, 1, Integer::sum));
          }
        }
        for (int i = 0; i < n; i++) {
          Constraint c = constraints.get(i).get(f);
          if (c != null) {
            for (long k : c.keys()) {
              cost[i] = Math.max(cost[i], counts.get(k));
            }
          }
        }
      }
      // Ties go to the earlier field: scale, then add the field's rank.
      for (int i = 0; i < n; i++) {
        cost[i] = cost[i] * IndexField.values().length + f.ordinal();
      }
    }
    return out;
  }

  /** What {@code c} requires of each field it pins, as a sound over-approximation. */
  static Map<IndexField, Constraint> constraints(Cond c) {
    return new EnumMap<>(constraints(c, new IdentityHashMap<>()));
  }

  /**
   * {@link #constraints(Cond)}, with each predicate's condition worked out once ({@code bodies}), so
   * predicates that use others several times cost their size, not the size written out. The maps
   * returned are not changed afterwards.
   */
  private static Map<IndexField, Constraint> constraints(Cond c, Map<Cond, Map<IndexField, Constraint>> bodies) {
    return c.accept(new Constraints(bodies));
  }

  /**
   * {@link #constraints(Cond, Map)}. A constant, a {@code not}, and a test of a field no index is built
   * on pin nothing.
   */
  private record Constraints(Map<Cond, Map<IndexField, Constraint>> bodies)
      implements Cond.Visitor<Map<IndexField, Constraint>> {
    private Map<IndexField, Constraint> constraints(Cond c) {
      return c.accept(this);
    }

    private static Map<IndexField, Constraint> pinsNothing() {
      return new EnumMap<>(IndexField.class);
    }

    private static Map<IndexField, Constraint> pins(IndexField f, Constraint k) {
      Map<IndexField, Constraint> out = pinsNothing();
      out.put(f, k);
      return out;
    }

    @Override
    public Map<IndexField, Constraint> visitAnd(Cond.And a) {
      Map<IndexField, Constraint> out = pinsNothing();
      for (Cond t : a.terms()) {
        constraints(t).forEach((f, k) -> out.merge(f, k, IndexPlan::both));
      }
      return out;
    }

    @Override
    public Map<IndexField, Constraint> visitOr(Cond.Or o) {
      List<Map<IndexField, Constraint>> parts = new ArrayList<>();
      for (Cond t : o.terms()) {
        parts.add(constraints(t));
      }
      Map<IndexField, Constraint> out = pinsNothing();
      for (IndexField f : IndexField.values()) {
        Constraint union = parts.isEmpty() ? null : parts.get(0).get(f);
        for (int j = 1; union != null && j < parts.size(); j++) {
          Constraint k = parts.get(j).get(f);
          union = k == null ? null : either(union, k);
        }
        if (union != null) {
          out.put(f, union);
        }
      }
      return out;
    }

    @Override
    public Map<IndexField, Constraint> visitPredicateRef(Cond.PredicateRef p) {
      Map<IndexField, Constraint> known = bodies.get(p.body());
      if (known == null) {
        known = constraints(p.body());
        bodies.put(p.body(), known);
      }
      return known;
    }

    @Override
    public Map<IndexField, Constraint> visitIntCompare(Cond.IntCompare i) {
      IndexField f = IndexField.of(i.field());
      if (f != null && !f.windows() && i.op() == CompareOp.EQ) {
        return pins(f, Constraint.keys(List.of(i.value())));
      } else if (f != null && f.windows()) {
        long v = i.value();
        return switch (i.op()) {
          case EQ -> pins(f, Constraint.window(v, v));
          case LE -> pins(f, Constraint.window(0, v));
          case LT -> pins(f, v == 0 ? Constraint.window(1, 0) : Constraint.window(0, v - 1));
          case GE -> pins(f, Constraint.window(v, -1L));
          case GT -> pins(f, v == -1L ? Constraint.window(1, 0) : Constraint.window(v + 1, -1L));
          case NE -> pinsNothing();
        };
      }
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitIntInRange(Cond.IntInRange r) {
      IndexField f = IndexField.of(r.field());
      if (f != null && f.windows()) {
        return pins(f, Constraint.window(r.lo(), r.hi()));
      } else if (f != null && Long.compareUnsigned(r.hi() - r.lo(), MAX_KEYS) < 0
          && Long.compareUnsigned(r.lo(), r.hi()) <= 0) {
        List<Long> keys = new ArrayList<>();
        for (long v = r.lo(); ; v++) {
          keys.add(v);
          if (v == r.hi()) {
            break;
          }
        }
        return pins(f, Constraint.keys(keys));
      }
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitIntInSet(Cond.IntInSet s) {
      IndexField f = IndexField.of(s.field());
      if (f != null && f.windows()) {
        List<Window> windows = new ArrayList<>();
        for (long v : s.values()) {
          windows.add(new Window(v, v));
        }
        return pins(f, Constraint.windows(windows, List.of()));
      } else if (f != null) {
        return pins(f, Constraint.keys(s.values()));
      }
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitClassMatch(Cond.ClassMatch m) {
      IndexField f = m.bits() == 24 ? IndexField.CLASS24 : m.bits() == 16 ? IndexField.CLASS16 : m.bits() == 8 ? IndexField.CLASS8 : null;
      if (f != null) {
        return pins(f, Constraint.keys(List.of((long) ((m.value() & 0xffffff) >>> (24 - m.bits())))));
      }
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitBdfIn(Cond.BdfIn b) {
      List<Long> keys = new ArrayList<>();
      for (PciAddress a : b.addresses()) {
        keys.add((long) CondCompiler.key(a));
      }
      return pins(IndexField.BDF, Constraint.keys(keys));
    }

    @Override
    public Map<IndexField, Constraint> visitEnumIn(Cond.EnumIn e) {
      IndexField f = IndexField.of(e.field());
      if (f == null) {
        return pinsNothing();
      }
      List<Long> keys = new ArrayList<>();
      int mask = e.mask() & e.field().allMask();
      for (int v = 0; v < 32; v++) {
        if ((mask & (1 << v)) != 0) {
          keys.add((long) v);
        }
      }
      return pins(f, Constraint.keys(keys));
    }

    @Override
    public Map<IndexField, Constraint> visitRegionWithin(Cond.RegionWithin w) {
      // A region within a window is not empty, so both its ends are in the window.
      Map<IndexField, Constraint> out = pins(IndexField.START, Constraint.window(w.range().start(), w.range().end()));
      out.put(IndexField.END, Constraint.window(w.range().start(), w.range().end()));
      return out;
    }

    @Override
    public Map<IndexField, Constraint> visitRegionOverlaps(Cond.RegionOverlaps o) {
      return pins(IndexField.OVERLAP, Constraint.window(o.range().start(), o.range().end()));
    }

    @Override
    public Map<IndexField, Constraint> visitBool(Cond.Bool c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitNot(Cond.Not c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitDownstreamOf(Cond.DownstreamOf c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitStringIn(Cond.StringIn c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitIsTrue(Cond.IsTrue c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitProtHas(Cond.ProtHas c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitGuestIs(Cond.GuestIs c) {
      return pinsNothing();
    }

    @Override
    public Map<IndexField, Constraint> visitWithinGuest(Cond.WithinGuest c) {
      return pinsNothing();
    }
  }



  /** Both constraints hold: the intersection where it is cheap to compute, else the smaller one. */
  private static Constraint both(Constraint a, Constraint b) {
    if (a.keys() != null) {
      TreeSet<Long> s = new TreeSet<>(a.keys());
      s.retainAll(b.keys());
      return new Constraint(s, null);
    }
    if (a.windows().size() == 1 && b.windows().size() == 1) {
      Window x = a.windows().get(0);
      Window y = b.windows().get(0);
      long lo = Long.compareUnsigned(x.lo(), y.lo()) >= 0 ? x.lo() : y.lo();
      long hi = Long.compareUnsigned(x.hi(), y.hi()) <= 0 ? x.hi() : y.hi();
      return Constraint.window(lo, hi);
    }
    return a.size() <= b.size() ? a : b;
  }

  /** One of the constraints holds: the union. */
  private static Constraint either(Constraint a, Constraint b) {
    if (a.keys() != null) {
      TreeSet<Long> s = new TreeSet<>(a.keys());
      s.addAll(b.keys());
      return new Constraint(s, null);
    }
    return Constraint.windows(a.windows(), b.windows());
  }
}
