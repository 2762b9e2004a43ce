package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.IntField;
import dev.resvc.compiler.check.Scope;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A condition in negation normal form over atoms that each constrain one variable of the facts a
 * rule can see. Built from a {@link Cond} for one section: in {@code classify} the device is present
 * and the guest absent, in {@code conflicts} the device is absent and the guest may be absent.
 */
sealed interface Formula {
  Formula TRUE = new Const(true);
  Formula FALSE = new Const(false);

  /** Boolean variables. */
  String BRIDGE = "device.bridge";
  String COVERS = "region covers an address";
  String GUEST = "guest present";
  /** {@code region.start >= guest.start}. */
  String START_IN_GUEST = "region.start >= guest.start";
  /** {@code region.end <= guest.end}. */
  String END_IN_GUEST = "region.end <= guest.end";
  /** Finite-domain variables. */
  String BDF = "device.bdf";
  String DRIVER = "device.driver";
  String GUEST_NAME = "guest.name";

  record Const(boolean value) implements Formula {}

  record All(List<Formula> terms) implements Formula {}

  record Any(List<Formula> terms) implements Formula {}

  sealed interface Atom extends Formula {
    Atom negate();
  }

  /** An integer field (not the size) is in {@code set}. */
  record IntAtom(IntField field, USet set) implements Atom {
    public Atom negate() {
      return new IntAtom(field, set.complement());
    }
  }

  /** {@code region.size} is in {@code low} or, when {@code full}, is 2^64. */
  record SizeAtom(USet low, boolean full) implements Atom {
    public Atom negate() {
      return new SizeAtom(low.complement(), !full);
    }
  }

  record EnumAtom(EnumField field, int mask) implements Atom {
    public Atom negate() {
      return new EnumAtom(field, field.allMask() & ~mask);
    }
  }

  record BoolAtom(String var, boolean value) implements Atom {
    public Atom negate() {
      return new BoolAtom(var, !value);
    }
  }

  /** A finite-domain variable is ({@code positive}) or is not one of {@code values}. */
  record FinAtom(String var, Set<Object> values, boolean positive) implements Atom {
    public Atom negate() {
      return new FinAtom(var, values, !positive);
    }
  }

  static Formula all(Formula... terms) {
    return new All(List.of(terms));
  }

  static Formula negate(Formula f) {
    if (f instanceof Const c) {
      return new Const(!c.value());
    } else if (f instanceof Atom a) {
      return a.negate();
    } else if (f instanceof All a) {
      return new Any(a.terms().stream().map(Formula::negate).toList());
    } else if (f instanceof Any a) {
      return new All(a.terms().stream().map(Formula::negate).toList());
    }
    throw new AssertionError(f);
  }

  /** The formula of {@code c} in {@code section}. */
  static Formula of(Cond c, Section section) {
    return of(c, section, new IdentityHashMap<>());
  }

  /**
   * {@link #of(Cond, Section)}, each predicate's condition translated once ({@code bodies}): every
   * use of a predicate is the one formula object.
   */
  private static Formula of(Cond c, Section section, Map<Cond, Formula> bodies) {
    if (c instanceof Cond.Bool b) {
      return new Const(b.value());
    } else if (c instanceof Cond.And a) {
      return new All(a.terms().stream().map(t -> of(t, section, bodies)).toList());
    } else if (c instanceof Cond.Or o) {
      return new Any(o.terms().stream().map(t -> of(t, section, bodies)).toList());
    } else if (c instanceof Cond.Not n) {
      return negate(of(n.operand(), section, bodies));
    } else if (c instanceof Cond.PredicateRef p) {
      Formula known = bodies.get(p.body());
      if (known == null) {
        known = of(p.body(), section, bodies);
        bodies.put(p.body(), known);
      }
      return known;
    } else if (c instanceof Cond.IntCompare i) {
      long v = i.value();
      if (i.field() == IntField.REGION_SIZE) {
        return switch (i.op()) {
          case EQ -> new SizeAtom(USet.point(v), false);
          case NE -> new SizeAtom(USet.point(v).complement(), true);
          case LT -> new SizeAtom(v == 0 ? USet.EMPTY : USet.atMost(v - 1), false);
          case LE -> new SizeAtom(USet.atMost(v), false);
          case GT -> new SizeAtom(v == USet.MAX ? USet.EMPTY : USet.atLeast(v + 1), true);
          case GE -> new SizeAtom(USet.atLeast(v), true);
        };
      }
      USet set = switch (i.op()) {
        case EQ -> USet.point(v);
        case NE -> USet.point(v).complement();
        case LT -> v == 0 ? USet.EMPTY : USet.atMost(v - 1);
        case LE -> USet.atMost(v);
        case GT -> v == USet.MAX ? USet.EMPTY : USet.atLeast(v + 1);
        case GE -> USet.atLeast(v);
      };
      return field(i.field(), set, section);
    } else if (c instanceof Cond.IntInRange r) {
      if (r.field() == IntField.REGION_SIZE) {
        return new SizeAtom(USet.range(r.lo(), r.hi()), false);
      }
      return field(r.field(), USet.range(r.lo(), r.hi()), section);
    } else if (c instanceof Cond.IntInSet s) {
      if (s.field() == IntField.REGION_SIZE) {
        return new SizeAtom(USet.of(s.values()), false);
      }
      return field(s.field(), USet.of(s.values()), section);
    } else if (c instanceof Cond.EnumIn e) {
      return scoped(e.field().scope(), new EnumAtom(e.field(), e.mask()), section);
    } else if (c instanceof Cond.ClassMatch m) {
      int shift = 24 - m.bits();
      long lo = ((long) (m.value() >>> shift)) << shift;
      long hi = lo + (1L << shift) - 1;
      return scoped(Scope.DEVICE, new IntAtom(IntField.DEVICE_CLASS, USet.range(lo, hi)), section);
    } else if (c instanceof Cond.BdfIn b) {
      return scoped(Scope.DEVICE, new FinAtom(BDF, new LinkedHashSet<>(b.addresses()), true), section);
    } else if (c instanceof Cond.DownstreamOf d) {
      return scoped(Scope.DEVICE, new BoolAtom("device.downstream_of(" + d.bridge() + ")", true), section);
    } else if (c instanceof Cond.StringIn s) {
      String var = s.field() == Cond.StringField.DEVICE_DRIVER ? DRIVER : GUEST_NAME;
      return scoped(s.field().scope(), new FinAtom(var, new LinkedHashSet<>(s.values()), true), section);
    } else if (c instanceof Cond.IsBridge) {
      return scoped(Scope.DEVICE, new BoolAtom(BRIDGE, true), section);
    } else if (c instanceof Cond.ProtHas h) {
      List<Formula> bits = new ArrayList<>();
      for (int i = 0; i < 31; i++) {
        if ((h.bit() & (1 << i)) != 0) {
          bits.add(new BoolAtom("region.prot has " + i, true));
        }
      }
      return new All(bits);
    } else if (c instanceof Cond.RegionOverlaps o) {
      AddressRange r = o.range();
      return all(new BoolAtom(COVERS, true), new IntAtom(IntField.REGION_START, USet.atMost(r.end())),
          new IntAtom(IntField.REGION_END, USet.atLeast(r.start())));
    } else if (c instanceof Cond.RegionWithin w) {
      AddressRange r = w.range();
      return all(new BoolAtom(COVERS, true), new IntAtom(IntField.REGION_START, USet.atLeast(r.start())),
          new IntAtom(IntField.REGION_END, USet.atMost(r.end())));
    } else if (c instanceof Cond.GuestIs g) {
      return scoped(Scope.GUEST, new EnumAtom(EnumField.GUEST_KIND, g.kindMask()), section);
    } else if (c instanceof Cond.WithinGuest w) {
      if (section != Section.CONFLICTS) {
        return FALSE;
      }
      return all(new BoolAtom(GUEST, true), new EnumAtom(EnumField.GUEST_KIND, w.kindMask()),
          new BoolAtom(COVERS, true), new BoolAtom(START_IN_GUEST, true), new BoolAtom(END_IN_GUEST, true));
    }
    throw new AssertionError(c);
  }

  private static Formula field(IntField f, USet set, Section section) {
    return scoped(f.scope(), new IntAtom(f, set), section);
  }

  /** A test on a part of the facts: false where that part is absent, guarded by presence where it may be. */
  private static Formula scoped(Scope scope, Atom atom, Section section) {
    return switch (scope) {
      case DEVICE -> section == Section.CLASSIFY ? atom : FALSE;
      case REGION -> atom;
      case GUEST -> section == Section.CONFLICTS ? all(new BoolAtom(GUEST, true), atom) : FALSE;
      default -> throw new AssertionError(scope);
    };
  }
}
