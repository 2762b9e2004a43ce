package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Scope;
import dev.resvc.compiler.check.Section;
import dev.resvc.runtime.model.DeviceKind;
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
  String BRIDGE = Field.DEVICE_BRIDGE.spelling();
  String COVERS = "region covers an address";
  String GUEST = "guest present";
  /** {@code region.start >= guest.start}. */
  String START_IN_GUEST = "region.start >= guest.start";
  /** {@code region.end <= guest.end}. */
  String END_IN_GUEST = "region.end <= guest.end";
  /** Whether the host showed its IOMMU driver: {@code kernel.driver} tests are false without it. */
  String DRIVER_KNOWN = Field.KERNEL_DRIVER.spelling() + " known";
  /** Whether the device has a HID of its own: {@code device.hid} tests are false without it. */
  String HID_KNOWN = Field.DEVICE_HID.spelling() + " known";
  /** Finite-domain variables: the field's spelling (also for the string fields, {@link FinAtom}). */
  String BDF = Field.DEVICE_BDF.spelling();

  record Const(boolean value) implements Formula {}

  record All(List<Formula> terms) implements Formula {}

  record Any(List<Formula> terms) implements Formula {}

  sealed interface Atom extends Formula {
    Atom negate();
  }

  /** An integer field (not the size) is in {@code set}. */
  record IntAtom(Field field, USet set) implements Atom {
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

  record EnumAtom(Field field, int mask) implements Atom {
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
    return c.accept(new Translation(section, new IdentityHashMap<>()));
  }

  /**
   * Translates conditions of one section, each predicate's condition once ({@code bodies}): every use
   * of a predicate is the one formula object.
   */
  record Translation(Section section, Map<Cond, Formula> bodies) implements Cond.Visitor<Formula> {
    private Formula of(Cond c) {
      return c.accept(this);
    }

    @Override
    public Formula visitBool(Cond.Bool b) {
      return new Const(b.value());
    }

    @Override
    public Formula visitAnd(Cond.And a) {
      return new All(a.terms().stream().map(this::of).toList());
    }

    @Override
    public Formula visitOr(Cond.Or o) {
      return new Any(o.terms().stream().map(this::of).toList());
    }

    @Override
    public Formula visitNot(Cond.Not n) {
      return negate(of(n.operand()));
    }

    @Override
    public Formula visitPredicateRef(Cond.PredicateRef p) {
      Formula known = bodies.get(p.body());
      if (known == null) {
        known = of(p.body());
        bodies.put(p.body(), known);
      }
      return known;
    }

    @Override
    public Formula visitIntCompare(Cond.IntCompare i) {
      long v = i.value();
      if (i.field() == Field.REGION_SIZE) {
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
    }

    @Override
    public Formula visitIntInRange(Cond.IntInRange r) {
      if (r.field() == Field.REGION_SIZE) {
        return new SizeAtom(USet.range(r.lo(), r.hi()), false);
      }
      return field(r.field(), USet.range(r.lo(), r.hi()), section);
    }

    @Override
    public Formula visitIntInSet(Cond.IntInSet s) {
      if (s.field() == Field.REGION_SIZE) {
        return new SizeAtom(USet.of(s.values()), false);
      }
      return field(s.field(), USet.of(s.values()), section);
    }

    @Override
    public Formula visitEnumIn(Cond.EnumIn e) {
      return scoped(e.field().scope(), present(e.field(), new EnumAtom(e.field(), e.mask())), section);
    }

    @Override
    public Formula visitClassMatch(Cond.ClassMatch m) {
      int shift = 24 - m.bits();
      long lo = ((long) (m.value() >>> shift)) << shift;
      long hi = lo + (1L << shift) - 1;
      return scoped(Scope.DEVICE, present(Field.DEVICE_CLASS, new IntAtom(Field.DEVICE_CLASS, USet.range(lo, hi))), section);
    }

    @Override
    public Formula visitBdfIn(Cond.BdfIn b) {
      return scoped(Scope.DEVICE, present(Field.DEVICE_BDF, new FinAtom(BDF, new LinkedHashSet<>(b.addresses()), true)), section);
    }

    @Override
    public Formula visitDownstreamOf(Cond.DownstreamOf d) {
      // only a PCI function has bridges above it, as it alone has an address
      return scoped(Scope.DEVICE, present(Field.DEVICE_BDF, new BoolAtom("device.downstream_of(" + d.bridge() + ")", true)),
          section);
    }

    @Override
    public Formula visitStringIn(Cond.StringIn s) {
      return scoped(s.field().scope(),
          present(s.field(), new FinAtom(s.field().spelling(), new LinkedHashSet<>(s.values()), true)), section);
    }

    @Override
    public Formula visitIsTrue(Cond.IsTrue c) {
      return scoped(c.field().scope(), present(c.field(), new BoolAtom(c.field().spelling(), true)), section);
    }

    @Override
    public Formula visitProtHas(Cond.ProtHas h) {
      List<Formula> bits = new ArrayList<>();
      for (int i = 0; i < 31; i++) {
        if ((h.bit() & (1 << i)) != 0) {
          bits.add(new BoolAtom("region.prot has " + i, true));
        }
      }
      return new All(bits);
    }

    @Override
    public Formula visitRegionOverlaps(Cond.RegionOverlaps o) {
      AddressRange r = o.range();
      return all(new BoolAtom(COVERS, true), new IntAtom(Field.REGION_START, USet.atMost(r.end())),
          new IntAtom(Field.REGION_END, USet.atLeast(r.start())));
    }

    @Override
    public Formula visitRegionWithin(Cond.RegionWithin w) {
      AddressRange r = w.range();
      return all(new BoolAtom(COVERS, true), new IntAtom(Field.REGION_START, USet.atLeast(r.start())),
          new IntAtom(Field.REGION_END, USet.atMost(r.end())));
    }

    @Override
    public Formula visitGuestIs(Cond.GuestIs g) {
      return scoped(Scope.GUEST, new EnumAtom(Field.GUEST_KIND, g.kindMask()), section);
    }

    @Override
    public Formula visitWithinGuest(Cond.WithinGuest w) {
      if (section != Section.CONFLICTS) {
        return FALSE;
      }
      return all(new BoolAtom(GUEST, true), new EnumAtom(Field.GUEST_KIND, w.kindMask()),
          new BoolAtom(COVERS, true), new BoolAtom(START_IN_GUEST, true), new BoolAtom(END_IN_GUEST, true));
    }
  }

  /** The device kinds other than PCI. */
  int NOT_PCI = Field.DEVICE_KIND.allMask() & ~(1 << DeviceKind.PCI.ordinal());

  /**
   * A test of {@code f}, false where an optional field is absent: a PCI-only field is there exactly on
   * a PCI function; a device's HID only on another device that has one; the kernel's driver when known.
   */
  private static Formula present(Field f, Formula atom) {
    // the test first, its guard after: the solver tries the terms of a negation in order, so a witness
    // is a device with the field (a PCI function) unless only one without it will do
    if (f.isPciOnly()) {
      return all(atom, new EnumAtom(Field.DEVICE_KIND, 1 << DeviceKind.PCI.ordinal()));
    } else if (f == Field.DEVICE_HID) {
      return all(atom, new BoolAtom(HID_KNOWN, true), new EnumAtom(Field.DEVICE_KIND, NOT_PCI));
    } else if (f == Field.KERNEL_DRIVER) {
      return all(new BoolAtom(DRIVER_KNOWN, true), atom);
    } else if (f.isOptional()) {
      throw new IllegalArgumentException(f.spelling() + " has no presence variable");
    }
    return atom;
  }

  private static Formula field(Field f, USet set, Section section) {
    return scoped(f.scope(), present(f, new IntAtom(f, set)), section);
  }

  /** A test on a part of the facts: false where that part is absent, guarded by presence where it may be. */
  private static Formula scoped(Scope scope, Formula atom, Section section) {
    return switch (scope) {
      case DEVICE -> section == Section.CLASSIFY ? atom : FALSE;
      case REGION -> atom;
      case GUEST -> section == Section.CONFLICTS ? all(new BoolAtom(GUEST, true), atom) : FALSE;
      case KERNEL, HOST -> atom;
    };
  }
}
