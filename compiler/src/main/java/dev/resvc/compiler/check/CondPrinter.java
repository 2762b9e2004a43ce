package dev.resvc.compiler.check;

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
    return print(c, 0);
  }

  /** @param context 0 top level, 1 inside {@code or}, 2 inside {@code and}, 3 inside {@code not} */
  private static String print(Cond c, int context) {
    if (c instanceof Cond.Bool b) {
      return Boolean.toString(b.value());
    } else if (c instanceof Cond.And a) {
      String s = join(a.terms(), " and ", 2);
      return context > 2 ? "(" + s + ")" : s;
    } else if (c instanceof Cond.Or o) {
      String s = join(o.terms(), " or ", 1);
      return context > 1 ? "(" + s + ")" : s;
    } else if (c instanceof Cond.Not n) {
      return "not " + print(n.operand(), 3);
    } else if (c instanceof Cond.PredicateRef p) {
      return p.name();
    } else if (c instanceof Cond.IntCompare i) {
      return i.field().spelling() + " " + i.op().symbol() + " " + U64.hex(i.value());
    } else if (c instanceof Cond.IntInRange r) {
      return r.field().spelling() + " in " + U64.hex(r.lo()) + " .. " + U64.hex(r.hi());
    } else if (c instanceof Cond.IntInSet s) {
      return s.field().spelling() + " in {" + s.values().stream().map(U64::hex).collect(Collectors.joining(", ")) + "}";
    } else if (c instanceof Cond.EnumIn e) {
      List<String> names = e.field().names(e.mask());
      if (names.size() == 1) {
        return e.field().spelling() + " == " + names.get(0);
      }
      return e.field().spelling() + " in {" + String.join(", ", names) + "}";
    } else if (c instanceof Cond.ClassMatch m) {
      return "device.class matches " + classPattern(m.value(), m.bits());
    } else if (c instanceof Cond.BdfIn b) {
      if (b.addresses().size() == 1) {
        return "device.bdf == " + b.addresses().get(0).toShortString();
      }
      return "device.bdf in {" + b.addresses().stream().map(a -> a.toShortString()).collect(Collectors.joining(", ")) + "}";
    } else if (c instanceof Cond.DownstreamOf d) {
      return "device.downstream_of(" + d.bridge().toShortString() + ")";
    } else if (c instanceof Cond.StringIn s) {
      if (s.values().size() == 1) {
        return s.field().spelling() + " == " + quote(s.values().get(0));
      }
      return s.field().spelling() + " in {" + s.values().stream().map(CondPrinter::quote).collect(Collectors.joining(", ")) + "}";
    } else if (c instanceof Cond.IsBridge) {
      return "device.bridge";
    } else if (c instanceof Cond.ProtHas h) {
      return "region.prot has " + protName(h.bit());
    } else if (c instanceof Cond.RegionOverlaps o) {
      return "overlaps(" + U64.hex(o.range().start()) + " .. " + U64.hex(o.range().end()) + ")";
    } else if (c instanceof Cond.RegionWithin w) {
      return "within(" + U64.hex(w.range().start()) + " .. " + U64.hex(w.range().end()) + ")";
    } else if (c instanceof Cond.GuestIs g) {
      return "overlaps(" + guestKinds(g.kindMask()) + ")";
    } else if (c instanceof Cond.WithinGuest w) {
      return "within(" + guestKinds(w.kindMask()) + ")";
    }
    throw new AssertionError(c);
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
    List<String> kinds = EnumField.GUEST_KIND.names(mask);
    if (mask == EnumField.GUEST_KIND.allMask()) {
      return "guest";
    }
    return kinds.stream().map(k -> "guest." + k).collect(Collectors.joining(" | "));
  }

  static String protName(int bit) {
    String[] names = {"read", "write", "cache", "noexec", "mmio", "priv"};
    return names[Integer.numberOfTrailingZeros(bit)];
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
