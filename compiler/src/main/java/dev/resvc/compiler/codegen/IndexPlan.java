package dev.resvc.compiler.codegen;

import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.IntField;
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
  enum Field {
    BDF(Local.BDF, "bdf", "device.bdf"),
    DEVICE_ID(Local.DEVICE_ID, "deviceId", "device.device_id"),
    SUBSYSTEM_DEVICE(Local.SUBSYSTEM_DEVICE, "subsystemDevice", "device.subsystem_device"),
    START(Local.START, "start", "region.start"),
    END(Local.END, "end", "region.end"),
    /** Windows the region must overlap; looked up with every segment from its start to its end. */
    OVERLAP(Local.COVERS, null, "an address of the region (overlaps)"),
    CLASS24(Local.CLASS_CODE, "cls", "device.class"),
    CLASS16(Local.CLASS_CODE, "cls >>> 8", "the top 16 bits of device.class"),
    SUBSYSTEM_VENDOR(Local.SUBSYSTEM_VENDOR, "subsystemVendor", "device.subsystem_vendor"),
    VENDOR(Local.VENDOR, "vendor", "device.vendor"),
    CLASS8(Local.CLASS_CODE, "cls >>> 16", "the top 8 bits of device.class"),
    GROUP(Local.GROUP, "group", "device.group"),
    REGION_SOURCE(Local.REGION_SOURCE, "rsource.ordinal()", "region.source (ordinal)"),
    REGION_TYPE(Local.REGION_TYPE, "rtype.ordinal()", "region.type (ordinal)");

    final Local local;
    /** The Java expression, over the locals, whose value is looked up; null for {@link #OVERLAP}. */
    final String lookup;
    final String description;

    Field(Local local, String lookup, String description) {
      this.local = local;
      this.lookup = lookup;
      this.description = description;
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
  record Plan(SortedMap<Field, SortedMap<Long, List<Integer>>> keyTables,
      SortedMap<Field, SortedMap<Window, List<Integer>>> windowTables, List<Integer> unindexed) {
    Set<Field> fields() {
      Set<Field> out = EnumSet.noneOf(Field.class);
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
    List<Map<Field, Constraint>> constraints = new ArrayList<>(n);
    for (Cond c : conditions) {
      Map<Field, Constraint> m = constraints(c);
      m.values().removeIf(k -> k.size() > MAX_KEYS);
      constraints.add(m);
    }
    dropWideWindows(constraints);
    Map<Field, long[]> cost = estimateCosts(constraints);

    Set<Field> available = EnumSet.allOf(Field.class);
    Field[] home = new Field[n];
    while (true) {
      Map<Field, Integer> counts = new EnumMap<>(Field.class);
      for (int i = 0; i < n; i++) {
        home[i] = null;
        long best = Long.MAX_VALUE;
        for (Map.Entry<Field, Constraint> e : constraints.get(i).entrySet()) {
          Field f = e.getKey();
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
      for (Map.Entry<Field, Integer> e : counts.entrySet()) {
        if (e.getValue() < minRules) {
          available.remove(e.getKey());
          removed = true;
        }
      }
      if (!removed) {
        break;
      }
    }

    SortedMap<Field, SortedMap<Long, List<Integer>>> keyTables = new TreeMap<>();
    SortedMap<Field, SortedMap<Window, List<Integer>>> windowTables = new TreeMap<>();
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
  private static void dropWideWindows(List<Map<Field, Constraint>> constraints) {
    for (Field f : List.of(Field.START, Field.END, Field.OVERLAP)) {
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
  private static Map<Field, long[]> estimateCosts(List<Map<Field, Constraint>> constraints) {
    int n = constraints.size();
    Map<Field, long[]> out = new EnumMap<>(Field.class);
    for (Field f : Field.values()) {
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
        for (Map<Field, Constraint> m : constraints) {
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
        cost[i] = cost[i] * Field.values().length + f.ordinal();
      }
    }
    return out;
  }

  /** What {@code c} requires of each field it pins, as a sound over-approximation. */
  static Map<Field, Constraint> constraints(Cond c) {
    return new EnumMap<>(constraints(c, new IdentityHashMap<>()));
  }

  /**
   * {@link #constraints(Cond)}, with each predicate's condition worked out once ({@code bodies}), so
   * predicates that use others several times cost their size, not the size written out. The maps
   * returned are not changed afterwards.
   */
  private static Map<Field, Constraint> constraints(Cond c, Map<Cond, Map<Field, Constraint>> bodies) {
    Map<Field, Constraint> out = new EnumMap<>(Field.class);
    if (c instanceof Cond.And a) {
      for (Cond t : a.terms()) {
        constraints(t, bodies).forEach((f, k) -> out.merge(f, k, IndexPlan::both));
      }
    } else if (c instanceof Cond.Or o) {
      List<Map<Field, Constraint>> parts = new ArrayList<>();
      for (Cond t : o.terms()) {
        parts.add(constraints(t, bodies));
      }
      for (Field f : Field.values()) {
        Constraint union = parts.isEmpty() ? null : parts.get(0).get(f);
        for (int j = 1; union != null && j < parts.size(); j++) {
          Constraint k = parts.get(j).get(f);
          union = k == null ? null : either(union, k);
        }
        if (union != null) {
          out.put(f, union);
        }
      }
    } else if (c instanceof Cond.PredicateRef p) {
      Map<Field, Constraint> known = bodies.get(p.body());
      if (known == null) {
        known = constraints(p.body(), bodies);
        bodies.put(p.body(), known);
      }
      return known;
    } else if (c instanceof Cond.IntCompare i) {
      Field f = field(i.field());
      if (f != null && !f.windows() && i.op() == CompareOp.EQ) {
        out.put(f, Constraint.keys(List.of(i.value())));
      } else if (f != null && f.windows()) {
        long v = i.value();
        switch (i.op()) {
          case EQ -> out.put(f, Constraint.window(v, v));
          case LE -> out.put(f, Constraint.window(0, v));
          case LT -> out.put(f, v == 0 ? Constraint.window(1, 0) : Constraint.window(0, v - 1));
          case GE -> out.put(f, Constraint.window(v, -1L));
          case GT -> out.put(f, v == -1L ? Constraint.window(1, 0) : Constraint.window(v + 1, -1L));
          case NE -> { }
        }
      }
    } else if (c instanceof Cond.IntInRange r) {
      Field f = field(r.field());
      if (f != null && f.windows()) {
        out.put(f, Constraint.window(r.lo(), r.hi()));
      } else if (f != null && Long.compareUnsigned(r.hi() - r.lo(), MAX_KEYS) < 0
          && Long.compareUnsigned(r.lo(), r.hi()) <= 0) {
        List<Long> keys = new ArrayList<>();
        for (long v = r.lo(); ; v++) {
          keys.add(v);
          if (v == r.hi()) {
            break;
          }
        }
        out.put(f, Constraint.keys(keys));
      }
    } else if (c instanceof Cond.IntInSet s) {
      Field f = field(s.field());
      if (f != null && f.windows()) {
        List<Window> windows = new ArrayList<>();
        for (long v : s.values()) {
          windows.add(new Window(v, v));
        }
        out.put(f, Constraint.windows(windows, List.of()));
      } else if (f != null) {
        out.put(f, Constraint.keys(s.values()));
      }
    } else if (c instanceof Cond.ClassMatch m) {
      Field f = m.bits() == 24 ? Field.CLASS24 : m.bits() == 16 ? Field.CLASS16 : m.bits() == 8 ? Field.CLASS8 : null;
      if (f != null) {
        out.put(f, Constraint.keys(List.of((long) ((m.value() & 0xffffff) >>> (24 - m.bits())))));
      }
    } else if (c instanceof Cond.BdfIn b) {
      List<Long> keys = new ArrayList<>();
      for (PciAddress a : b.addresses()) {
        keys.add((long) CondCompiler.key(a));
      }
      out.put(Field.BDF, Constraint.keys(keys));
    } else if (c instanceof Cond.EnumIn e
        && (e.field() == EnumField.REGION_TYPE || e.field() == EnumField.REGION_SOURCE)) {
      List<Long> keys = new ArrayList<>();
      int mask = e.mask() & e.field().allMask();
      for (int v = 0; v < 32; v++) {
        if ((mask & (1 << v)) != 0) {
          keys.add((long) v);
        }
      }
      out.put(e.field() == EnumField.REGION_TYPE ? Field.REGION_TYPE : Field.REGION_SOURCE, Constraint.keys(keys));
    } else if (c instanceof Cond.RegionWithin w) {
      // A region within a window is not empty, so both its ends are in the window.
      out.put(Field.START, Constraint.window(w.range().start(), w.range().end()));
      out.put(Field.END, Constraint.window(w.range().start(), w.range().end()));
    } else if (c instanceof Cond.RegionOverlaps o) {
      out.put(Field.OVERLAP, Constraint.window(o.range().start(), o.range().end()));
    }
    return out;
  }

  /** The field an integer test pins, or null. */
  private static Field field(IntField f) {
    return switch (f) {
      case DEVICE_VENDOR -> Field.VENDOR;
      case DEVICE_ID -> Field.DEVICE_ID;
      case DEVICE_SUBSYSTEM_VENDOR -> Field.SUBSYSTEM_VENDOR;
      case DEVICE_SUBSYSTEM_DEVICE -> Field.SUBSYSTEM_DEVICE;
      case DEVICE_CLASS -> Field.CLASS24;
      case DEVICE_GROUP -> Field.GROUP;
      case REGION_START -> Field.START;
      case REGION_END -> Field.END;
      default -> null;
    };
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
