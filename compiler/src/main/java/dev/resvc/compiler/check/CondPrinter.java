package dev.resvc.compiler.check;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.U64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a checked condition in the policy language, so explanations, lint findings and generated-code
 * comments can quote the test they talk about. Predicate references print by name.
 */
public final class CondPrinter {
  private CondPrinter() {}

  public static String print(Cond c) {
    return print(c, TOP);
  }

  /** Where a condition is printed, which decides whether it needs parentheses. */
  private static final int TOP = 0;
  private static final int IN_OR = 1;
  private static final int IN_AND = 2;
  private static final int IN_NOT = 3;

  /** One printer per context, made once. */
  private static final Printer[] PRINTERS = {new Printer(TOP), new Printer(IN_OR), new Printer(IN_AND), new Printer(IN_NOT)};

  private static String print(Cond c, int context) {
    return c.accept(PRINTERS[context]);
  }

  /** Prints a condition found in {@code context} ({@link #TOP}, {@link #IN_OR}, {@link #IN_AND} or {@link #IN_NOT}). */
  private record Printer(int context) implements Cond.Visitor<String> {
    @Override
    public String visitBool(Cond.Bool b) {
      return Boolean.toString(b.value());
    }

    @Override
    public String visitAnd(Cond.And a) {
      String s = join(a.terms(), " and ", IN_AND);
      return context > IN_AND ? "(" + s + ")" : s;
    }

    @Override
    public String visitOr(Cond.Or o) {
      String s = join(o.terms(), " or ", IN_OR);
      return context > IN_OR ? "(" + s + ")" : s;
    }

    @Override
    public String visitNot(Cond.Not n) {
      return "not " + print(n.operand(), IN_NOT);
    }

    @Override
    public String visitPredicateRef(Cond.PredicateRef p) {
      return p.name();
    }

    @Override
    public String visitIntCompare(Cond.IntCompare i) {
      return i.field().spelling() + " " + i.op().symbol() + " " + constant(i.field(), i.value());
    }

    @Override
    public String visitIntInRange(Cond.IntInRange r) {
      String hi = r.field().isVersion() ? seriesEnd(r.hi()) : U64.hex(r.hi());
      return r.field().spelling() + " in " + constant(r.field(), r.lo()) + " .. " + hi;
    }

    @Override
    public String visitIntInSet(Cond.IntInSet s) {
      return s.field().spelling() + " in {" + s.values().stream().map(v -> constant(s.field(), v))
          .collect(Collectors.joining(", ")) + "}";
    }

    @Override
    public String visitEnumIn(Cond.EnumIn e) {
      List<String> names = e.field().names(e.mask());
      if (names.size() == 1) {
        return e.field().spelling() + " == " + names.get(0);
      }
      return e.field().spelling() + " in {" + String.join(", ", names) + "}";
    }

    @Override
    public String visitClassMatch(Cond.ClassMatch m) {
      return "device.class matches " + classPattern(m.value(), m.bits());
    }

    @Override
    public String visitBdfIn(Cond.BdfIn b) {
      if (b.addresses().size() == 1) {
        return "device.bdf == " + b.addresses().get(0).toShortString();
      }
      return "device.bdf in {" + b.addresses().stream().map(a -> a.toShortString()).collect(Collectors.joining(", ")) + "}";
    }

    @Override
    public String visitDownstreamOf(Cond.DownstreamOf d) {
      return "device.downstream_of(" + d.bridge().toShortString() + ")";
    }

    @Override
    public String visitStringIn(Cond.StringIn s) {
      if (s.values().size() == 1) {
        return s.field().spelling() + " == " + quote(s.values().get(0));
      }
      return s.field().spelling() + " in {" + s.values().stream().map(CondPrinter::quote).collect(Collectors.joining(", ")) + "}";
    }

    @Override
    public String visitIsTrue(Cond.IsTrue c) {
      return c.field().spelling();
    }

    @Override
    public String visitProtHas(Cond.ProtHas h) {
      return "region.prot has " + protName(h.bit());
    }

    @Override
    public String visitRegionOverlaps(Cond.RegionOverlaps o) {
      return "overlaps(" + U64.hex(o.range().start()) + " .. " + U64.hex(o.range().end()) + ")";
    }

    @Override
    public String visitRegionWithin(Cond.RegionWithin w) {
      return "within(" + U64.hex(w.range().start()) + " .. " + U64.hex(w.range().end()) + ")";
    }

    @Override
    public String visitGuestIs(Cond.GuestIs g) {
      return "overlaps(" + guestKinds(g.kindMask()) + ")";
    }

    @Override
    public String visitWithinGuest(Cond.WithinGuest w) {
      return "within(" + guestKinds(w.kindMask()) + ")";
    }
  }

  private static String join(List<Cond> terms, String op, int context) {
    return terms.stream().map(t -> print(t, context)).collect(Collectors.joining(op));
  }

  /** {@code 0x0c03xx}. */
  public static String classPattern(int value, int bits) {
    String hex = String.format("%06x", value);
    int fixed = bits / 4;
    return "0x" + hex.substring(0, fixed) + "x".repeat(6 - fixed);
  }

  private static String guestKinds(int mask) {
    List<String> kinds = Field.GUEST_KIND.names(mask);
    if (mask == Field.GUEST_KIND.allMask()) {
      return "guest";
    }
    return kinds.stream().map(k -> "guest." + k).collect(Collectors.joining(" | "));
  }

  static String protName(int bit) {
    return Field.REGION_PROT.constants().get(Integer.numberOfTrailingZeros(bit));
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** An integer field's constant as policies write it: a release for {@code kernel.version}, else hex. */
  private static String constant(Field field, long value) {
    return field.isVersion() ? KernelRelease.ofKey(value).version() : U64.hex(value);
  }

  /** The end of a version range: {@code X.Y} when it is the end of that series, as a range's end writes it. */
  private static String seriesEnd(long key) {
    KernelRelease r = KernelRelease.ofKey(key);
    return r.patch() == KernelRelease.MAX_PART ? r.major() + "." + r.minor() : r.version();
  }
}
