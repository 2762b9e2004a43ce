package dev.resvc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Scope;
import dev.resvc.runtime.model.PciAddress;
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
  record Known(Set<Scope> absent, Field dispatchField, int dispatchOrdinal) {
    static Known scopes(Set<Scope> absent) {
      return new Known(absent, null, -1);
    }

    Known with(Field field, int ordinal) {
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
    return c.accept(new Simplifier(k, bodies));
  }

  /** {@link #simplify(Cond, Known)}. */
  private static final class Simplifier extends Cond.ConnectiveVisitor<Cond> {
    private final Known k;
    private final Map<Cond, Cond> bodies;

    Simplifier(Known k, Map<Cond, Cond> bodies) {
      this.k = k;
      this.bodies = bodies;
    }

    @Override
    public Cond visitBool(Cond.Bool c) {
      return c;
    }

    @Override
    public Cond visitAnd(Cond.And a) {
      List<Cond> terms = new ArrayList<>();
      for (Cond t : a.terms()) {
        Cond s = t.accept(this);
        if (s.isConstant(false)) {
          return FALSE;
        } else if (!s.isConstant(true)) {
          terms.add(s);
        }
      }
      return terms.isEmpty() ? TRUE : terms.size() == 1 ? terms.get(0) : new Cond.And(a.span(), terms);
    }

    @Override
    public Cond visitOr(Cond.Or o) {
      List<Cond> terms = new ArrayList<>();
      for (Cond t : o.terms()) {
        Cond s = t.accept(this);
        if (s.isConstant(true)) {
          return TRUE;
        } else if (!s.isConstant(false)) {
          terms.add(s);
        }
      }
      return terms.isEmpty() ? FALSE : terms.size() == 1 ? terms.get(0) : new Cond.Or(o.span(), terms);
    }

    @Override
    public Cond visitNot(Cond.Not n) {
      Cond s = n.operand().accept(this);
      if (s.isConstant(true)) {
        return FALSE;
      } else if (s.isConstant(false)) {
        return TRUE;
      }
      return new Cond.Not(n.span(), s);
    }

    @Override
    public Cond visitPredicateRef(Cond.PredicateRef p) {
      Cond s = bodies.get(p.body());
      if (s == null) {
        s = p.body().accept(this);
        bodies.put(p.body(), s);
      }
      return s.isConstant(true) || s.isConstant(false) ? s : p;
    }

    @Override
    public Cond visitEnumIn(Cond.EnumIn e) {
      if (e.field() == k.dispatchField() && !readsAbsent(e)) {
        return (e.mask() & (1 << k.dispatchOrdinal())) != 0 ? TRUE : FALSE;
      }
      return test(e);
    }

    @Override
    protected Cond test(Cond c) {
      return readsAbsent(c) ? FALSE : c;
    }

    /** A test is false when a scope it reads is absent. */
    private boolean readsAbsent(Cond c) {
      for (Scope s : c.accept(SCOPES_READ)) {
        if (k.absent().contains(s)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The scopes a test reads; it is false when one of them is absent. Connectives read none themselves. */
  private static final Cond.Visitor<List<Scope>> SCOPES_READ = new Cond.Visitor<>() {
    @Override
    public List<Scope> visitBool(Cond.Bool c) {
      return List.of();
    }

    @Override
    public List<Scope> visitAnd(Cond.And c) {
      return List.of();
    }

    @Override
    public List<Scope> visitOr(Cond.Or c) {
      return List.of();
    }

    @Override
    public List<Scope> visitNot(Cond.Not c) {
      return List.of();
    }

    @Override
    public List<Scope> visitPredicateRef(Cond.PredicateRef c) {
      return List.of();
    }

    @Override
    public List<Scope> visitIntCompare(Cond.IntCompare i) {
      return List.of(i.field().scope());
    }

    @Override
    public List<Scope> visitIntInRange(Cond.IntInRange r) {
      return List.of(r.field().scope());
    }

    @Override
    public List<Scope> visitIntInSet(Cond.IntInSet s) {
      return List.of(s.field().scope());
    }

    @Override
    public List<Scope> visitEnumIn(Cond.EnumIn e) {
      return List.of(e.field().scope());
    }

    @Override
    public List<Scope> visitStringIn(Cond.StringIn s) {
      return List.of(s.field().scope());
    }

    @Override
    public List<Scope> visitClassMatch(Cond.ClassMatch c) {
      return List.of(Scope.DEVICE);
    }

    @Override
    public List<Scope> visitBdfIn(Cond.BdfIn c) {
      return List.of(Scope.DEVICE);
    }

    @Override
    public List<Scope> visitDownstreamOf(Cond.DownstreamOf c) {
      return List.of(Scope.DEVICE);
    }

    @Override
    public List<Scope> visitIsTrue(Cond.IsTrue c) {
      return List.of(c.field().scope());
    }

    @Override
    public List<Scope> visitProtHas(Cond.ProtHas c) {
      return List.of(Scope.REGION);
    }

    @Override
    public List<Scope> visitRegionOverlaps(Cond.RegionOverlaps c) {
      return List.of(Scope.REGION);
    }

    @Override
    public List<Scope> visitRegionWithin(Cond.RegionWithin c) {
      return List.of(Scope.REGION);
    }

    @Override
    public List<Scope> visitGuestIs(Cond.GuestIs c) {
      return List.of(Scope.GUEST);
    }

    @Override
    public List<Scope> visitWithinGuest(Cond.WithinGuest c) {
      return List.of(Scope.GUEST, Scope.REGION);
    }
  };

  /**
   * A Java expression and how loosely it binds: {@link #PRIMARY} (a name, call or {@code !x}), {@link
   * #COMPARISON}, {@link #AND}, {@link #OR}.
   */
  record JavaExpr(CodeBlock code, int level) {
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
  static JavaExpr compile(Cond c, Set<Local> used, Set<Helper> helpers, PredicateMethods predicates) {
    return new Emitter(used, helpers, predicates).gen(c);
  }

  /** The static helper methods generated code may call. */
  enum Helper {
    COMPARE_SIZE, DOWNSTREAM_OF
  }

  private record Emitter(Set<Local> used, Set<Helper> helpers, PredicateMethods predicates) implements Cond.Visitor<JavaExpr> {
    JavaExpr gen(Cond c) {
      return c.accept(this);
    }

    @Override
    public JavaExpr visitBool(Cond.Bool b) {
      return atom(Boolean.toString(b.value()));
    }

    @Override
    public JavaExpr visitAnd(Cond.And a) {
      return join(a.terms(), " && ");
    }

    @Override
    public JavaExpr visitOr(Cond.Or o) {
      return join(o.terms(), " || ");
    }

    @Override
    public JavaExpr visitNot(Cond.Not n) {
      return new JavaExpr(CodeBlock.of("!$L", gen(n.operand()).operand(JavaExpr.PRIMARY)), JavaExpr.PRIMARY);
    }

    @Override
    public JavaExpr visitPredicateRef(Cond.PredicateRef p) {
      PredicateMethods.Method m = predicates.method(p);
      used.addAll(m.params());
      return new JavaExpr(PredicateMethods.call(m), JavaExpr.PRIMARY);
    }

    @Override
    public JavaExpr visitIntCompare(Cond.IntCompare i) {
      return guarded(i.field(), compare(i.field(), i.op(), i.value()), holdsAtZero(i.op(), i.value()));
    }

    @Override
    public JavaExpr visitIntInRange(Cond.IntInRange r) {
      return guarded(r.field(), all(List.of(compare(r.field(), CompareOp.GE, r.lo()),
          compare(r.field(), CompareOp.LE, r.hi()))), r.lo() == 0);
    }

    @Override
    public JavaExpr visitIntInSet(Cond.IntInSet s) {
      List<JavaExpr> eqs = new ArrayList<>();
      for (long v : s.values()) {
        eqs.add(compare(s.field(), CompareOp.EQ, v));
      }
      return guarded(s.field(), any(eqs), s.values().contains(0L));
    }

    @Override
    public JavaExpr visitEnumIn(Cond.EnumIn e) {
      return enumIn(e.field(), e.mask());
    }

    @Override
    public JavaExpr visitClassMatch(Cond.ClassMatch m) {
      use(Local.CLASS_CODE);
      int shift = 24 - m.bits();
      if (shift == 0) {
        return guarded(Field.DEVICE_CLASS, new JavaExpr(CodeBlock.of("cls == $L", classHex(m.value(), 6)), JavaExpr.COMPARISON),
            m.value() == 0);
      }
      return guarded(Field.DEVICE_CLASS, new JavaExpr(CodeBlock.of("(cls >>> $L) == $L", shift,
          classHex(m.value() >>> shift, m.bits() / 4)), JavaExpr.COMPARISON), m.value() >>> shift == 0);
    }

    @Override
    public JavaExpr visitBdfIn(Cond.BdfIn b) {
      use(Local.BDF);
      List<JavaExpr> eqs = new ArrayList<>();
      for (PciAddress a : b.addresses()) {
        eqs.add(new JavaExpr(CodeBlock.of("bdf == $L", hex(key(a))), JavaExpr.COMPARISON));
      }
      return guarded(Field.DEVICE_BDF, any(eqs), b.addresses().stream().anyMatch(a -> key(a) == 0));
    }

    @Override
    public JavaExpr visitDownstreamOf(Cond.DownstreamOf d) {
      use(Local.UPSTREAM);
      helpers.add(Helper.DOWNSTREAM_OF);
      // a device that is not PCI has no bridge above it: upstream is empty, so no guard is needed
      return atom("downstreamOf(upstream, " + hex(key(d.bridge())) + ")");
    }

    @Override
    public JavaExpr visitStringIn(Cond.StringIn s) {
      List<JavaExpr> eqs = new ArrayList<>();
      Local l = Local.of(s.field());
      for (String v : s.values()) {
        use(l);
        eqs.add(stringEquals(l, v, s.field().scope() == Scope.GUEST || s.field().isOptional()));
      }
      return any(eqs);
    }

    @Override
    public JavaExpr visitIsTrue(Cond.IsTrue c) {
      Local l = Local.of(c.field());
      use(l);
      // a PCI-only boolean reads false on other devices ({@code pci != null && …}): no guard is needed
      return atom(l.javaName());
    }

    @Override
    public JavaExpr visitProtHas(Cond.ProtHas h) {
      use(Local.PROT);
      return new JavaExpr(CodeBlock.of("(prot & $L) == $L", hex(h.bit()), hex(h.bit())), JavaExpr.COMPARISON);
    }

    @Override
    public JavaExpr visitRegionOverlaps(Cond.RegionOverlaps o) {
      use(Local.COVERS);
      return all(List.of(atom("covers"), unsigned("start", CompareOp.LE, o.range().end()),
          unsignedRev(o.range().start(), CompareOp.LE, "end")));
    }

    @Override
    public JavaExpr visitRegionWithin(Cond.RegionWithin w) {
      use(Local.COVERS);
      return all(List.of(atom("covers"), unsignedRev(w.range().start(), CompareOp.LE, "start"),
          unsigned("end", CompareOp.LE, w.range().end())));
    }

    @Override
    public JavaExpr visitGuestIs(Cond.GuestIs g) {
      return enumIn(Field.GUEST_KIND, g.kindMask());
    }

    @Override
    public JavaExpr visitWithinGuest(Cond.WithinGuest w) {
      use(Local.COVERS);
      use(Local.GUEST_START);
      use(Local.GUEST_END);
      return all(List.of(enumIn(Field.GUEST_KIND, w.kindMask()), atom("covers"),
          unsignedLe("gstart", "start"), unsignedLe("end", "gend")));
    }

    /**
     * Whether the string local {@code l} ({@code driver}, never null, or {@code gname}, null without a
     * guest: {@code nullable}) equals {@code value}. A value too long for one string constant is
     * compared part by part at its offsets, so that nothing is built per call.
     */
    private static JavaExpr stringEquals(Local l, String value, boolean nullable) {
      List<String> parts = JavaText.constantParts(value);
      if (parts.size() == 1) {
        return nullable ? atom(JavaText.stringLiteral(value) + ".equals(" + l.javaName() + ")")
            : atom(l.javaName() + ".equals(" + JavaText.stringLiteral(value) + ")");
      }
      List<JavaExpr> tests = new ArrayList<>();
      if (nullable) {
        tests.add(new JavaExpr(CodeBlock.of("$L != null", l.javaName()), JavaExpr.COMPARISON));
      }
      tests.add(new JavaExpr(CodeBlock.of("$L.length() == $L", l.javaName(), value.length()), JavaExpr.COMPARISON));
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

    private JavaExpr join(List<Cond> terms, String op) {
      List<JavaExpr> parts = new ArrayList<>();
      for (Cond t : terms) {
        parts.add(gen(t));
      }
      return op.equals(" && ") ? all(parts) : any(parts);
    }

    /** Tests on guest fields are false when there is no guest range. */
    private JavaExpr guarded(Field field, JavaExpr test) {
      return guarded(field, test, true);
    }

    /**
     * {@link #guarded(Field, JavaExpr)}, and tests on PCI-only fields false when the device is not PCI.
     * Their locals read 0 then, so only a test that holds at 0 ({@code atZero}) needs {@code pci != null}.
     */
    private JavaExpr guarded(Field field, JavaExpr test, boolean atZero) {
      if (field.isPciOnly()) {
        if (!atZero) {
          return test;
        }
        use(Local.PCI);
        return all(List.of(new JavaExpr(CodeBlock.of("pci != null"), JavaExpr.COMPARISON), test));
      }
      if (field.scope() != Scope.GUEST) {
        return test;
      }
      use(Local.HAS_GUEST);
      return all(List.of(atom("hasGuest"), test));
    }

    /** Whether {@code 0 op value} holds, unsigned. */
    private static boolean holdsAtZero(CompareOp op, long value) {
      return switch (op) {
        case EQ, GE -> value == 0;
        case NE, LT -> value != 0;
        case LE -> true;
        case GT -> false;
      };
    }

    /** {@code field op value}, unsigned, as the interpreter compares. */
    private JavaExpr compare(Field field, CompareOp op, long value) {
      if (field == Field.REGION_SIZE) {
        use(Local.START);
        use(Local.END);
        helpers.add(Helper.COMPARE_SIZE);
        return new JavaExpr(CodeBlock.of("compareSize(start, end, $L) $L 0", longLit(value), op.symbol()), JavaExpr.COMPARISON);
      }
      Local l = Local.of(field);
      use(l);
      // Fields narrower than an int are never negative, so a signed int comparison with a constant that
      // fits in 31 bits is the unsigned one. Wider ones (the group too: the interpreter widens it with
      // sign extension, as Java does here) are compared unsigned.
      if (field.bits() < 32 && value >= 0 && value <= Integer.MAX_VALUE) {
        return new JavaExpr(CodeBlock.of("$L $L $L", l.javaName(), op.symbol(), hex(value)), JavaExpr.COMPARISON);
      }
      return unsigned(l.javaName(), op, value);
    }

    private JavaExpr unsigned(String name, CompareOp op, long value) {
      if (op == CompareOp.EQ || op == CompareOp.NE) {
        return new JavaExpr(CodeBlock.of("$L $L $L", name, op.symbol(), longLit(value)), JavaExpr.COMPARISON);
      }
      return new JavaExpr(CodeBlock.of("$T.compareUnsigned($L, $L) $L 0", Long.class, name, longLit(value), op.symbol()),
          JavaExpr.COMPARISON);
    }

    /** {@code value op name}, unsigned. */
    private JavaExpr unsignedRev(long value, CompareOp op, String name) {
      return new JavaExpr(CodeBlock.of("$T.compareUnsigned($L, $L) $L 0", Long.class, longLit(value), name, op.symbol()),
          JavaExpr.COMPARISON);
    }

    /** {@code a <= b}, unsigned, over two locals. */
    private static JavaExpr unsignedLe(String a, String b) {
      return new JavaExpr(CodeBlock.of("$T.compareUnsigned($L, $L) <= 0", Long.class, a, b), JavaExpr.COMPARISON);
    }

    private JavaExpr enumIn(Field field, int mask) {
      Local l = Local.of(field);
      List<Enum<?>> constants = field.runtimeConstants();
      int all = field.allMask();
      mask &= all;
      if (mask == 0) {
        return atom("false");
      }
      use(l);
      if (mask == all) {
        // Region and kernel fields are always there; a guest range, or the driver, may not be.
        return field.scope() == Scope.GUEST || field.isOptional() ? new JavaExpr(CodeBlock.of("$L != null", l.javaName()), JavaExpr.COMPARISON) : atom("true");
      }
      List<JavaExpr> eqs = new ArrayList<>();
      for (int i = 0; i < constants.size(); i++) {
        if ((mask & (1 << i)) != 0) {
          eqs.add(new JavaExpr(CodeBlock.of("$L == $T.$L", l.javaName(), field.javaType(), constants.get(i).name()), JavaExpr.COMPARISON));
        }
      }
      return any(eqs);
    }

    private static JavaExpr all(List<JavaExpr> parts) {
      return joinParts(parts, " && ", "true", JavaExpr.AND);
    }

    private static JavaExpr any(List<JavaExpr> parts) {
      return joinParts(parts, " || ", "false", JavaExpr.OR);
    }

    /** Operands of {@code ||} that are {@code &&} chains get parentheses too, for the reader. */
    private static JavaExpr joinParts(List<JavaExpr> parts, String op, String empty, int level) {
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
        b.add(parts.get(i).operand(JavaExpr.COMPARISON));
      }
      return new JavaExpr(b.build(), level);
    }

    private static JavaExpr atom(String code) {
      return new JavaExpr(CodeBlock.of("$L", code), JavaExpr.PRIMARY);
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
