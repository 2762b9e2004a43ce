package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.MessageTemplate;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import dev.resvc.compiler.syntax.PolicyParser;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a parsed policy and its imports and turns them into a {@link CheckedPolicy}: resolves names,
 * gives every expression a kind, folds constants, and reports every problem it finds (not just the
 * first) as a {@link Diagnostic} with a stable code (docs/diagnostics.md).
 */
public final class Checker {
  /** The functions a condition may call, with their argument counts. */
  private static final Map<String, Integer> FUNCTIONS =
      Map.of("overlaps", 1, "within", 1, "downstream_of", 1);

  /** The flags of {@code region.prot has}, by name: bit {@code i} is the table's flag {@code i}. */
  private static final Map<String, Integer> PROT_FLAGS = java.util.Collections.unmodifiableMap(protFlags());

  private static Map<String, Integer> protFlags() {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<String> names = Field.REGION_PROT.constants();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), 1 << i);
    }
    return out;
  }
  private static final List<String> PLACEHOLDERS = List.of("region", "device", "guest", "overlap");
  /** The names after {@code device.}, {@code region.} and {@code guest.}: the table's fields, and the guest kinds. */
  private static List<String> fieldNames(Scope scope) {
    List<String> out = new ArrayList<>(Field.of(scope).stream().map(Field::fieldName).toList());
    if (scope == Scope.GUEST) {
      out.addAll(Field.GUEST_KIND.constants());
    }
    return out;
  }

  private final Diagnostics diags;
  private final Map<String, Item.Const> consts = new LinkedHashMap<>();
  private final Map<String, Item.Predicate> predicates = new LinkedHashMap<>();
  private final Map<String, Value> constValues = new HashMap<>();
  private final Map<String, CheckedPredicate> predicateBodies = new HashMap<>();

  /** The constants and predicates being resolved, outermost first, as "const X" / "predicate p". */
  private final Set<String> resolving = new LinkedHashSet<>();

  /**
   * How deep a checked condition may nest, counting each predicate it uses as a level plus the levels
   * of that predicate's condition (E124). The parser's limit for one expression; later phases rely on
   * it, so that walking a checked condition recursively stays within this many levels.
   */
  public static final int MAX_DEPTH = PolicyParser.MAX_NESTING;

  /** A resolved predicate: its condition, what it looks at, and how deep it nests (see {@link #MAX_DEPTH}). */
  private record CheckedPredicate(Cond body, Set<Scope> scopes, int depth) {}

  private Checker(Diagnostics diags) {
    this.diags = diags;
  }

  /**
   * Checks {@code root} with its {@code imports} (each file once, any order).
   *
   * @param rootDir the directory test blocks resolve guest layout files against
   * @return the checked policy, or empty when any error was reported
   */
  public static Optional<CheckedPolicy> check(
      PolicyFile root, List<PolicyFile> imports, Path rootDir, Diagnostics diags) {
    Checker c = new Checker(diags);
    int errorsBefore = diags.errorCount();
    CheckedPolicy policy = c.run(root, imports, rootDir);
    return diags.errorCount() > errorsBefore ? Optional.empty() : Optional.ofNullable(policy);
  }

  // ------------------------------------------------------------------ declarations

  private CheckedPolicy run(PolicyFile root, List<PolicyFile> imports, Path rootDir) {
    Map<String, Span> ruleNames = new HashMap<>();
    for (PolicyFile f : imports) {
      for (Item item : f.items()) {
        if (item instanceof Item.Const c) {
          declare(c.name(), c.nameSpan(), c, null);
        } else if (item instanceof Item.Predicate p) {
          declare(p.name(), p.nameSpan(), null, p);
        } else if (!(item instanceof Item.Import)) {
          error(
              "E116",
              item.span(),
              "an imported file may only hold constants, predicates and imports;"
                  + " this "
                  + describe(item)
                  + " belongs in the importing policy");
        }
      }
    }
    Item.PolicyDecl decl = null;
    Item.Classify classify = null;
    Item.Conflicts conflicts = null;
    List<Item.Test> tests = new ArrayList<>();
    for (Item item : root.items()) {
      if (item instanceof Item.PolicyDecl p) {
        if (decl != null) {
          error(
              "E114",
              p.span(),
              "a second `policy` declaration",
              Diagnostic.note("the first is here", decl.span()));
        } else {
          decl = p;
        }
      } else if (item instanceof Item.Const c) {
        declare(c.name(), c.nameSpan(), c, null);
      } else if (item instanceof Item.Predicate p) {
        declare(p.name(), p.nameSpan(), null, p);
      } else if (item instanceof Item.Classify c) {
        if (classify != null) {
          error(
              "E114",
              c.span(),
              "a second `classify` section; put all classify rules in one",
              Diagnostic.note("the first is here", classify.span()));
        } else {
          classify = c;
        }
      } else if (item instanceof Item.Conflicts c) {
        if (conflicts != null) {
          error(
              "E114",
              c.span(),
              "a second `conflicts` section; put all conflicts rules in one",
              Diagnostic.note("the first is here", conflicts.span()));
        } else {
          conflicts = c;
        }
      } else if (item instanceof Item.Test t) {
        tests.add(t);
      }
      // Imports were resolved by the loader; nothing to check here.
    }
    String name = "";
    if (decl == null) {
      error(
          "E115",
          Span.none(root.file()),
          "the policy has no name: start the file with `policy NAME;`"
              + " (e.g. `policy examples.MyPolicy;`, also the generated Java class)");
    } else {
      name = decl.qualifiedName();
      checkQualifiedName(decl);
    }
    // Check every declaration even if unused, so mistakes in them are reported.
    consts.keySet().forEach(n -> constValue(n, consts.get(n).nameSpan()));
    resolvePredicates();

    List<CheckedPolicy.Rule<ClassifyDecision>> classifyRules = new ArrayList<>();
    ClassifyDecision classifyDefault =
        ClassifyDecision.keep(Provenance.implicitDefault(root.file()));
    Span classifyDefaultAt = Span.none(root.file());
    if (classify != null) {
      checkSectionShape(Section.CLASSIFY.word(), classify.span(), classify.items());
      for (RuleItem ri : classify.items()) {
        if (ri instanceof RuleItem.Rule r) {
          uniqueRule(r, ruleNames);
          Cond cond = condition(r.condition(), Section.CLASSIFY.scopes(), Section.CLASSIFY.word());
          ClassifyDecision d = classifyAction(r.action(), provenance(r.name(), r.span()));
          if (cond != null && d != null) {
            classifyRules.add(CheckedPolicy.Rule.classify(r.name(), r.span(), cond, d));
          }
        } else if (ri instanceof RuleItem.Default d) {
          ClassifyDecision decision =
              classifyAction(d.action(), provenance(Provenance.DEFAULT_RULE, d.span()));
          if (decision != null) {
            classifyDefault = decision;
            classifyDefaultAt = keyword(d.span(), "default");
          }
        }
      }
    }
    List<CheckedPolicy.Rule<ConflictDecision>> conflictRules = new ArrayList<>();
    ConflictDecision conflictDefault =
        ConflictDecision.allow(Provenance.implicitDefault(root.file()));
    Span conflictDefaultAt = Span.none(root.file());
    if (conflicts != null) {
      checkSectionShape(Section.CONFLICTS.word(), conflicts.span(), conflicts.items());
      for (RuleItem ri : conflicts.items()) {
        if (ri instanceof RuleItem.Rule r) {
          uniqueRule(r, ruleNames);
          Cond cond = condition(r.condition(), Section.CONFLICTS.scopes(), Section.CONFLICTS.word());
          ConflictDecision d = conflictAction(r.action(), provenance(r.name(), r.span()));
          if (cond != null && d != null) {
            conflictRules.add(CheckedPolicy.Rule.conflict(r.name(), r.span(), cond, d));
          }
        } else if (ri instanceof RuleItem.Default d) {
          ConflictDecision decision =
              conflictAction(d.action(), provenance(Provenance.DEFAULT_RULE, d.span()));
          if (decision != null) {
            conflictDefault = decision;
            conflictDefaultAt = keyword(d.span(), "default");
          }
        }
      }
    }
    List<TestCase> testCases =
        new TestChecker(diags, rootDir, this::constantForTest)
            .withRuleNames(ruleNames.keySet())
            .check(tests);
    return new CheckedPolicy(
        name,
        root.file(),
        classifyRules,
        classifyDefault,
        conflictRules,
        conflictDefault,
        testCases,
        classifyDefaultAt,
        conflictDefaultAt);
  }

  /** The first {@code word.length()} characters of a span that starts with that keyword. */
  private static Span keyword(Span item, String word) {
    return new Span(item.file(), item.line(), item.column(), Math.min(item.length(), word.length()));
  }

  private static String describe(Item item) {
    if (item instanceof Item.PolicyDecl p) {
      return "`policy` declaration";
    }
    if (item instanceof Item.Classify c) {
      return "`classify` section";
    }
    if (item instanceof Item.Conflicts c) {
      return "`conflicts` section";
    }
    if (item instanceof Item.Test t) {
      return "`test` block";
    }
    {
      return "item";
    }
  }

  private void checkQualifiedName(Item.PolicyDecl decl) {
    JavaNames.problem(decl.qualifiedName()).ifPresent(p -> error(p.code(), decl.span(), p.message()));
  }

  /** What a bare name already means wherever a field meets it, or empty: constants and predicates must not hide these. */
  private static Optional<String> builtIn(String name) {
    for (Field f : Field.of(Field.Kind.ENUM)) {
      if (f.constants().contains(name)) {
        return Optional.of("a value of " + f.spelling());
      }
    }
    if (PROT_FLAGS.containsKey(name)) {
      return Optional.of("a protection flag (region.prot has " + name + ")");
    }
    if (List.of("device", "region", "guest").contains(name)) {
      return Optional.of("the `" + name + "` a condition looks at");
    }
    return Optional.empty();
  }

  private void declare(String name, Span at, Item.Const c, Item.Predicate p) {
    Optional<String> builtIn = builtIn(name);
    if (builtIn.isPresent()) {
      error(
          "E102",
          at,
          "`"
              + name
              + "` is already "
              + builtIn.get()
              + "; a "
              + (c != null ? "constant" : "predicate")
              + " of that name would hide it, so choose another name");
      return;
    }
    Span previous =
        consts.containsKey(name)
            ? consts.get(name).nameSpan()
            : predicates.containsKey(name) ? predicates.get(name).nameSpan() : null;
    if (previous != null) {
      error(
          "E102",
          at,
          "`" + name + "` is already defined",
          Diagnostic.note("first defined here", previous));
      return;
    }
    if (c != null) {
      consts.put(name, c);
    } else {
      predicates.put(name, p);
    }
  }

  private void uniqueRule(RuleItem.Rule r, Map<String, Span> ruleNames) {
    Span previous = ruleNames.putIfAbsent(r.name(), r.nameSpan());
    if (previous != null) {
      error(
          "E102",
          r.nameSpan(),
          "a rule named `"
              + r.name()
              + "` already exists; rule names identify decisions,"
              + " so they must be unique",
          Diagnostic.note("first defined here", previous));
    }
  }

  private void checkSectionShape(String section, Span span, List<RuleItem> items) {
    if (items.isEmpty()) {
      error("E106", span, "the `" + section + "` section is empty; remove it or add rules");
      return;
    }
    RuleItem.Default seen = null;
    for (RuleItem ri : items) {
      if (ri instanceof RuleItem.Default d) {
        if (seen != null) {
          error(
              "E110",
              d.span(),
              "a second `default` in `" + section + "`",
              Diagnostic.note("the first is here", seen.span()));
        }
        seen = d;
      } else if (seen != null && ri instanceof RuleItem.Rule r) {
        error(
            "E105",
            r.nameSpan(),
            "rule `"
                + r.name()
                + "` comes after `default` and can never run;"
                + " `default` must be the last entry of `"
                + section
                + "`",
            Diagnostic.note("default is here", seen.span()));
      }
    }
  }

  private static Provenance provenance(String rule, Span span) {
    return new Provenance(rule, span.file(), span.line());
  }

  private ClassifyDecision classifyAction(Action action, Provenance p) {
    if (action instanceof Action.Keep k) {
      return ClassifyDecision.keep(p);
    }
    if (action instanceof Action.Drop d) {
      return ClassifyDecision.drop(p);
    }
    if (action instanceof Action.SetType t) {
      Optional<RegionType> type = RegionType.byResvName(t.typeName());
      if (type.isEmpty()) {
        List<String> names = new ArrayList<>(Field.REGION_TYPE.constants());
        names.addAll(List.of("keep", "drop"));
        unknown(
            "E121",
            t.span(),
            "`" + t.typeName() + "` is not a classify action",
            t.typeName(),
            names,
            "expected keep, drop or a region type: "
                + String.join(", ", Field.REGION_TYPE.constants()));
        return null;
      }
      return ClassifyDecision.setType(type.get(), p);
    }
    if (action instanceof Action.Allow a) {
      error(
          "E109",
          a.span(),
          "`allow` belongs in `conflicts`; a classify rule decides keep, drop or a region type");
      return null;
    }
    if (action instanceof Action.Report r) {
      error(
          "E109",
          r.span(),
          "`"
              + r.severity().keyword()
              + "` belongs in `conflicts`; a classify rule decides"
              + " keep, drop or a region type");
      return null;
    }
    throw new AssertionError(action);
  }

  private ConflictDecision conflictAction(Action action, Provenance p) {
    if (action instanceof Action.Allow a) {
      return ConflictDecision.allow(p);
    }
    if (action instanceof Action.Report r) {
      try {
        MessageTemplate.parse(r.message().value());
      } catch (MessageTemplate.Malformed e) {
        List<Diagnostic.Note> notes = new ArrayList<>();
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("unknown placeholder \\{(.*)}").matcher(e.getMessage());
        if (m.matches()) {
          Names.closest(m.group(1), PLACEHOLDERS)
              .ifPresent(n -> notes.add(Diagnostic.note("did you mean `{" + n + "}`?")));
        }
        notes.add(
            Diagnostic.note(
                "placeholders are {region}, {device}, {guest} and {overlap};"
                    + " write {{ and }} for literal braces"));
        diags.add(
            new Diagnostic(
                "E107",
                Diagnostic.Severity.ERROR,
                r.message().spanOf(e.start(), e.end()),
                "in the message: " + e.getMessage(),
                notes));
        return null;
      }
      return ConflictDecision.report(severity(r.severity()), r.message().value(), p);
    }
    if (action instanceof Action.Keep k) {
      return sectionAction(k.span(), "keep");
    }
    if (action instanceof Action.Drop d) {
      return sectionAction(d.span(), "drop");
    }
    if (action instanceof Action.SetType t) {
      if (RegionType.byResvName(t.typeName()).isPresent()) {
        return sectionAction(t.span(), t.typeName());
      }
      unknown(
          "E121",
          t.span(),
          "`" + t.typeName() + "` is not a conflicts action",
          t.typeName(),
          List.of("allow", "fatal", "warn", "info"),
          "expected allow, or fatal/warn/info with a message");
      return null;
    }
    throw new AssertionError(action);
  }

  /** The runtime severity a {@code fatal}/{@code warn}/{@code info} keyword stands for. */
  static Severity severity(Action.Severity s) {
    return switch (s) {
      case FATAL -> Severity.FATAL;
      case WARN -> Severity.WARN;
      case INFO -> Severity.INFO;
    };
  }

  private ConflictDecision sectionAction(Span span, String word) {
    error(
        "E109",
        span,
        "`"
            + word
            + "` belongs in `classify`; a conflicts rule decides allow, or fatal/warn/info"
            + " with a message");
    return null;
  }

  // ------------------------------------------------------------------ values

  /** A folded constant value. */
  sealed interface Value {
    Span span();

    record IntV(Span span, long value) implements Value {}

    record RangeV(Span span, AddressRange range) implements Value {}

    record BdfV(Span span, PciAddress address) implements Value {}

    record PatternV(Span span, int value, int bits) implements Value {}

    record StrV(Span span, String value) implements Value {}

    record BoolV(Span span, boolean value) implements Value {}

    /** A bare name that is not a constant: an enum constant, resolved against the field it meets. */
    record Word(Span span, String word) implements Value {}

    record SetV(Span span, List<Value> elements) implements Value {}
  }

  static String kindName(Value v) {
    if (v instanceof Value.IntV i) {
      return "an integer";
    }
    if (v instanceof Value.RangeV r) {
      return "an address range";
    }
    if (v instanceof Value.BdfV b) {
      return "a PCI address";
    }
    if (v instanceof Value.PatternV p) {
      return "a class pattern";
    }
    if (v instanceof Value.StrV s) {
      return "a string";
    }
    if (v instanceof Value.BoolV b) {
      return "a boolean";
    }
    if (v instanceof Value.Word w) {
      return "the name `" + w.word() + "`";
    }
    if (v instanceof Value.SetV s) {
      return "a set";
    }
    throw new AssertionError(v);
  }

  Optional<Value> constantForTest(Expr e) {
    Value v = value(e);
    return v == null || unknownConstant(v) ? Optional.empty() : Optional.of(v);
  }

  /**
   * Reports a bare name met where no enum constant can stand (E101, with the closest constant), and
   * says whether it did; the caller reports a kind error otherwise.
   */
  private boolean unknownConstant(Value v) {
    if (v instanceof Value.Word w) {
      unknown(
          "E101", w.span(), "unknown constant `" + w.word() + "`", w.word(), consts.keySet(), null);
      return true;
    }
    return false;
  }

  private Value constValue(String name, Span use) {
    if (constValues.containsKey(name)) {
      return constValues.get(name);
    }
    Item.Const c = consts.get(name);
    if (!resolving.add("const " + name)) {
      error("E117", use, "constant `" + name + "` refers to itself" + cycle("const " + name));
      return null;
    }
    Value v = value(c.value());
    resolving.remove("const " + name);
    constValues.put(name, v);
    return v;
  }

  /** {@code : a -> b -> a} for a definition that reaches itself through others; empty when it names itself directly. */
  private String cycle(String key) {
    List<String> chain = new ArrayList<>();
    boolean in = false;
    for (String r : resolving) {
      in |= r.equals(key);
      if (in) {
        chain.add(r.substring(r.indexOf(' ') + 1));
      }
    }
    if (chain.size() < 2) {
      return "";
    }
    chain.add(chain.get(0));
    return " through " + String.join(" -> ", chain) + "; a definition cannot depend on itself";
  }

  /** Folds a value expression; null (with a diagnostic) when it is not one. */
  Value value(Expr e) {
    if (e instanceof Expr.IntLit i) {
      return new Value.IntV(i.span(), i.value());
    }
    if (e instanceof Expr.StringLit s) {
      return new Value.StrV(s.span(), s.value());
    }
    if (e instanceof Expr.BoolLit b) {
      return new Value.BoolV(b.span(), b.value());
    }
    if (e instanceof Expr.BdfLit b) {
      return bdf(b);
    }
    if (e instanceof Expr.ClassPattern p) {
      return new Value.PatternV(p.span(), p.value(), p.matchedBits());
    }
    if (e instanceof Expr.Paren p) {
      return value(p.inner());
    }
    if (e instanceof Expr.Name n) {
      if (consts.containsKey(n.name())) {
        Value v = constValue(n.name(), n.span());
        return v;
      }
      if (predicates.containsKey(n.name())) {
        error("E103", n.span(), "`" + n.name() + "` is a predicate (a condition), not a value");
        return null;
      }
      return new Value.Word(n.span(), n.name());
    }
    if (e instanceof Expr.RangeLit r) {
      Value lo = value(r.start());
      Value hi = value(r.end());
      if (!(lo instanceof Value.IntV l) || !(hi instanceof Value.IntV h)) {
        if (lo != null && hi != null && !unknownConstant(lo) & !unknownConstant(hi)) {
          error(
              "E103",
              r.span(),
              "a range needs integers at both ends, found "
                  + kindName(lo)
                  + " and "
                  + kindName(hi));
        }
        return null;
      }
      if (U64.lessThan(h.value(), l.value())) {
        error(
            "E118",
            r.span(),
            "range end "
                + U64.hex(h.value())
                + " lies below its start "
                + U64.hex(l.value())
                + " (ranges are inclusive: `lo .. hi`)");
        return null;
      }
      return new Value.RangeV(r.span(), new AddressRange(l.value(), h.value()));
    }
    if (e instanceof Expr.SizedRange r) {
      Value lo = value(r.start());
      Value size = value(r.size());
      if (!(lo instanceof Value.IntV l) || !(size instanceof Value.IntV s)) {
        if (lo != null && size != null && !unknownConstant(lo) & !unknownConstant(size)) {
          error(
              "E103",
              r.span(),
              "`start + size` needs integers, found " + kindName(lo) + " and " + kindName(size));
        }
        return null;
      }
      if (s.value() == 0) {
        error("E118", r.span(), "a range of size 0 covers nothing");
        return null;
      }
      if (Long.compareUnsigned(l.value() + s.value() - 1, l.value()) < 0) {
        error(
            "E104",
            r.span(),
            U64.hex(l.value()) + " + " + U64.hex(s.value()) + " runs past 0xffffffffffffffff");
        return null;
      }
      return new Value.RangeV(r.span(), new AddressRange(l.value(), l.value() + s.value() - 1));
    }
    if (e instanceof Expr.SetLit s) {
      List<Value> elements = new ArrayList<>();
      boolean ok = true;
      for (Expr x : s.elements()) {
        Value v = value(x);
        if (v == null) {
          ok = false;
        } else {
          elements.add(v);
        }
      }
      return ok ? new Value.SetV(s.span(), elements) : null;
    }
    {
      error(
          "E103",
          e.span(),
          "expected a value (a number, range, PCI address, class pattern, string or"
              + " constant) but found a condition");
      return null;
    }
  }

  private Value bdf(Expr.BdfLit b) {
    try {
      return new Value.BdfV(
          b.span(), PciAddress.of(b.segment(), b.bus(), b.device(), b.function()));
    } catch (IllegalArgumentException e) {
      error("E005", b.span(), e.getMessage());
      return null;
    }
  }

  // ------------------------------------------------------------------ conditions

  /**
   * Resolves every predicate after the predicates it uses, walking the uses depth first with a stack
   * of its own: resolving one predicate then never recurses into another, so a chain of thousands of
   * predicates cannot overflow the Java stack. {@link #resolving} holds the walk's path, so a use that
   * closes a cycle is reported (E117) where it closes, as a recursive resolution would.
   */
  private void resolvePredicates() {
    record Step(String name, Iterator<String> uses) {}
    Deque<Step> path = new ArrayDeque<>();
    for (String root : predicates.keySet()) {
      if (predicateBodies.containsKey(root)) {
        continue;
      }
      resolving.add("predicate " + root);
      path.push(new Step(root, uses(root).iterator()));
      while (!path.isEmpty()) {
        Step top = path.peek();
        if (top.uses().hasNext()) {
          String next = top.uses().next();
          if (!predicateBodies.containsKey(next) && resolving.add("predicate " + next)) {
            path.push(new Step(next, uses(next).iterator()));
          }
        } else {
          path.pop();
          predicateBodies.put(top.name(), resolveBody(top.name()));
          resolving.remove("predicate " + top.name());
        }
      }
    }
  }

  /** The predicates {@code name}'s condition uses, in source order: the names {@link #cond} resolves. */
  private List<String> uses(String name) {
    List<String> out = new ArrayList<>();
    collectUses(predicates.get(name).condition(), out);
    return out;
  }

  /** Recursion over one expression, whose nesting the parser bounds (E003). */
  private void collectUses(Expr e, List<String> out) {
    if (e instanceof Expr.Paren p) {
      collectUses(p.inner(), out);
    } else if (e instanceof Expr.Not n) {
      collectUses(n.operand(), out);
    } else if (e instanceof Expr.And a) {
      collectUses(a.left(), out);
      collectUses(a.right(), out);
    } else if (e instanceof Expr.Or o) {
      collectUses(o.left(), out);
      collectUses(o.right(), out);
    } else if (e instanceof Expr.Name n && predicates.containsKey(n.name())) {
      out.add(n.name());
    }
  }

  /** Checks the condition of {@code name}, whose uses are resolved already; null when it has errors. */
  private CheckedPredicate resolveBody(String name) {
    Set<Scope> used = EnumSet.noneOf(Scope.class);
    Cond body = cond(predicates.get(name).condition(), EnumSet.allOf(Scope.class), "predicate", used);
    if (body == null || !shallowEnough(body)) {
      return null;
    }
    return new CheckedPredicate(body, used, depth(body));
  }

  /**
   * The resolved predicate {@code name}; null when it has errors or when this use closes a cycle
   * (E117). Every predicate is resolved before rules are checked, and each after those it uses.
   */
  private CheckedPredicate predicate(String name, Span use) {
    if (predicateBodies.containsKey(name)) {
      return predicateBodies.get(name);
    }
    error("E117", use, "predicate `" + name + "` refers to itself" + cycle("predicate " + name));
    return null;
  }

  private Cond condition(Expr e, Set<Scope> allowed, String section) {
    Cond c = cond(e, allowed, section, EnumSet.noneOf(Scope.class));
    return c == null || !shallowEnough(c) ? null : c;
  }

  /**
   * How deep {@code c} nests: each {@code and}, {@code or}, {@code not} and test is a level, and a
   * predicate use is one level plus its condition's depth. Recursion stops at predicate uses, so it
   * follows one expression, whose nesting the parser bounds.
   */
  private int depth(Cond c) {
    Optional<Cond.PredicateRef> used = c.asPredicateUse();
    if (used.isPresent()) {
      return 1 + predicateBodies.get(used.get().name()).depth();
    }
    int below = 0;
    for (Cond t : c.operands()) {
      below = Math.max(below, depth(t));
    }
    return 1 + below;
  }

  /**
   * Whether {@code c} nests at most {@link #MAX_DEPTH} levels through the predicates it uses; if not,
   * reports E124 at the outermost predicate use on the deepest path.
   */
  private boolean shallowEnough(Cond c) {
    if (depth(c) <= MAX_DEPTH) {
      return true;
    }
    Cond at = c;
    while (at.asPredicateUse().isEmpty()) {
      Cond deepest = null;
      for (Cond t : at.operands()) {
        if (deepest == null || depth(t) > depth(deepest)) {
          deepest = t;
        }
      }
      if (deepest == null) {
        break;
      }
      at = deepest;
    }
    String through = at.asPredicateUse().map(p -> " through predicate `" + p.name() + "`").orElse("");
    error(
        "E124",
        at.span(),
        "condition nested deeper than "
            + MAX_DEPTH
            + " levels"
            + through
            + " (each predicate used counts as a level, plus the levels of its condition);"
            + " flatten the chain of predicates");
    return false;
  }

  private Cond cond(Expr e, Set<Scope> allowed, String section, Set<Scope> used) {
    if (e instanceof Expr.BoolLit b) {
      return new Cond.Bool(b.span(), b.value());
    }
    if (e instanceof Expr.Paren p) {
      return cond(p.inner(), allowed, section, used);
    }
    if (e instanceof Expr.Not n) {
      Cond inner = cond(n.operand(), allowed, section, used);
      return inner == null ? null : new Cond.Not(n.span(), inner);
    }
    if (e instanceof Expr.And a) {
      Cond l = cond(a.left(), allowed, section, used);
      Cond r = cond(a.right(), allowed, section, used);
      return l == null || r == null ? null : new Cond.And(a.span(), flatten(l, r, true));
    }
    if (e instanceof Expr.Or o) {
      Cond l = cond(o.left(), allowed, section, used);
      Cond r = cond(o.right(), allowed, section, used);
      return l == null || r == null ? null : new Cond.Or(o.span(), flatten(l, r, false));
    }
    if (e instanceof Expr.Name n) {
      if (predicates.containsKey(n.name())) {
        CheckedPredicate p = predicate(n.name(), n.span());
        if (p == null) {
          return null;
        }
        for (Scope s : p.scopes()) {
          if (!allowed.contains(s)) {
            error(
                "E108",
                n.span(),
                "predicate `"
                    + n.name()
                    + "` looks at `"
                    + s.word()
                    + "`, which is not"
                    + " available in `"
                    + section
                    + "`"
                    + scopeHint(section));
            return null;
          }
        }
        used.addAll(p.scopes());
        return new Cond.PredicateRef(n.span(), n.name(), p.body());
      }
      if (consts.containsKey(n.name())) {
        error(
            "E103",
            n.span(),
            "`" + n.name() + "` is a constant, not a condition; compare it with a field");
        return null;
      }
      List<String> names = new ArrayList<>(predicates.keySet());
      names.addAll(consts.keySet());
      unknown("E101", n.span(), "unknown predicate `" + n.name() + "`", n.name(), names, null);
      return null;
    }
    if (e instanceof Expr.Field f) {
      Scope s = fieldScope(f, allowed, section, used);
      if (s == null) {
        return null;
      }
      if (Field.of(s, f.field()).orElse(null) == Field.DEVICE_BRIDGE) {
        return new Cond.IsBridge(f.span());
      }
      error(
          "E103",
          f.span(),
          "`" + f.object() + "." + f.field() + "` is not a condition; compare it with a value");
      return null;
    }
    if (e instanceof Expr.Call c) {
      return call(c, allowed, section, used);
    }
    if (e instanceof Expr.Compare c) {
      return compare(c, allowed, section, used);
    }
    if (e instanceof Expr.In in) {
      Cond inner = in(in, allowed, section, used);
      return inner == null ? null : in.negated() ? new Cond.Not(in.span(), inner) : inner;
    }
    if (e instanceof Expr.Matches m) {
      return matches(m, allowed, section, used);
    }
    if (e instanceof Expr.Has h) {
      return has(h, allowed, section, used);
    }
    {
      error("E103", e.span(), "expected a condition but found a value");
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

  private static String scopeHint(String section) {
    return switch (section) {
      case "classify" -> " (classify sees `device` and `region`)";
      case "conflicts" ->
          " (conflicts sees the merged `region` and the `guest` range; device decisions belong in"
              + " classify, and messages can still name devices with {device})";
      default -> "";
    };
  }

  /** Checks that a field exists and may be used here; returns its scope. */
  private Scope fieldScope(Expr.Field f, Set<Scope> allowed, String section, Set<Scope> used) {
    Scope scope;
    List<String> fields;
    switch (f.object()) {
      case "device" -> {
        scope = Scope.DEVICE;
        fields = fieldNames(scope);
      }
      case "region" -> {
        scope = Scope.REGION;
        fields = fieldNames(scope);
      }
      case "guest" -> {
        scope = Scope.GUEST;
        fields = fieldNames(scope);
      }
      default -> {
        unknown(
            "E111",
            f.objectSpan(),
            "unknown object `" + f.object() + "`",
            f.object(),
            List.of("device", "region", "guest"),
            "fields belong to device, region or guest");
        return null;
      }
    }
    if (!fields.contains(f.field())) {
      unknown(
          "E111",
          f.fieldSpan(),
          "`" + f.object() + "` has no field `" + f.field() + "`",
          f.field(),
          fields,
          f.object() + " fields: " + String.join(", ", fields));
      return null;
    }
    if (!allowed.contains(scope)) {
      error(
          "E108",
          f.span(),
          "`" + f.object() + "` is not available in `" + section + "`" + scopeHint(section));
      return null;
    }
    used.add(scope);
    return scope;
  }

  private Cond call(Expr.Call c, Set<Scope> allowed, String section, Set<Scope> used) {
    Integer arity = FUNCTIONS.get(c.function());
    if (arity == null) {
      unknown(
          "E112",
          c.span(),
          "unknown function `" + c.function() + "`",
          c.function(),
          FUNCTIONS.keySet(),
          null);
      return null;
    }
    if (c.args().size() != arity) {
      error(
          "E112",
          c.span(),
          "`" + c.function() + "` takes " + arity + " argument, found " + c.args().size());
      return null;
    }
    Expr arg = c.args().get(0);
    if (c.function().equals("downstream_of")) {
      if (!allowed.contains(Scope.DEVICE)) {
        error(
            "E108",
            c.span(),
            "`device` is not available in `" + section + "`" + scopeHint(section));
        return null;
      }
      used.add(Scope.DEVICE);
      Value v = value(arg);
      if (v instanceof Value.BdfV b) {
        return new Cond.DownstreamOf(c.span(), b.address());
      }
      if (v != null && !unknownConstant(v)) {
        error(
            "E103",
            arg.span(),
            "`downstream_of` takes the PCI address of a bridge, found " + kindName(v));
      }
      return null;
    }
    if (!allowed.contains(Scope.REGION)) {
      error(
          "E108",
          c.span(),
          "`" + c.function() + "` tests the region, which is not available in `" + section + "`");
      return null;
    }
    used.add(Scope.REGION);
    boolean overlaps = c.function().equals("overlaps");
    boolean guestWord =
        arg instanceof Expr.Name n && n.name().equals("guest") && !consts.containsKey("guest");
    if (guestWord || (arg instanceof Expr.Field f && f.object().equals("guest"))) {
      int mask;
      if (guestWord) {
        mask = Field.GUEST_KIND.allMask();
      } else {
        Expr.Field f = (Expr.Field) arg;
        Optional<GuestKind> kind = GuestKind.byResvName(f.field());
        if (kind.isEmpty()) {
          unknown(
              "E111",
              f.fieldSpan(),
              "`guest." + f.field() + "` is not a kind of guest range",
              f.field(),
              Field.GUEST_KIND.constants(),
              "use guest.ram, guest.mmio, guest.rom, guest.reserved or guest");
          return null;
        }
        mask = 1 << kind.get().ordinal();
      }
      if (!allowed.contains(Scope.GUEST)) {
        error(
            "E108",
            arg.span(),
            "`guest` is not available in `" + section + "`" + scopeHint(section));
        return null;
      }
      used.add(Scope.GUEST);
      return overlaps ? new Cond.GuestIs(c.span(), mask) : new Cond.WithinGuest(c.span(), mask);
    }
    Value v = value(arg);
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
    if (v != null && !unknownConstant(v)) {
      error(
          "E103",
          arg.span(),
          "`"
              + c.function()
              + "` takes an address range or a guest range kind"
              + " (guest, guest.ram, …), found "
              + kindName(v));
    }
    return null;
  }

  private record FieldRef(Expr.Field field, Scope scope) {
    /** The table's field, or empty for a name that is no field ({@code guest.ram}). */
    Optional<Field> entry() {
      return Field.of(scope, field.field());
    }

    boolean is(Field f) {
      return entry().orElse(null) == f;
    }

    Optional<Field> ofKind(Field.Kind kind) {
      return entry().filter(f -> f.kind() == kind);
    }
  }

  private FieldRef fieldOf(Expr e, Set<Scope> allowed, String section, Set<Scope> used) {
    Expr x = e;
    while (x instanceof Expr.Paren p) {
      x = p.inner();
    }
    if (x instanceof Expr.Field f) {
      Scope s = fieldScope(f, allowed, section, used);
      return s == null ? null : new FieldRef(f, s);
    }
    return null;
  }

  private boolean isField(Expr e) {
    Expr x = e;
    while (x instanceof Expr.Paren p) {
      x = p.inner();
    }
    return x instanceof Expr.Field;
  }

  private Cond compare(Expr.Compare c, Set<Scope> allowed, String section, Set<Scope> used) {
    Expr fieldSide;
    Expr valueSide;
    CompareOp op = c.op();
    if (isField(c.left()) && isField(c.right())) {
      error("E113", c.span(), "compares two fields; resvc compares a field with a constant");
      return null;
    } else if (isField(c.left())) {
      fieldSide = c.left();
      valueSide = c.right();
    } else if (isField(c.right())) {
      fieldSide = c.right();
      valueSide = c.left();
      op = flip(op);
    } else {
      error(
          "E113", c.span(), "compares two constants; one side must be a field such as region.type");
      return null;
    }
    FieldRef f = fieldOf(fieldSide, allowed, section, used);
    if (f == null) {
      return null;
    }
    Value v = value(valueSide);
    if (v == null) {
      return null;
    }
    String name = f.field().field();
    String spelled = f.field().object() + "." + name;
    boolean equality = op == CompareOp.EQ || op == CompareOp.NE;
    Optional<Field> enumField = enumField(f);
    if (enumField.isPresent()) {
      if (!equality) {
        error(
            "E113",
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
    Optional<Field> intField = intField(f);
    if (intField.isPresent()) {
      if (!(v instanceof Value.IntV i)) {
        if (!unknownConstant(v)) {
          error(
              "E103",
              c.span(),
              "compares "
                  + spelled
                  + " (an integer) with "
                  + kindName(v)
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
        error(
            "E113",
            c.span(),
            "`" + op.symbol() + "` does not apply to device.bdf; use ==, != or in {…}");
        return null;
      }
      if (!(v instanceof Value.BdfV b)) {
        if (!unknownConstant(v)) {
          error("E103", c.span(), "compares device.bdf (a PCI address) with " + kindName(v));
        }
        return null;
      }
      Cond eq = new Cond.BdfIn(c.span(), List.of(b.address()));
      return op == CompareOp.EQ ? eq : new Cond.Not(c.span(), eq);
    }
    if (f.is(Field.DEVICE_BRIDGE)) {
      if (!equality || !(v instanceof Value.BoolV b)) {
        error(
            "E103",
            c.span(),
            "device.bridge is a boolean; write `device.bridge` or `not device.bridge`");
        return null;
      }
      Cond is = new Cond.IsBridge(c.span());
      return (op == CompareOp.EQ) == b.value() ? is : new Cond.Not(c.span(), is);
    }
    Optional<Field> stringField = stringField(f);
    if (stringField.isPresent()) {
      if (!equality) {
        error(
            "E113",
            c.span(),
            "`" + op.symbol() + "` does not apply to " + spelled + "; use == or !=");
        return null;
      }
      if (!(v instanceof Value.StrV s)) {
        if (!unknownConstant(v)) {
          error("E103", c.span(), "compares " + spelled + " (a string) with " + kindName(v));
        }
        return null;
      }
      Cond eq = new Cond.StringIn(c.span(), stringField.get(), List.of(s.value()));
      return op == CompareOp.EQ ? eq : new Cond.Not(c.span(), eq);
    }
    error(
        "E113",
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
      error(
          "E104",
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

  private static Optional<Field> enumField(FieldRef f) {
    return f.ofKind(Field.Kind.ENUM);
  }

  private static Optional<Field> intField(FieldRef f) {
    return f.ofKind(Field.Kind.INT);
  }

  private static Optional<Field> stringField(FieldRef f) {
    return f.ofKind(Field.Kind.STRING);
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
      error(
          "E103",
          v.span(),
          "compares "
              + field.spelling()
              + " with "
              + kindName(v)
              + "; expected one of "
              + String.join(", ", field.constants()));
      return null;
    }
    int index = field.constants().indexOf(w.word());
    if (index < 0) {
      unknown(
          "E101",
          w.span(),
          "`" + w.word() + "` is not a value of " + field.spelling(),
          w.word(),
          field.constants(),
          field.spelling() + " is one of " + String.join(", ", field.constants()));
      return null;
    }
    return 1 << index;
  }

  private Cond in(Expr.In in, Set<Scope> allowed, String section, Set<Scope> used) {
    if (!isField(in.left())) {
      error("E113", in.span(), "the left side of `in` must be a field such as region.type");
      return null;
    }
    FieldRef f = fieldOf(in.left(), allowed, section, used);
    if (f == null) {
      return null;
    }
    Value v = value(in.container());
    if (v == null) {
      return null;
    }
    String spelled = f.field().object() + "." + f.field().field();
    Optional<Field> enumField = enumField(f);
    if (enumField.isPresent()) {
      Integer mask = enumMask(enumField.get(), v);
      return mask == null ? null : new Cond.EnumIn(in.span(), enumField.get(), mask);
    }
    Optional<Field> intField = intField(f);
    if (intField.isPresent()) {
      if (v instanceof Value.RangeV r) {
        return new Cond.IntInRange(in.span(), intField.get(), r.range().start(), r.range().end());
      }
      if (v instanceof Value.SetV s) {
        List<Long> values = new ArrayList<>();
        for (Value e : s.elements()) {
          if (!(e instanceof Value.IntV i)) {
            if (!unknownConstant(e)) {
              error("E103", e.span(), spelled + " is an integer; this element is " + kindName(e));
            }
            return null;
          }
          checkWidth(intField.get(), i);
          values.add(i.value());
        }
        return new Cond.IntInSet(in.span(), intField.get(), values);
      }
      if (!unknownConstant(v)) {
        error(
            "E103",
            in.container().span(),
            spelled + " is an integer; `in` needs `lo .. hi` or {a, b}, found " + kindName(v));
      }
      return null;
    }
    if (f.is(Field.DEVICE_BDF)) {
      List<PciAddress> addresses = new ArrayList<>();
      for (Value e : v instanceof Value.SetV s ? s.elements() : List.of(v)) {
        if (!(e instanceof Value.BdfV b)) {
          if (!unknownConstant(e)) {
            error("E103", e.span(), "device.bdf is a PCI address; this is " + kindName(e));
          }
          return null;
        }
        addresses.add(b.address());
      }
      return new Cond.BdfIn(in.span(), addresses);
    }
    Optional<Field> stringField = stringField(f);
    if (stringField.isPresent()) {
      List<String> values = new ArrayList<>();
      for (Value e : v instanceof Value.SetV s ? s.elements() : List.of(v)) {
        if (!(e instanceof Value.StrV str)) {
          if (!unknownConstant(e)) {
            error("E103", e.span(), spelled + " is a string; this is " + kindName(e));
          }
          return null;
        }
        values.add(str.value());
      }
      return new Cond.StringIn(in.span(), stringField.get(), values);
    }
    error("E113", in.span(), "`in` does not apply to " + spelled);
    return null;
  }

  private Cond matches(Expr.Matches m, Set<Scope> allowed, String section, Set<Scope> used) {
    FieldRef f = isField(m.left()) ? fieldOf(m.left(), allowed, section, used) : null;
    if (f == null) {
      if (!isField(m.left())) {
        error("E113", m.span(), "`matches` applies to device.class");
      }
      return null;
    }
    if (!f.is(Field.DEVICE_CLASS)) {
      error(
          "E113",
          m.span(),
          "`matches` applies to device.class, not " + f.field().object() + "." + f.field().field());
      return null;
    }
    if (m.pattern() instanceof Expr.IntLit lit) {
      String digits =
          lit.text().startsWith("0x") || lit.text().startsWith("0X") ? lit.text().substring(2) : "";
      if (digits.replace("_", "").length() != 6) {
        error(
            "E122",
            lit.span(),
            "a class pattern has 6 hex digits with `xx` for the parts that may vary:"
                + " 0x0c03xx (USB controllers), 0x03xxxx (display controllers), 0x0c0330 (xHCI)");
        return null;
      }
      if (Long.compareUnsigned(lit.value(), 0xffffff) > 0) {
        error("E104", lit.span(), "class code " + lit.text() + " is wider than 24 bits");
        return null;
      }
      return new Cond.ClassMatch(m.span(), (int) lit.value(), 24);
    }
    Value v = value(m.pattern());
    if (v instanceof Value.PatternV p) {
      return new Cond.ClassMatch(m.span(), p.value(), p.bits());
    }
    if (v != null && !unknownConstant(v)) {
      error(
          "E122",
          m.pattern().span(),
          "`matches` needs a class pattern such as 0x0c03xx, found " + kindName(v));
    }
    return null;
  }

  private Cond has(Expr.Has h, Set<Scope> allowed, String section, Set<Scope> used) {
    FieldRef f = isField(h.left()) ? fieldOf(h.left(), allowed, section, used) : null;
    if (f == null) {
      if (!isField(h.left())) {
        error("E113", h.span(), "`has` applies to region.prot");
      }
      return null;
    }
    if (!f.is(Field.REGION_PROT)) {
      error(
          "E113",
          h.span(),
          "`has` applies to region.prot, not " + f.field().object() + "." + f.field().field());
      return null;
    }
    if (!(h.flag() instanceof Expr.Name n) || !PROT_FLAGS.containsKey(n.name())) {
      String word = h.flag() instanceof Expr.Name n ? n.name() : "";
      unknown(
          "E101",
          h.flag().span(),
          "unknown protection flag" + (word.isEmpty() ? "" : " `" + word + "`"),
          word,
          PROT_FLAGS.keySet(),
          "flags: read, write, cache, noexec, mmio, priv");
      return null;
    }
    return new Cond.ProtHas(h.span(), PROT_FLAGS.get(((Expr.Name) h.flag()).name()));
  }

  // ------------------------------------------------------------------ reporting

  private void error(String code, Span span, String message, Diagnostic.Note... notes) {
    diags.add(Diagnostic.error(code, span, message, notes));
  }

  private void unknown(
      String code,
      Span span,
      String message,
      String name,
      java.util.Collection<String> candidates,
      String hint) {
    List<Diagnostic.Note> notes = new ArrayList<>();
    Names.closest(name, candidates)
        .ifPresent(s -> notes.add(Diagnostic.note("did you mean `" + s + "`?")));
    if (hint != null) {
      notes.add(Diagnostic.note(hint));
    }
    diags.add(new Diagnostic(code, Diagnostic.Severity.ERROR, span, message, notes));
  }
}
