package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives a condition expression its meaning as a {@link Cond}: resolves predicate uses, fields and
 * functions, checks that each side of a comparison has the kind the field needs and that the section
 * sees what the condition looks at, and reports every mismatch it finds.
 */
final class ConditionTyper {
  /** The functions a condition may call, with their argument counts. */
  private static final Map<String, Integer> FUNCTIONS =
      Map.of("overlaps", 1, "within", 1, "downstream_of", 1);

  /**
   * The flags {@code region.prot has …} tests, by name, in the table's order (so suggestions come in a
   * fixed order): bit {@code i} is the table's flag {@code i}.
   */
  static final Map<String, Integer> PROT_FLAGS = protFlags();

  private static Map<String, Integer> protFlags() {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<String> names = Field.REGION_PROT.constants();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), 1 << i);
    }
    return Collections.unmodifiableMap(out);
  }

  private static final Set<Scope> ALL_SCOPES = Collections.unmodifiableSet(EnumSet.allOf(Scope.class));

  private final Declarations decls;
  private final ConstantFolder folder;
  private final PredicateResolver predicates;
  private final Reporter report;

  ConditionTyper(
      Declarations decls, ConstantFolder folder, PredicateResolver predicates, Reporter report) {
    this.decls = decls;
    this.folder = folder;
    this.predicates = predicates;
    this.report = report;
  }

  /**
   * The condition of a rule in {@code section}, which sees the section's scopes; null when it has errors
   * or nests too deep through its predicates (E124).
   */
  Cond condition(Expr e, Section section) {
    Cond c = e.accept(new Typing(Optional.of(section), EnumSet.noneOf(Scope.class)));
    return c == null || !predicates.shallowEnough(c) ? null : c;
  }

  /**
   * Types a predicate's body, which sees every scope (the rules using it are checked against their
   * section), adding what it looks at to {@code used}; null on errors.
   */
  Cond predicateBody(Expr e, Set<Scope> used) {
    return e.accept(new Typing(Optional.empty(), used));
  }

  /**
   * One typing per kind of expression, in a rule of {@code section} (empty in a predicate's body, which
   * sees every scope); what the condition looks at is added to {@code used}. The kinds that are values
   * are not conditions.
   */
  private final class Typing implements Expr.Visitor<Cond> {
    private final Optional<Section> section;
    private final Set<Scope> used;

    Typing(Optional<Section> section, Set<Scope> used) {
      this.section = section;
      this.used = used;
    }

    @Override
    public Cond visit(Expr.BoolLit b) {
      return new Cond.Bool(b.span(), b.value());
    }

    @Override
    public Cond visit(Expr.Paren p) {
      return p.inner().accept(this);
    }

    @Override
    public Cond visit(Expr.Not n) {
      Cond inner = n.operand().accept(this);
      return inner == null ? null : new Cond.Not(n.span(), inner);
    }

    @Override
    public Cond visit(Expr.And a) {
      Cond l = a.left().accept(this);
      Cond r = a.right().accept(this);
      return l == null || r == null ? null : new Cond.And(a.span(), flatten(l, r, true));
    }

    @Override
    public Cond visit(Expr.Or o) {
      Cond l = o.left().accept(this);
      Cond r = o.right().accept(this);
      return l == null || r == null ? null : new Cond.Or(o.span(), flatten(l, r, false));
    }

    @Override
    public Cond visit(Expr.Name n) {
      if (decls.isPredicate(n.name())) {
        PredicateResolver.CheckedPredicate p = predicates.resolved(n.name(), n.span());
        if (p == null) {
          return null;
        }
        for (Scope s : p.scopes()) {
          if (!sees(section).contains(s)) {
            report.error(
                Code.NOT_VISIBLE_IN_SECTION,
                n.span(),
                "predicate `"
                    + n.name()
                    + "` looks at `"
                    + s.word()
                    + "`, which is not"
                    + " available in "
                    + where(section));
            return null;
          }
        }
        used.addAll(p.scopes());
        return new Cond.PredicateRef(n.span(), n.name(), p.body());
      }
      if (decls.isConst(n.name())) {
        report.error(
            Code.KIND_MISMATCH,
            n.span(),
            "`" + n.name() + "` is a constant, not a condition; compare it with a field");
        return null;
      }
      List<String> names = new ArrayList<>(decls.predicateNames());
      names.addAll(decls.constNames());
      report.unknown(Code.UNKNOWN_NAME, n.span(), "unknown predicate `" + n.name() + "`", n.name(), names, null);
      return null;
    }

    @Override
    public Cond visit(Expr.Field f) {
      FieldNames.FieldRef ref = field(f, section, used);
      if (ref == null) {
        return null;
      }
      Optional<Field> bool = FieldNames.boolField(ref);
      if (bool.isPresent()) {
        return new Cond.IsTrue(f.span(), bool.get());
      }
      report.error(
          Code.KIND_MISMATCH,
          f.span(),
          "`" + f.object() + "." + f.field() + "` is not a condition; compare it with a value");
      return null;
    }

    @Override
    public Cond visit(Expr.Call c) {
      return call(c, section, used);
    }

    @Override
    public Cond visit(Expr.Compare c) {
      return compare(c, section, used);
    }

    @Override
    public Cond visit(Expr.In in) {
      Cond inner = in(in, section, used);
      return inner == null ? null : in.negated() ? new Cond.Not(in.span(), inner) : inner;
    }

    @Override
    public Cond visit(Expr.Matches m) {
      return matches(m, section, used);
    }

    @Override
    public Cond visit(Expr.Has h) {
      return has(h, section, used);
    }

    @Override
    public Cond visit(Expr.IntLit i) {
      return notACondition(i);
    }

    @Override
    public Cond visit(Expr.VersionLit v) {
      return notACondition(v);
    }

    @Override
    public Cond visit(Expr.StringLit s) {
      return notACondition(s);
    }

    @Override
    public Cond visit(Expr.BdfLit b) {
      return notACondition(b);
    }

    @Override
    public Cond visit(Expr.ClassPattern p) {
      return notACondition(p);
    }

    @Override
    public Cond visit(Expr.RangeLit r) {
      return notACondition(r);
    }

    @Override
    public Cond visit(Expr.SizedRange r) {
      return notACondition(r);
    }

    @Override
    public Cond visit(Expr.SetLit s) {
      return notACondition(s);
    }

    private Cond notACondition(Expr e) {
      report.error(Code.KIND_MISMATCH, e.span(), "expected a condition but found a value");
      return null;
    }
  }

  private static List<Cond> flatten(Cond l, Cond r, boolean and) {
    List<Cond> out = new ArrayList<>();
    for (Cond c : List.of(l, r)) {
      out.addAll(and ? c.conjuncts() : c.disjuncts());
    }
    return out;
  }

  /** What a condition in {@code section} may look at: a predicate's body (empty) sees every scope. */
  private static Set<Scope> sees(Optional<Section> section) {
    return section.map(Section::scopes).orElse(ALL_SCOPES);
  }

  /**
   * Where a condition is, for a message saying it cannot see something: only a rule's section can fail
   * to see a scope, since a predicate's body sees them all.
   */
  private static String where(Optional<Section> section) {
    Section s = section.orElseThrow(() -> new IllegalStateException("a predicate's body sees every scope"));
    return "`" + s.word() + "`" + switch (s) {
      case CLASSIFY -> " (classify sees `device` and `region`)";
      case CONFLICTS ->
          " (conflicts sees the merged `region` and the `guest` range; device decisions belong in"
              + " classify, and messages can still name devices with {device})";
    };
  }

  /** Resolves a field and checks that its object is visible here (E108); null with a diagnostic when not. */
  private FieldNames.FieldRef field(Expr.Field f, Optional<Section> section, Set<Scope> used) {
    FieldNames.FieldRef ref = FieldNames.resolve(f, report).orElse(null);
    if (ref == null) {
      return null;
    }
    if (!sees(section).contains(ref.scope())) {
      report.error(
          Code.NOT_VISIBLE_IN_SECTION,
          f.span(),
          "`" + f.object() + "` is not available in " + where(section));
      return null;
    }
    used.add(ref.scope());
    return ref;
  }

  private Cond call(Expr.Call c, Optional<Section> section, Set<Scope> used) {
    Integer arity = FUNCTIONS.get(c.function());
    if (arity == null) {
      report.unknown(
          Code.BAD_CALL,
          c.span(),
          "unknown function `" + c.function() + "`",
          c.function(),
          FUNCTIONS.keySet(),
          null);
      return null;
    }
    if (c.args().size() != arity) {
      report.error(
          Code.BAD_CALL,
          c.span(),
          "`" + c.function() + "` takes " + arity + " argument, found " + c.args().size());
      return null;
    }
    Expr arg = c.args().get(0);
    if (c.function().equals("downstream_of")) {
      if (!sees(section).contains(Scope.DEVICE)) {
        report.error(
            Code.NOT_VISIBLE_IN_SECTION,
            c.span(),
            "`device` is not available in " + where(section));
        return null;
      }
      used.add(Scope.DEVICE);
      Value v = folder.value(arg);
      if (v instanceof Value.BdfV b) {
        return new Cond.DownstreamOf(c.span(), b.address());
      }
      if (v != null && !folder.unknownConstant(v)) {
        report.error(
            Code.KIND_MISMATCH,
            arg.span(),
            "`downstream_of` takes the PCI address of a bridge, found " + v.kindName());
      }
      return null;
    }
    if (!sees(section).contains(Scope.REGION)) {
      report.error(
          Code.NOT_VISIBLE_IN_SECTION,
          c.span(),
          "`" + c.function() + "` tests the region, which is not available in `"
              + section.orElseThrow().word()
              + "`");
      return null;
    }
    used.add(Scope.REGION);
    boolean overlaps = c.function().equals("overlaps");
    boolean guestWord =
        arg instanceof Expr.Name n && n.name().equals("guest") && !decls.isConst("guest");
    if (guestWord || (arg instanceof Expr.Field f && f.object().equals("guest"))) {
      int mask;
      if (guestWord) {
        mask = Field.GUEST_KIND.allMask();
      } else {
        Expr.Field f = (Expr.Field) arg;
        Optional<GuestKind> kind = GuestKind.byResvName(f.field());
        if (kind.isEmpty()) {
          report.unknown(
              Code.UNKNOWN_FIELD,
              f.fieldSpan(),
              "`guest." + f.field() + "` is not a kind of guest range",
              f.field(),
              Field.GUEST_KIND.constants(),
              "use guest.ram, guest.mmio, guest.rom, guest.reserved or guest");
          return null;
        }
        mask = 1 << kind.get().ordinal();
      }
      if (!sees(section).contains(Scope.GUEST)) {
        report.error(
            Code.NOT_VISIBLE_IN_SECTION,
            arg.span(),
            "`guest` is not available in " + where(section));
        return null;
      }
      used.add(Scope.GUEST);
      return overlaps ? new Cond.GuestIs(c.span(), mask) : new Cond.WithinGuest(c.span(), mask);
    }
    Value v = folder.value(arg);
    if (v instanceof Value.RangeV r) {
      return overlaps
          ? new Cond.RegionOverlaps(c.span(), r.range())
          : new Cond.RegionWithin(c.span(), r.range());
    }
    if (v instanceof Value.IntV i) {
      AddressRange point = new AddressRange(i.value(), i.value());
      return overlaps
          ? new Cond.RegionOverlaps(c.span(), point)
          : new Cond.RegionWithin(c.span(), point);
    }
    if (v != null && !folder.unknownConstant(v)) {
      report.error(
          Code.KIND_MISMATCH,
          arg.span(),
          "`"
              + c.function()
              + "` takes an address range or a guest range kind"
              + " (guest, guest.ram, …), found "
              + v.kindName());
    }
    return null;
  }

  private FieldNames.FieldRef fieldOf(Expr e, Optional<Section> section, Set<Scope> used) {
    Expr x = e;
    while (x instanceof Expr.Paren p) {
      x = p.inner();
    }
    return x instanceof Expr.Field f ? field(f, section, used) : null;
  }

  private boolean isField(Expr e) {
    Expr x = e;
    while (x instanceof Expr.Paren p) {
      x = p.inner();
    }
    return x instanceof Expr.Field;
  }

  private Cond compare(Expr.Compare c, Optional<Section> section, Set<Scope> used) {
    Expr fieldSide;
    Expr valueSide;
    CompareOp op = c.op();
    if (isField(c.left()) && isField(c.right())) {
      report.error(Code.BAD_COMPARISON, c.span(), "compares two fields; resvc compares a field with a constant");
      return null;
    } else if (isField(c.left())) {
      fieldSide = c.left();
      valueSide = c.right();
    } else if (isField(c.right())) {
      fieldSide = c.right();
      valueSide = c.left();
      op = flip(op);
    } else {
      report.error(
          Code.BAD_COMPARISON, c.span(), "compares two constants; one side must be a field such as region.type");
      return null;
    }
    FieldNames.FieldRef f = fieldOf(fieldSide, section, used);
    if (f == null) {
      return null;
    }
    Value v = folder.value(valueSide);
    if (v == null) {
      return null;
    }
    String name = f.name();
    String spelled = f.field().object() + "." + name;
    boolean equality = op == CompareOp.EQ || op == CompareOp.NE;
    Optional<Field> enumField = FieldNames.enumField(f);
    if (enumField.isPresent()) {
      if (!equality) {
        report.error(
            Code.BAD_COMPARISON,
            c.span(),
            "`" + op.symbol() + "` does not apply to " + spelled + "; use == , != or in {…}");
        return null;
      }
      Integer mask = enumMask(enumField.get(), v);
      if (mask == null) {
        return null;
      }
      return op == CompareOp.EQ
          ? new Cond.EnumIn(c.span(), enumField.get(), mask)
          : new Cond.EnumIn(c.span(), enumField.get(), enumField.get().allMask() & ~mask);
    }
    Optional<Field> versionField = FieldNames.versionField(f);
    if (versionField.isPresent()) {
      if (!(v instanceof Value.VersionV version)) {
        if (!folder.unknownConstant(v)) {
          report.error(Code.KIND_MISMATCH, c.span(),
              "compares " + spelled + " (a kernel version) with " + v.kindName() + "; write a version such as 6.6");
        }
        return null;
      }
      if (equality) {
        warnExact(version, op.symbol());
      }
      return new Cond.IntCompare(c.span(), versionField.get(), op, version.release().key());
    }
    Optional<Field> intField = FieldNames.intField(f);
    if (intField.isPresent()) {
      if (!(v instanceof Value.IntV i)) {
        if (!folder.unknownConstant(v)) {
          report.error(
              Code.KIND_MISMATCH,
              c.span(),
              "compares "
                  + spelled
                  + " (an integer) with "
                  + v.kindName()
                  + (v instanceof Value.PatternV && f.is(Field.DEVICE_CLASS)
                      ? "; use `device.class matches …` for a pattern"
                      : ""));
        }
        return null;
      }
      checkWidth(intField.get(), i);
      return new Cond.IntCompare(c.span(), intField.get(), op, i.value());
    }
    if (f.is(Field.DEVICE_BDF)) {
      if (!equality) {
        report.error(
            Code.BAD_COMPARISON,
            c.span(),
            "`" + op.symbol() + "` does not apply to device.bdf; use ==, != or in {…}");
        return null;
      }
      if (!(v instanceof Value.BdfV b)) {
        if (!folder.unknownConstant(v)) {
          report.error(Code.KIND_MISMATCH, c.span(), "compares device.bdf (a PCI address) with " + v.kindName());
        }
        return null;
      }
      Cond eq = new Cond.BdfIn(c.span(), List.of(b.address()));
      return op == CompareOp.EQ ? eq : new Cond.Not(c.span(), eq);
    }
    Optional<Field> boolField = FieldNames.boolField(f);
    if (boolField.isPresent()) {
      if (!equality || !(v instanceof Value.BoolV b)) {
        report.error(
            Code.KIND_MISMATCH,
            c.span(),
            spelled + " is a boolean; write `" + spelled + "` or `not " + spelled + "`");
        return null;
      }
      Cond is = new Cond.IsTrue(c.span(), boolField.get());
      return (op == CompareOp.EQ) == b.value() ? is : new Cond.Not(c.span(), is);
    }
    Optional<Field> stringField = FieldNames.stringField(f);
    if (stringField.isPresent()) {
      if (!equality) {
        report.error(
            Code.BAD_COMPARISON,
            c.span(),
            "`" + op.symbol() + "` does not apply to " + spelled + "; use == or !=");
        return null;
      }
      if (!(v instanceof Value.StrV s)) {
        if (!folder.unknownConstant(v)) {
          report.error(Code.KIND_MISMATCH, c.span(), "compares " + spelled + " (a string) with " + v.kindName());
        }
        return null;
      }
      Cond eq = new Cond.StringIn(c.span(), stringField.get(), List.of(s.value()));
      return op == CompareOp.EQ ? eq : new Cond.Not(c.span(), eq);
    }
    report.error(
        Code.BAD_COMPARISON,
        c.span(),
        spelled
            + " cannot be compared with `"
            + op.symbol()
            + "`"
            + (f.is(Field.REGION_PROT) ? "; use `region.prot has write`" : "")
            + (f.scope() == Scope.GUEST
                ? "; to test the kind of guest range use overlaps(guest." + name + ")"
                : ""));
    return null;
  }

  /**
   * W132 for {@code X.Y} tested for equality: it means X.Y.0 exactly (as {@code >= X.Y} means from
   * X.Y.0), which a reader easily takes for the whole series.
   */
  private void warnExact(Value.VersionV v, String how) {
    if (!v.hasPatch()) {
      String version = v.release().version();
      report.warning(Code.EXACT_KERNEL_VERSION, v.span(), "`" + how + " " + version + "` means " + version
          + ".0 only, not " + version + ".1 and later", Diagnostic.note("for the whole series write `kernel.version in "
          + version + " .. " + version + "`; for the release alone, " + version + ".0"));
    }
  }

  private static CompareOp flip(CompareOp op) {
    return switch (op) {
      case EQ -> CompareOp.EQ;
      case NE -> CompareOp.NE;
      case LT -> CompareOp.GT;
      case LE -> CompareOp.GE;
      case GT -> CompareOp.LT;
      case GE -> CompareOp.LE;
    };
  }

  private void checkWidth(Field field, Value.IntV v) {
    if (field.bits() < 64 && Long.compareUnsigned(v.value(), (1L << field.bits()) - 1) > 0) {
      report.error(
          Code.VALUE_TOO_WIDE,
          v.span(),
          U64.hex(v.value())
              + " does not fit "
              + field.spelling()
              + ", which is "
              + field.bits()
              + " bits wide (at most "
              + U64.hex((1L << field.bits()) - 1)
              + ")");
    }
  }

  private Integer enumMask(Field field, Value v) {
    if (v instanceof Value.SetV s) {
      int mask = 0;
      for (Value element : s.elements()) {
        Integer m = enumMask(field, element);
        if (m == null) {
          return null;
        }
        mask |= m;
      }
      return mask;
    }
    if (!(v instanceof Value.Word w)) {
      report.error(
          Code.KIND_MISMATCH,
          v.span(),
          "compares "
              + field.spelling()
              + " with "
              + v.kindName()
              + "; expected one of "
              + String.join(", ", field.constants()));
      return null;
    }
    int index = field.constants().indexOf(w.word());
    if (index < 0) {
      report.unknown(
          Code.UNKNOWN_NAME,
          w.span(),
          "`" + w.word() + "` is not a value of " + field.spelling(),
          w.word(),
          field.constants(),
          field.spelling() + " is one of " + String.join(", ", field.constants()));
      return null;
    }
    return 1 << index;
  }

  private Cond in(Expr.In in, Optional<Section> section, Set<Scope> used) {
    if (!isField(in.left())) {
      report.error(Code.BAD_COMPARISON, in.span(), "the left side of `in` must be a field such as region.type");
      return null;
    }
    FieldNames.FieldRef f = fieldOf(in.left(), section, used);
    if (f == null) {
      return null;
    }
    Value v = folder.value(in.container());
    if (v == null) {
      return null;
    }
    String spelled = f.spelled();
    Optional<Field> enumField = FieldNames.enumField(f);
    if (enumField.isPresent()) {
      Integer mask = enumMask(enumField.get(), v);
      return mask == null ? null : new Cond.EnumIn(in.span(), enumField.get(), mask);
    }
    Optional<Field> versionField = FieldNames.versionField(f);
    if (versionField.isPresent()) {
      if (v instanceof Value.VersionRangeV r) {
        return new Cond.IntInRange(in.span(), versionField.get(), r.first().key(), r.last().key());
      }
      if (v instanceof Value.SetV s) {
        List<Long> values = new ArrayList<>();
        for (Value e : s.elements()) {
          if (!(e instanceof Value.VersionV version)) {
            if (!folder.unknownConstant(e)) {
              report.error(Code.KIND_MISMATCH, e.span(), spelled + " is a kernel version; this element is " + e.kindName());
            }
            return null;
          }
          warnExact(version, "in {…}");
          values.add(version.release().key());
        }
        return new Cond.IntInSet(in.span(), versionField.get(), values);
      }
      if (!folder.unknownConstant(v)) {
        report.error(Code.KIND_MISMATCH, in.container().span(),
            spelled + " is a kernel version; `in` needs `A .. B` (such as 5.3 .. 6.5) or {a, b}, found " + v.kindName());
      }
      return null;
    }
    Optional<Field> intField = FieldNames.intField(f);
    if (intField.isPresent()) {
      if (v instanceof Value.RangeV r) {
        return new Cond.IntInRange(in.span(), intField.get(), r.range().start(), r.range().end());
      }
      if (v instanceof Value.SetV s) {
        List<Long> values = new ArrayList<>();
        for (Value e : s.elements()) {
          if (!(e instanceof Value.IntV i)) {
            if (!folder.unknownConstant(e)) {
              report.error(Code.KIND_MISMATCH, e.span(), spelled + " is an integer; this element is " + e.kindName());
            }
            return null;
          }
          checkWidth(intField.get(), i);
          values.add(i.value());
        }
        return new Cond.IntInSet(in.span(), intField.get(), values);
      }
      if (!folder.unknownConstant(v)) {
        report.error(
            Code.KIND_MISMATCH,
            in.container().span(),
            spelled + " is an integer; `in` needs `lo .. hi` or {a, b}, found " + v.kindName());
      }
      return null;
    }
    if (f.is(Field.DEVICE_BDF)) {
      List<PciAddress> addresses = new ArrayList<>();
      for (Value e : v instanceof Value.SetV s ? s.elements() : List.of(v)) {
        if (!(e instanceof Value.BdfV b)) {
          if (!folder.unknownConstant(e)) {
            report.error(Code.KIND_MISMATCH, e.span(), "device.bdf is a PCI address; this is " + e.kindName());
          }
          return null;
        }
        addresses.add(b.address());
      }
      return new Cond.BdfIn(in.span(), addresses);
    }
    Optional<Field> stringField = FieldNames.stringField(f);
    if (stringField.isPresent()) {
      List<String> values = new ArrayList<>();
      for (Value e : v instanceof Value.SetV s ? s.elements() : List.of(v)) {
        if (!(e instanceof Value.StrV str)) {
          if (!folder.unknownConstant(e)) {
            report.error(Code.KIND_MISMATCH, e.span(), spelled + " is a string; this is " + e.kindName());
          }
          return null;
        }
        values.add(str.value());
      }
      return new Cond.StringIn(in.span(), stringField.get(), values);
    }
    report.error(Code.BAD_COMPARISON, in.span(), "`in` does not apply to " + spelled);
    return null;
  }

  private Cond matches(Expr.Matches m, Optional<Section> section, Set<Scope> used) {
    FieldNames.FieldRef f = isField(m.left()) ? fieldOf(m.left(), section, used) : null;
    if (f == null) {
      if (!isField(m.left())) {
        report.error(Code.BAD_COMPARISON, m.span(), "`matches` applies to device.class");
      }
      return null;
    }
    if (!f.is(Field.DEVICE_CLASS)) {
      report.error(
          Code.BAD_COMPARISON,
          m.span(),
          "`matches` applies to device.class, not " + f.spelled());
      return null;
    }
    if (m.pattern() instanceof Expr.IntLit lit) {
      String digits =
          lit.text().startsWith("0x") || lit.text().startsWith("0X") ? lit.text().substring(2) : "";
      if (digits.replace("_", "").length() != 6) {
        report.error(
            Code.BAD_CLASS_PATTERN,
            lit.span(),
            "a class pattern has 6 hex digits with `xx` for the parts that may vary:"
                + " 0x0c03xx (USB controllers), 0x03xxxx (display controllers), 0x0c0330 (xHCI)");
        return null;
      }
      if (Long.compareUnsigned(lit.value(), 0xffffff) > 0) {
        report.error(Code.VALUE_TOO_WIDE, lit.span(), "class code " + lit.text() + " is wider than 24 bits");
        return null;
      }
      return new Cond.ClassMatch(m.span(), (int) lit.value(), 24);
    }
    Value v = folder.value(m.pattern());
    if (v instanceof Value.PatternV p) {
      return new Cond.ClassMatch(m.span(), p.value(), p.bits());
    }
    if (v != null && !folder.unknownConstant(v)) {
      report.error(
          Code.BAD_CLASS_PATTERN,
          m.pattern().span(),
          "`matches` needs a class pattern such as 0x0c03xx, found " + v.kindName());
    }
    return null;
  }

  private Cond has(Expr.Has h, Optional<Section> section, Set<Scope> used) {
    FieldNames.FieldRef f = isField(h.left()) ? fieldOf(h.left(), section, used) : null;
    if (f == null) {
      if (!isField(h.left())) {
        report.error(Code.BAD_COMPARISON, h.span(), "`has` applies to region.prot");
      }
      return null;
    }
    if (!f.is(Field.REGION_PROT)) {
      report.error(
          Code.BAD_COMPARISON,
          h.span(),
          "`has` applies to region.prot, not " + f.spelled());
      return null;
    }
    if (!(h.flag() instanceof Expr.Name n) || !PROT_FLAGS.containsKey(n.name())) {
      String word = h.flag() instanceof Expr.Name n ? n.name() : "";
      report.unknown(
          Code.UNKNOWN_NAME,
          h.flag().span(),
          "unknown protection flag" + (word.isEmpty() ? "" : " `" + word + "`"),
          word,
          PROT_FLAGS.keySet(),
          "flags: read, write, cache, noexec, mmio, priv");
      return null;
    }
    return new Cond.ProtHas(h.span(), PROT_FLAGS.get(((Expr.Name) h.flag()).name()));
  }
}
