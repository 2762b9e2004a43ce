package dev.resvc.compiler.analysis;

import dev.resvc.compiler.analysis.Formula.Atom;
import dev.resvc.compiler.analysis.Formula.BoolAtom;
import dev.resvc.compiler.analysis.Formula.EnumAtom;
import dev.resvc.compiler.analysis.Formula.FinAtom;
import dev.resvc.compiler.analysis.Formula.IntAtom;
import dev.resvc.compiler.analysis.Formula.SizeAtom;
import dev.resvc.compiler.check.Field;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A conjunction of atoms kept as one domain per variable: interval sets for integers, masks for
 * enums, a value for booleans, included/excluded sets for finite domains. Immutable; adding an atom
 * returns a new cube, or {@code null} when some domain becomes empty. The relations between region,
 * size and guest variables are not checked here but by {@link Solver} at the leaves.
 */
final class Cube {
  /** Values an IOMMU group number takes (a non-negative {@code int}). */
  static final USet GROUP_DOMAIN = USet.range(0, Integer.MAX_VALUE);

  /** Three-valued status of an atom or formula under a cube. */
  enum Status { TRUE, FALSE, UNKNOWN }

  record Fin(Set<Object> in, Set<Object> out) {
    boolean nonEmpty() {
      return in == null || !out.containsAll(in);
    }

    /** The possible values when finite, else null. */
    Set<Object> possible() {
      if (in == null) {
        return null;
      }
      Set<Object> p = new LinkedHashSet<>(in);
      p.removeAll(out);
      return p;
    }
  }

  final USet[] ints;
  final USet sizeLow;
  final boolean sizeFull;
  final int[] enums;
  final Map<String, Boolean> bools;
  final Map<String, Fin> fins;

  private Cube(USet[] ints, USet sizeLow, boolean sizeFull, int[] enums, Map<String, Boolean> bools,
      Map<String, Fin> fins) {
    this.ints = ints;
    this.sizeLow = sizeLow;
    this.sizeFull = sizeFull;
    this.enums = enums;
    this.bools = bools;
    this.fins = fins;
  }

  private static final Cube INITIAL = build();

  /** The cube of all inputs (cubes are immutable, so one object serves). */
  static Cube initial() {
    return INITIAL;
  }

  private static Cube build() {
    // Indexed by the field's slot among the fields of its kind.
    USet[] ints = new USet[Field.of(Field.Kind.INT).size()];
    for (Field f : Field.of(Field.Kind.INT)) {
      ints[f.slot()] = f == Field.DEVICE_GROUP ? GROUP_DOMAIN : USet.width(f.bits());
    }
    int[] enums = new int[Field.of(Field.Kind.ENUM).size()];
    for (Field f : Field.of(Field.Kind.ENUM)) {
      enums[f.slot()] = f.allMask();
    }
    return new Cube(ints, USet.ALL, true, enums, Map.of(), Map.of());
  }

  Status status(Atom a) {
    if (a instanceof IntAtom i) {
      USet d = ints[i.field().slot()];
      if (d.subsetOf(i.set())) return Status.TRUE;
      if (d.disjoint(i.set())) return Status.FALSE;
      return Status.UNKNOWN;
    } else if (a instanceof SizeAtom s) {
      boolean fullIn = !sizeFull || s.full();
      boolean fullOut = !sizeFull || !s.full();
      if (fullIn && sizeLow.subsetOf(s.low())) return Status.TRUE;
      if (fullOut && sizeLow.disjoint(s.low())) return Status.FALSE;
      return Status.UNKNOWN;
    } else if (a instanceof EnumAtom e) {
      int d = enums[e.field().slot()];
      if ((d & ~e.mask()) == 0) return Status.TRUE;
      if ((d & e.mask()) == 0) return Status.FALSE;
      return Status.UNKNOWN;
    } else if (a instanceof BoolAtom b) {
      Boolean v = bools.get(b.var());
      if (v == null) return Status.UNKNOWN;
      return v == b.value() ? Status.TRUE : Status.FALSE;
    } else if (a instanceof FinAtom f) {
      Fin d = fins.get(f.var());
      Status positive;
      if (d == null) {
        positive = Status.UNKNOWN;
      } else {
        // Without building the possible values (in minus out): are they all in, or all outside, the atom's?
        if (d.in() != null) {
          boolean all = true;
          boolean none = true;
          for (Object v : d.in()) {
            if (d.out().contains(v)) continue;
            if (f.values().contains(v)) {
              none = false;
            } else {
              all = false;
            }
          }
          positive = all ? Status.TRUE : none ? Status.FALSE : Status.UNKNOWN;
        } else {
          positive = d.out().containsAll(f.values()) ? Status.FALSE : Status.UNKNOWN;
        }
      }
      if (f.positive() || positive == Status.UNKNOWN) return positive;
      return positive == Status.TRUE ? Status.FALSE : Status.TRUE;
    }
    throw new AssertionError(a);
  }

  /**
   * This cube with all the atoms added, in order, or null when that leaves some variable no value: the
   * same cube as adding them one by one, built with one copy of each domain instead of one per atom.
   */
  Cube addAll(List<Atom> atoms) {
    if (atoms.size() <= 1) {
      return atoms.isEmpty() ? this : add(atoms.get(0));
    }
    USet[] n = ints;
    USet low = sizeLow;
    boolean full = sizeFull;
    int[] e = enums;
    Map<String, Boolean> b = bools;
    Map<String, Set<Object>[]> f = null;   // per touched finite-domain variable: {in (or null), out}, fresh copies
    for (Atom a : atoms) {
      if (a instanceof IntAtom i) {
        USet d = n[i.field().slot()].intersect(i.set());
        if (d.isEmpty()) return null;
        if (n == ints) n = ints.clone();
        n[i.field().slot()] = d;
      } else if (a instanceof SizeAtom s) {
        low = low.intersect(s.low());
        full = full && s.full();
        if (low.isEmpty() && !full) return null;
      } else if (a instanceof EnumAtom x) {
        int d = e[x.field().slot()] & x.mask();
        if (d == 0) return null;
        if (e == enums) e = enums.clone();
        e[x.field().slot()] = d;
      } else if (a instanceof BoolAtom x) {
        Boolean v = b.get(x.var());
        if (v != null) {
          if (v != x.value()) return null;
        } else {
          if (b == bools) b = new HashMap<>(bools);
          b.put(x.var(), x.value());
        }
      } else if (a instanceof FinAtom x) {
        if (f == null) f = new HashMap<>();
        @SuppressWarnings("unchecked")
        Set<Object>[] d = f.computeIfAbsent(x.var(), k -> {
          Fin old = fins.getOrDefault(k, new Fin(null, Set.of()));
          return new Set[] {old.in() == null ? null : new LinkedHashSet<>(old.in()), new LinkedHashSet<>(old.out())};
        });
        if (x.positive()) {
          if (d[0] == null) {
            d[0] = new LinkedHashSet<>(x.values());
          } else {
            d[0].retainAll(x.values());
          }
        } else {
          d[1].addAll(x.values());
        }
      } else {
        throw new AssertionError(a);
      }
    }
    Map<String, Fin> nf = fins;
    if (f != null) {
      nf = new HashMap<>(fins);
      for (Map.Entry<String, Set<Object>[]> x : f.entrySet()) {
        Fin d = new Fin(x.getValue()[0], x.getValue()[1]);
        if (!d.nonEmpty()) return null;
        nf.put(x.getKey(), d);
      }
    }
    return new Cube(n, low, full, e, b, nf);
  }

  /** This cube with {@code a} added, or null when that leaves some variable no value. */
  Cube add(Atom a) {
    if (a instanceof IntAtom i) {
      USet d = ints[i.field().slot()].intersect(i.set());
      if (d.isEmpty()) return null;
      USet[] n = ints.clone();
      n[i.field().slot()] = d;
      return new Cube(n, sizeLow, sizeFull, enums, bools, fins);
    } else if (a instanceof SizeAtom s) {
      USet low = sizeLow.intersect(s.low());
      boolean full = sizeFull && s.full();
      if (low.isEmpty() && !full) return null;
      return new Cube(ints, low, full, enums, bools, fins);
    } else if (a instanceof EnumAtom e) {
      int d = enums[e.field().slot()] & e.mask();
      if (d == 0) return null;
      int[] n = enums.clone();
      n[e.field().slot()] = d;
      return new Cube(ints, sizeLow, sizeFull, n, bools, fins);
    } else if (a instanceof BoolAtom b) {
      Boolean v = bools.get(b.var());
      if (v != null) return v == b.value() ? this : null;
      Map<String, Boolean> n = new HashMap<>(bools);
      n.put(b.var(), b.value());
      return new Cube(ints, sizeLow, sizeFull, enums, n, fins);
    } else if (a instanceof FinAtom f) {
      Fin d = fins.getOrDefault(f.var(), new Fin(null, Set.of()));
      Fin nd;
      if (f.positive()) {
        Set<Object> in = new LinkedHashSet<>(d.in() == null ? f.values() : d.in());
        if (d.in() != null) in.retainAll(f.values());
        nd = new Fin(in, d.out());
      } else {
        Set<Object> out = new LinkedHashSet<>(d.out());
        out.addAll(f.values());
        nd = new Fin(d.in(), out);
      }
      if (!nd.nonEmpty()) return null;
      Map<String, Fin> n = new HashMap<>(fins);
      n.put(f.var(), nd);
      return new Cube(ints, sizeLow, sizeFull, enums, bools, n);
    }
    throw new AssertionError(a);
  }

  /** The cube of the inputs in both cubes, or null when some variable is left no value. */
  Cube meet(Cube o) {
    USet[] n = ints;
    for (int i = 0; i < ints.length; i++) {
      USet d = ints[i].intersect(o.ints[i]);
      if (d != ints[i]) {
        if (d.isEmpty()) return null;
        if (n == ints) n = ints.clone();
        n[i] = d;
      }
    }
    USet low = sizeLow.intersect(o.sizeLow);
    boolean full = sizeFull && o.sizeFull;
    if (low.isEmpty() && !full) return null;
    int[] e = enums;
    for (int i = 0; i < enums.length; i++) {
      int d = enums[i] & o.enums[i];
      if (d == 0) return null;
      if (d != enums[i]) {
        if (e == enums) e = enums.clone();
        e[i] = d;
      }
    }
    // The maps are never changed once a cube is built, so an empty one can give way to the other's.
    Map<String, Boolean> b = bools.isEmpty() ? o.bools : bools;
    for (Map.Entry<String, Boolean> x : b == o.bools ? Map.<String, Boolean>of().entrySet() : o.bools.entrySet()) {
      Boolean v = bools.get(x.getKey());
      if (v == null) {
        if (b == bools) b = new HashMap<>(bools);
        b.put(x.getKey(), x.getValue());
      } else if (!v.equals(x.getValue())) {
        return null;
      }
    }
    Map<String, Fin> f = fins.isEmpty() ? o.fins : fins;
    for (Map.Entry<String, Fin> x : f == o.fins ? Map.<String, Fin>of().entrySet() : o.fins.entrySet()) {
      Fin mine = fins.get(x.getKey());
      Fin theirs = x.getValue();
      Fin nd;
      if (mine == null) {
        nd = theirs;
      } else {
        Set<Object> in;
        if (mine.in() == null) {
          in = theirs.in();
        } else {
          in = new LinkedHashSet<>(mine.in());
          if (theirs.in() != null) in.retainAll(theirs.in());
        }
        Set<Object> out = new LinkedHashSet<>(mine.out());
        out.addAll(theirs.out());
        nd = new Fin(in, out);
        if (!nd.nonEmpty()) return null;
      }
      if (f == fins) f = new HashMap<>(fins);
      f.put(x.getKey(), nd);
    }
    return new Cube(n, low, full, e, b, f);
  }

  USet intDomain(Field f) {
    return ints[f.slot()];
  }
}
