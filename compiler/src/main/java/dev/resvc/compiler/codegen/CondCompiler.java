package dev.resvc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.IntField;
import dev.resvc.compiler.check.Scope;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a checked condition to a Java boolean expression over the {@link Local}s, with the meaning
 * {@link dev.resvc.compiler.interp.Interpreter#eval} gives it. Before that, {@link #simplify} folds
 * what is known where the expression runs: a scope the section never has (no device in {@code
 * conflicts}, no guest in {@code classify}) and the value of the field the section dispatches on.
 */
final class CondCompiler {
  private CondCompiler() {}

  /** What is known about the inputs where a condition is evaluated. */
  record Known(Set<Scope> absent, EnumField dispatchField, int dispatchOrdinal) {
    static Known scopes(Set<Scope> absent) {
      return new Known(absent, null, -1);
    }

    Known with(EnumField field, int ordinal) {
      return new Known(absent, field, ordinal);
    }
  }

  private static final Cond.Bool TRUE = new Cond.Bool(null, true);
  private static final Cond.Bool FALSE = new Cond.Bool(null, false);

  /**
   * The condition with known tests replaced by constants and the constants folded away. A predicate
   * use stays a use (its method is called), unless its condition folds to a constant here.
   */
  static Cond simplify(Cond c, Known k) {
    return simplify(c, k, new IdentityHashMap<>());
  }

  /** {@link #simplify(Cond, Known)}, each predicate's condition simplified once ({@code bodies}). */
  private static Cond simplify(Cond c, Known k, Map<Cond, Cond> bodies) {
    if (c instanceof Cond.Bool) {
      return c;
    } else if (c instanceof Cond.And a) {
      List<Cond> terms = new ArrayList<>();
      for (Cond t : a.terms()) {
        Cond s = simplify(t, k, bodies);
        if (s instanceof Cond.Bool b) {
          if (!b.value()) {
            return FALSE;
          }
        } else {
          terms.add(s);
        }
      }
      return terms.isEmpty() ? TRUE : terms.size() == 1 ? terms.get(0) : new Cond.And(a.span(), terms);
    } else if (c instanceof Cond.Or o) {
      List<Cond> terms = new ArrayList<>();
      for (Cond t : o.terms()) {
        Cond s = simplify(t, k, bodies);
        if (s instanceof Cond.Bool b) {
          if (b.value()) {
            return TRUE;
          }
        } else {
          terms.add(s);
        }
      }
      return terms.isEmpty() ? FALSE : terms.size() == 1 ? terms.get(0) : new Cond.Or(o.span(), terms);
    } else if (c instanceof Cond.Not n) {
      Cond s = simplify(n.operand(), k, bodies);
      if (s instanceof Cond.Bool b) {
        return b.value() ? FALSE : TRUE;
      }
      return new Cond.Not(n.span(), s);
    } else if (c instanceof Cond.PredicateRef p) {
      Cond s = bodies.get(p.body());
      if (s == null) {
        s = simplify(p.body(), k, bodies);
        bodies.put(p.body(), s);
      }
      return s instanceof Cond.Bool ? s : p;
    }
    for (Scope s : scopes(c)) {
      if (k.absent().contains(s)) {
        return FALSE;
      }
    }
    if (c instanceof Cond.EnumIn e && e.field() == k.dispatchField()) {
      return (e.mask() & (1 << k.dispatchOrdinal())) != 0 ? TRUE : FALSE;
    }
    return c;
  }

  /** The scopes a test reads; it is false when one of them is absent. */
  private static List<Scope> scopes(Cond c) {
    if (c instanceof Cond.IntCompare i) {
      return List.of(i.field().scope());
    } else if (c instanceof Cond.IntInRange r) {
      return List.of(r.field().scope());
    } else if (c instanceof Cond.IntInSet s) {
      return List.of(s.field().scope());
    } else if (c instanceof Cond.EnumIn e) {
      return List.of(e.field().scope());
    } else if (c instanceof Cond.StringIn s) {
      return List.of(s.field().scope());
    } else if (c instanceof Cond.ClassMatch || c instanceof Cond.BdfIn || c instanceof Cond.DownstreamOf
        || c instanceof Cond.IsBridge) {
      return List.of(Scope.DEVICE);
    } else if (c instanceof Cond.ProtHas || c instanceof Cond.RegionOverlaps || c instanceof Cond.RegionWithin) {
      return List.of(Scope.REGION);
    } else if (c instanceof Cond.GuestIs) {
      return List.of(Scope.GUEST);
    } else if (c instanceof Cond.WithinGuest) {
      return List.of(Scope.GUEST, Scope.REGION);
    }
    throw new AssertionError(c);
  }

  /**
   * A Java expression and how loosely it binds: {@link #PRIMARY} (a name, call or {@code !x}), {@link
   * #COMPARISON}, {@link #AND}, {@link #OR}.
   */
  record J(CodeBlock code, int level) {
    static final int PRIMARY = 0;
    static final int COMPARISON = 1;
    static final int AND = 2;
    static final int OR = 3;

    /** The expression as an operand of something binding tighter than {@code level}. */
    CodeBlock operand(int maxLevel) {
      return level <= maxLevel ? code : CodeBlock.of("($L)", code);
    }
  }

  /**
   * Compiles a simplified condition; records the locals it reads in {@code used}, helpers in {@code
   * helpers}, and calls the methods of the predicates it uses, made by {@code predicates}.
   */
  static J compile(Cond c, Set<Local> used, Set<Helper> helpers, PredicateMethods predicates) {
    return new Emitter(used, helpers, predicates).gen(c);
  }

  /** The static helper methods generated code may call. */
  enum Helper {
    COMPARE_SIZE, DOWNSTREAM_OF
  }

  private record Emitter(Set<Local> used, Set<Helper> helpers, PredicateMethods predicates) {
    J gen(Cond c) {
      if (c instanceof Cond.Bool b) {
        return atom(Boolean.toString(b.value()));
      } else if (c instanceof Cond.And a) {
        return join(a.terms(), " && ");
      } else if (c instanceof Cond.Or o) {
        return join(o.terms(), " || ");
      } else if (c instanceof Cond.Not n) {
        return new J(CodeBlock.of("!$L", gen(n.operand()).operand(J.PRIMARY)), J.PRIMARY);
      } else if (c instanceof Cond.PredicateRef p) {
        PredicateMethods.Method m = predicates.method(p);
        used.addAll(m.params());
        return new J(PredicateMethods.call(m), J.PRIMARY);
      } else if (c instanceof Cond.IntCompare i) {
        return guarded(i.field(), compare(i.field(), i.op(), i.value()));
      } else if (c instanceof Cond.IntInRange r) {
        return guarded(r.field(), all(List.of(compare(r.field(), CompareOp.GE, r.lo()),
            compare(r.field(), CompareOp.LE, r.hi()))));
      } else if (c instanceof Cond.IntInSet s) {
        List<J> eqs = new ArrayList<>();
        for (long v : s.values()) {
          eqs.add(compare(s.field(), CompareOp.EQ, v));
        }
        return guarded(s.field(), any(eqs));
      } else if (c instanceof Cond.EnumIn e) {
        return enumIn(e.field(), e.mask());
      } else if (c instanceof Cond.ClassMatch m) {
        use(Local.CLASS_CODE);
        int shift = 24 - m.bits();
        if (shift == 0) {
          return new J(CodeBlock.of("cls == $L", classHex(m.value(), 6)), J.COMPARISON);
        }
        return new J(CodeBlock.of("(cls >>> $L) == $L", shift, classHex(m.value() >>> shift, m.bits() / 4)),
            J.COMPARISON);
      } else if (c instanceof Cond.BdfIn b) {
        use(Local.BDF);
        List<J> eqs = new ArrayList<>();
        for (PciAddress a : b.addresses()) {
          eqs.add(new J(CodeBlock.of("bdf == $L", hex(key(a))), J.COMPARISON));
        }
        return any(eqs);
      } else if (c instanceof Cond.DownstreamOf d) {
        use(Local.UPSTREAM);
        helpers.add(Helper.DOWNSTREAM_OF);
        return atom("downstreamOf(upstream, " + hex(key(d.bridge())) + ")");
      } else if (c instanceof Cond.StringIn s) {
        List<J> eqs = new ArrayList<>();
        for (String v : s.values()) {
          if (s.field() == Cond.StringField.DEVICE_DRIVER) {
            use(Local.DRIVER);
            eqs.add(stringEquals(Local.DRIVER, v));
          } else {
            use(Local.GUEST_NAME);
            eqs.add(stringEquals(Local.GUEST_NAME, v));
          }
        }
        return any(eqs);
      } else if (c instanceof Cond.IsBridge) {
        use(Local.BRIDGE);
        return atom("bridge");
      } else if (c instanceof Cond.ProtHas h) {
        use(Local.PROT);
        return new J(CodeBlock.of("(prot & $L) == $L", hex(h.bit()), hex(h.bit())), J.COMPARISON);
      } else if (c instanceof Cond.RegionOverlaps o) {
        use(Local.COVERS);
        return all(List.of(atom("covers"), unsigned("start", CompareOp.LE, o.range().end()),
            unsignedRev(o.range().start(), CompareOp.LE, "end")));
      } else if (c instanceof Cond.RegionWithin w) {
        use(Local.COVERS);
        return all(List.of(atom("covers"), unsignedRev(w.range().start(), CompareOp.LE, "start"),
            unsigned("end", CompareOp.LE, w.range().end())));
      } else if (c instanceof Cond.GuestIs g) {
        return enumIn(EnumField.GUEST_KIND, g.kindMask());
      } else if (c instanceof Cond.WithinGuest w) {
        use(Local.COVERS);
        use(Local.GUEST_START);
        use(Local.GUEST_END);
        return all(List.of(enumIn(EnumField.GUEST_KIND, w.kindMask()), atom("covers"),
            unsignedLe("gstart", "start"), unsignedLe("end", "gend")));
      }
      throw new AssertionError(c);
    }

    /**
     * Whether the string local {@code l} ({@code driver}, never null, or {@code gname}, null without a
     * guest) equals {@code value}. A value too long for one string constant is compared part by part
     * at its offsets, so that nothing is built per call.
     */
    private static J stringEquals(Local l, String value) {
      List<String> parts = JavaText.constantParts(value);
      boolean nullable = l == Local.GUEST_NAME;
      if (parts.size() == 1) {
        return nullable ? atom(JavaText.stringLiteral(value) + ".equals(" + l.javaName() + ")")
            : atom(l.javaName() + ".equals(" + JavaText.stringLiteral(value) + ")");
      }
      List<J> tests = new ArrayList<>();
      if (nullable) {
        tests.add(new J(CodeBlock.of("$L != null", l.javaName()), J.COMPARISON));
      }
      tests.add(new J(CodeBlock.of("$L.length() == $L", l.javaName(), value.length()), J.COMPARISON));
      int offset = 0;
      for (String part : parts) {
        tests.add(atom(l.javaName() + ".startsWith(" + JavaText.stringLiteral(part) + ", " + offset + ")"));
        offset += part.length();
      }
      return all(tests);
    }

    private void use(Local l) {
      used.add(l);
    }

    private J join(List<Cond> terms, String op) {
      List<J> parts = new ArrayList<>();
      for (Cond t : terms) {
        parts.add(gen(t));
      }
      return op.equals(" && ") ? all(parts) : any(parts);
    }

    /** Tests on guest fields are false when there is no guest range. */
    private J guarded(IntField field, J test) {
      if (field.scope() != Scope.GUEST) {
        return test;
      }
      use(Local.HAS_GUEST);
      return all(List.of(atom("hasGuest"), test));
    }

    /** {@code field op value}, unsigned, as the interpreter compares. */
    private J compare(IntField field, CompareOp op, long value) {
      switch (field) {
        case REGION_SIZE -> {
          use(Local.START);
          use(Local.END);
          helpers.add(Helper.COMPARE_SIZE);
          return new J(CodeBlock.of("compareSize(start, end, $L) $L 0", longLit(value), op.symbol()), J.COMPARISON);
        }
        case REGION_START, REGION_END, GUEST_START, GUEST_END -> {
          Local l = switch (field) {
            case REGION_START -> Local.START;
            case REGION_END -> Local.END;
            case GUEST_START -> Local.GUEST_START;
            default -> Local.GUEST_END;
          };
          use(l);
          return unsigned(l.javaName(), op, value);
        }
        case DEVICE_GROUP -> {
          // The interpreter widens the group id with sign extension, as Java does here.
          use(Local.GROUP);
          return unsigned("group", op, value);
        }
        default -> {
          Local l = switch (field) {
            case DEVICE_VENDOR -> Local.VENDOR;
            case DEVICE_ID -> Local.DEVICE_ID;
            case DEVICE_SUBSYSTEM_VENDOR -> Local.SUBSYSTEM_VENDOR;
            case DEVICE_SUBSYSTEM_DEVICE -> Local.SUBSYSTEM_DEVICE;
            case DEVICE_CLASS -> Local.CLASS_CODE;
            default -> throw new AssertionError(field);
          };
          use(l);
          // These fields are never negative, so a signed int comparison with a constant that fits
          // in 31 bits is the unsigned one.
          if (value >= 0 && value <= Integer.MAX_VALUE) {
            return new J(CodeBlock.of("$L $L $L", l.javaName(), op.symbol(), hex(value)), J.COMPARISON);
          }
          return unsigned(l.javaName(), op, value);
        }
      }
    }

    private J unsigned(String name, CompareOp op, long value) {
      if (op == CompareOp.EQ || op == CompareOp.NE) {
        return new J(CodeBlock.of("$L $L $L", name, op.symbol(), longLit(value)), J.COMPARISON);
      }
      return new J(CodeBlock.of("$T.compareUnsigned($L, $L) $L 0", Long.class, name, longLit(value), op.symbol()),
          J.COMPARISON);
    }

    /** {@code value op name}, unsigned. */
    private J unsignedRev(long value, CompareOp op, String name) {
      return new J(CodeBlock.of("$T.compareUnsigned($L, $L) $L 0", Long.class, longLit(value), name, op.symbol()),
          J.COMPARISON);
    }

    /** {@code a <= b}, unsigned, over two locals. */
    private static J unsignedLe(String a, String b) {
      return new J(CodeBlock.of("$T.compareUnsigned($L, $L) <= 0", Long.class, a, b), J.COMPARISON);
    }

    private J enumIn(EnumField field, int mask) {
      Local l;
      Class<?> type;
      List<String> names;
      switch (field) {
        case REGION_TYPE -> {
          l = Local.REGION_TYPE;
          type = RegionType.class;
          names = java.util.Arrays.stream(RegionType.values()).map(Enum::name).toList();
        }
        case REGION_SOURCE -> {
          l = Local.REGION_SOURCE;
          type = RegionSource.class;
          names = java.util.Arrays.stream(RegionSource.values()).map(Enum::name).toList();
        }
        default -> {
          l = Local.GUEST_KIND;
          type = GuestKind.class;
          names = java.util.Arrays.stream(GuestKind.values()).map(Enum::name).toList();
        }
      }
      int all = field.allMask();
      mask &= all;
      if (mask == 0) {
        return atom("false");
      }
      use(l);
      if (mask == all) {
        // Region fields are always there; a guest range may not be.
        return field == EnumField.GUEST_KIND ? new J(CodeBlock.of("gkind != null"), J.COMPARISON) : atom("true");
      }
      List<J> eqs = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if ((mask & (1 << i)) != 0) {
          eqs.add(new J(CodeBlock.of("$L == $T.$L", l.javaName(), type, names.get(i)), J.COMPARISON));
        }
      }
      return any(eqs);
    }

    private static J all(List<J> parts) {
      return joinParts(parts, " && ", "true", J.AND);
    }

    private static J any(List<J> parts) {
      return joinParts(parts, " || ", "false", J.OR);
    }

    /** Operands of {@code ||} that are {@code &&} chains get parentheses too, for the reader. */
    private static J joinParts(List<J> parts, String op, String empty, int level) {
      if (parts.isEmpty()) {
        return atom(empty);
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      CodeBlock.Builder b = CodeBlock.builder();
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) {
          b.add(op);
        }
        b.add(parts.get(i).operand(J.COMPARISON));
      }
      return new J(b.build(), level);
    }

    private static J atom(String code) {
      return new J(CodeBlock.of("$L", code), J.PRIMARY);
    }
  }

  /** {@code segment << 16 | requesterId}: distinct for distinct addresses. */
  static int key(PciAddress a) {
    return a.segment() << 16 | a.requesterId();
  }

  static String hex(long v) {
    return v >= 0 && v < 10 ? Long.toString(v) : "0x" + Long.toHexString(v);
  }

  static String hex(int v) {
    return v >= 0 && v < 10 ? Integer.toString(v) : "0x" + Integer.toHexString(v);
  }

  /** A class code (or its top part) with its digits: {@code 0x0c03}. */
  static String classHex(int v, int digits) {
    return String.format(Locale.ROOT, "0x%0" + digits + "x", v);
  }

  static String longLit(long v) {
    return (v >= 0 && v < 10 ? Long.toString(v) : "0x" + Long.toHexString(v)) + "L";
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
