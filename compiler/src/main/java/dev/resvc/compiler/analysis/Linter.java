package dev.resvc.compiler.analysis;

import dev.resvc.compiler.analysis.Analyzer.Lit;
import dev.resvc.compiler.analysis.Analyzer.Outcome;
import dev.resvc.compiler.analysis.Analyzer.Sat;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.CondPrinter;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * The policy analyser: always-true and always-false conditions, shadowed and redundant rules,
 * unreachable defaults, overlapping rules whose order decides, and review notes for drops and
 * relaxed RMRRs. Every finding is exact on the decidable fragment and carries a witness the
 * interpreter confirms; a query that runs out of budget is reported as not decided (I204).
 */
public final class Linter {
  private Linter() {}

  /**
   * One finding with what it is about: the section, the sub-condition (W201/W202), the rules by index
   * in their section (the rule the finding is on first; -1 stands for the default), and the witness.
   */
  public record Finding(Diagnostic diagnostic, Section section, Optional<Cond> subject, List<Integer> rules,
      Optional<Witness> witness) {
    public Code code() {
      return diagnostic.code();
    }
  }


  public static List<Diagnostic> lint(CheckedPolicy policy) {
    // Only the diagnostics are returned: the witnesses (already in the notes' text) need not be kept.
    return analyse(policy, Analyzer.DEFAULT_BUDGET, false, false).stream().map(Finding::diagnostic).toList();
  }

  public static List<Finding> analyse(CheckedPolicy policy) {
    return analyse(policy, Analyzer.DEFAULT_BUDGET);
  }

  public static List<Finding> analyse(CheckedPolicy policy, long budget) {
    return analyse(policy, budget, false);
  }

  /**
   * With {@code reference}, the rule pairs are checked the simple way this analyser started with:
   * every pair through the solver, every overlap query with all the earlier rules. Tests compare the
   * indexed path against it; the findings are the same, the witnesses of I201 and I203 may differ.
   */
  static List<Finding> analyse(CheckedPolicy policy, long budget, boolean reference) {
    return analyse(policy, budget, reference, true);
  }

  /** Without {@code keepWitnesses}, findings carry no {@link Finding#witness} (their notes still show it). */
  private static List<Finding> analyse(CheckedPolicy policy, long budget, boolean reference, boolean keepWitnesses) {
    List<Finding> out = new ArrayList<>();
    new Run(new Analyzer(Section.CLASSIFY, budget), policy.classifyRules(),
        defaultRule(Section.CLASSIFY, policy.classifyDefaultAt(), policy.classifyDefault()), out, reference,
        keepWitnesses).all();
    new Run(new Analyzer(Section.CONFLICTS, budget), policy.conflictRules(),
        defaultRule(Section.CONFLICTS, policy.conflictDefaultAt(), policy.conflictDefault()), out, reference,
        keepWitnesses).all();
    out.sort(Linter::byPlace);
    return List.copyOf(out);
  }

  /** By file, line, column and code (stable, so findings at one place keep the order they were found in). */
  private static int byPlace(Finding x, Finding y) {
    Span a = x.diagnostic().span();
    Span b = y.diagnostic().span();
    int c = a.file() == b.file() ? 0 : a.file().compareTo(b.file());
    if (c == 0) c = Integer.compare(a.line(), b.line());
    if (c == 0) c = Integer.compare(a.column(), b.column());
    return c != 0 ? c : x.code().id().compareTo(y.code().id());
  }

  /** A section's default as a rule with no condition: it decides when no rule does. */
  static <D> CheckedPolicy.Rule<D> defaultRule(Section section, Span span, D decision) {
    return new CheckedPolicy.Rule<>(section, Provenance.DEFAULT_RULE, span, null, decision);
  }

  /** Policies with at least this many rules in a section have their rule pairs checked on all cores. */
  private static final int PARALLEL_RULES = 128;

  /** Rounds of the lazy overlap query before the full query is asked instead. */
  private static final int LAZY_ROUNDS = 4;

  /** The analysis of one section. */
  private static final class Run {
    private final Analyzer a;
    private final List<? extends CheckedPolicy.Rule<?>> rules;
    private final CheckedPolicy.Rule<?> dflt;
    private final List<Finding> out;
    private final Set<Span> reportedConds = new HashSet<>();
    private final Set<Integer> undecidedRules = new HashSet<>();
    private final boolean[] neverFires;
    /** Rules whose condition has more than {@link Analyzer#MAX_TERMS} terms: left out (I205). */
    private final boolean[] tooLarge;
    private final boolean reference;
    private final boolean keepWitnesses;
    /** Per rule, a number standing for its effect: equal numbers, equal effects. */
    private final int[] effects;
    private final Diagnostic.Note[] isHere;
    /** Per rule, the literal "its condition holds". */
    private final Lit[] matches;
    /** Rule indices, boxed once. */
    private final Integer[] ids;

    Run(Analyzer a, List<? extends CheckedPolicy.Rule<?>> rules, CheckedPolicy.Rule<?> dflt, List<Finding> out, boolean reference, boolean keepWitnesses) {
      this.a = a;
      this.rules = rules;
      this.dflt = dflt;
      this.out = out;
      this.neverFires = new boolean[rules.size()];
      this.tooLarge = new boolean[rules.size()];
      for (int j = 0; j < rules.size(); j++) {
        tooLarge[j] = a.tooLarge(rules.get(j).condition());
      }
      this.reference = reference;
      this.keepWitnesses = keepWitnesses;
      this.effects = new int[rules.size()];
      this.isHere = new Diagnostic.Note[rules.size()];
      this.matches = rules.stream().map(r -> Lit.yes(r.condition())).toArray(Lit[]::new);
      this.ids = new Integer[rules.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i;
      }
      Map<Object, Integer> ids = new HashMap<>();
      for (int i = 0; i < rules.size(); i++) {
        effects[i] = ids.computeIfAbsent(Effect.of(rules.get(i)), e -> ids.size());
      }
    }

    private String inputs() {
      return a.section() == Section.CLASSIFY ? "device and region" : "region and guest range";
    }

    void all() {
      for (int j = 0; j < rules.size(); j++) {
        if (tooLarge[j]) {
          skipped(j);
        } else {
          conditions(j);
        }
      }
      rulesAndDefault();
      reviews();
    }

    // ---- always true / always false ----------------------------------------------------------

    private enum Const { TRUE, FALSE, CONTINGENT, UNDECIDED }

    private record Status(Const kind, Optional<Witness> witness) {}

    /**
     * I205 for a rule too large to analyse. Queries about it are not decided, and findings that would
     * need it are not made; it gets no I204 of its own, this note says why.
     */
    private void skipped(int j) {
      CheckedPolicy.Rule<?> r = rules.get(j);
      undecidedRules.add(j);
      add(Code.TOO_LARGE_TO_ANALYSE, Diagnostic.Severity.INFO, r.span(),
          "analysis skipped: the condition of rule `" + r.name() + "` is too large to analyse (more than "
              + Analyzer.MAX_TERMS + " terms after expanding predicates)",
          List.of(Diagnostic.note("findings about other rules that depend on it are not decided")),
          Optional.empty(), List.of(j), Optional.empty());
    }

    /** Each predicate condition's status within the rule being visited: a predicate used several times is analysed once. */
    private final Map<Cond, Status> predicateStatus = new java.util.IdentityHashMap<>();

    private void conditions(int j) {
      CheckedPolicy.Rule<?> r = rules.get(j);
      predicateStatus.clear();
      Status top = visit(r.condition(), j, true);
      if (top.kind() == Const.FALSE) {
        neverFires[j] = true;
      }
    }

    private Status status(Cond c, int rule) {
      Outcome t = a.check(Lit.yes(c));
      Outcome f = a.check(Lit.no(c));
      if (t instanceof Analyzer.Undecided || f instanceof Analyzer.Undecided) {
        undecided(rule, "whether `" + CondPrinter.print(c) + "` can be true and can be false", c.span());
        return new Status(Const.UNDECIDED, Optional.empty());
      }
      if (t.unsat()) {
        return new Status(Const.FALSE, f instanceof Sat s ? Optional.of(s.witness()) : Optional.empty());
      }
      if (f.unsat()) {
        return new Status(Const.TRUE, Optional.of(((Sat) t).witness()));
      }
      return new Status(Const.CONTINGENT, Optional.empty());
    }

    private Status visit(Cond c, int rule, boolean top) {
      return c.accept(new ConstantParts(rule, top));
    }

    /**
     * Finds the parts of rule {@code rule}'s condition that are always true or always false, and
     * reports each that its parts do not already explain ({@code top}: the whole condition).
     */
    private final class ConstantParts extends Cond.ConnectiveVisitor<Status> {
      private final int rule;
      private final boolean top;

      ConstantParts(int rule, boolean top) {
        this.rule = rule;
        this.top = top;
      }

      @Override
      public Status visitNot(Cond.Not n) {
        Status s = visit(n.operand(), rule, top);
        return switch (s.kind()) {
          case TRUE -> new Status(Const.FALSE, s.witness());
          case FALSE -> new Status(Const.TRUE, s.witness());
          default -> s;
        };
      }

      @Override
      public Status visitPredicateRef(Cond.PredicateRef p) {
        Status known = predicateStatus.get(p.body());
        if (known == null) {
          known = visit(p.body(), rule, top);
          predicateStatus.put(p.body(), known);
        }
        return known;
      }

      @Override
      public Status visitBool(Cond.Bool b) {
        return new Status(b.value() ? Const.TRUE : Const.FALSE, Optional.empty());
      }

      @Override
      public Status visitAnd(Cond.And c) {
        List<Status> children = terms(c.terms());
        Status s = status(c, rule);
        boolean explained = s.kind() == Const.FALSE ? children.stream().anyMatch(x -> x.kind() == Const.FALSE)
            : children.stream().allMatch(x -> x.kind() == Const.TRUE);
        return reported(c, s, explained);
      }

      @Override
      public Status visitOr(Cond.Or c) {
        List<Status> children = terms(c.terms());
        Status s = status(c, rule);
        boolean explained = s.kind() == Const.TRUE ? children.stream().anyMatch(x -> x.kind() == Const.TRUE)
            : children.stream().allMatch(x -> x.kind() == Const.FALSE);
        return reported(c, s, explained);
      }

      @Override
      protected Status test(Cond c) {
        return reported(c, status(c, rule), false);
      }

      private List<Status> terms(List<Cond> terms) {
        List<Status> out = new ArrayList<>();
        for (Cond t : terms) {
          out.add(visit(t, rule, false));
        }
        return out;
      }

      /** {@code s}, reported first when {@code c} is always true or false and its parts do not explain it. */
      private Status reported(Cond c, Status s, boolean explained) {
        boolean constant = s.kind() == Const.TRUE || s.kind() == Const.FALSE;
        if (constant && !explained && reportedConds.add(c.span())) {
          report(c, s, rule, top);
        }
        return s;
      }
    }

    private void report(Cond c, Status s, int rule, boolean top) {
      String text = CondPrinter.print(c);
      String message;
      Code code;
      Optional<String> pattern = confusion(c, s.kind() == Const.TRUE);
      if (s.kind() == Const.TRUE) {
        code = Code.ALWAYS_TRUE;
        message = "always true: " + pattern.orElse("`" + text + "` holds for every " + inputs());
      } else {
        code = Code.ALWAYS_FALSE;
        message = "always false" + (top ? ", so rule `" + rules.get(rule).name() + "` never fires" : "") + ": "
            + pattern.orElse("`" + text + "` holds for no " + inputs());
      }
      List<Diagnostic.Note> notes = new ArrayList<>();
      notes.add(Diagnostic.note("no " + inputs() + " make it " + (s.kind() == Const.TRUE ? "false" : "true")));
      s.witness().ifPresent(w -> notes.add(Diagnostic.note(
          "witness (the condition is " + (s.kind() == Const.TRUE ? "true" : "false") + "): " + w.text())));
      add(code, Diagnostic.Severity.WARNING, c.span(), message, notes, Optional.of(c), List.of(rule), s.witness());
    }

    /**
     * The and/or confusion: an {@code or} of {@code !=} tests of one field against different constants
     * (always true), or an {@code and} of {@code ==} tests of one field against different constants
     * (always false).
     */
    private static Optional<String> confusion(Cond c, boolean alwaysTrue) {
      List<Cond> terms = alwaysTrue ? c.disjuncts() : c.conjuncts();
      if (terms.size() < 2) {
        return Optional.empty();
      }
      String field = null;
      List<String> values = new ArrayList<>();
      for (Cond t : terms) {
        Optional<String[]> single = single(t, !alwaysTrue);
        if (single.isEmpty() || (field != null && !field.equals(single.get()[0]))
            || values.contains(single.get()[1])) {
          return Optional.empty();
        }
        field = single.get()[0];
        values.add(single.get()[1]);
      }
      String what = field.replace('.', ' ');
      List<String> quoted = values.stream().map(v -> "`" + v + "`").toList();
      if (alwaysTrue) {
        return Optional.of("every " + what + " differs from " + String.join(" or from ", quoted)
            + "; did you mean `and`?");
      }
      return Optional.of("no " + what + " is both " + String.join(" and ", quoted) + "; did you mean `or`?");
    }

    /** {field, constant} when {@code c} is {@code field == constant} (equal) or {@code field != constant}. */
    private static Optional<String[]> single(Cond c, boolean equal) {
      return c.accept(equal ? SingleTest.EQUAL : SingleTest.NOT_EQUAL);
    }

    /** {@link #single}: one visitor for {@code ==}, one for {@code !=}. */
    private static final class SingleTest implements Cond.Visitor<Optional<String[]>> {
      static final SingleTest EQUAL = new SingleTest(true);
      static final SingleTest NOT_EQUAL = new SingleTest(false);

      private final boolean equal;

      private SingleTest(boolean equal) {
        this.equal = equal;
      }

      @Override
      public Optional<String[]> visitPredicateRef(Cond.PredicateRef p) {
        return single(p.body(), equal);
      }

      @Override
      public Optional<String[]> visitNot(Cond.Not n) {
        return single(n.operand(), !equal);
      }

      @Override
      public Optional<String[]> visitEnumIn(Cond.EnumIn e) {
        int mask = equal ? e.mask() : e.field().allMask() & ~e.mask();
        return Integer.bitCount(mask) == 1
            ? Optional.of(new String[] {e.field().spelling(), e.field().names(mask).get(0)}) : Optional.empty();
      }

      @Override
      public Optional<String[]> visitIntCompare(Cond.IntCompare i) {
        if (i.op() == (equal ? dev.resvc.compiler.ast.Expr.CompareOp.EQ : dev.resvc.compiler.ast.Expr.CompareOp.NE)) {
          return Optional.of(new String[] {i.field().spelling(), dev.resvc.runtime.range.U64.hex(i.value())});
        }
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitStringIn(Cond.StringIn s) {
        if (equal && s.values().size() == 1) {
          return Optional.of(new String[] {s.field().spelling(), "\"" + s.values().get(0) + "\""});
        }
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitBdfIn(Cond.BdfIn b) {
        if (equal && b.addresses().size() == 1) {
          return Optional.of(new String[] {"device.bdf", b.addresses().get(0).toString()});
        }
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitBool(Cond.Bool c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitAnd(Cond.And c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitOr(Cond.Or c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitIntInRange(Cond.IntInRange c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitIntInSet(Cond.IntInSet c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitClassMatch(Cond.ClassMatch c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitDownstreamOf(Cond.DownstreamOf c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitIsTrue(Cond.IsTrue c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitProtHas(Cond.ProtHas c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitRegionOverlaps(Cond.RegionOverlaps c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitRegionWithin(Cond.RegionWithin c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitGuestIs(Cond.GuestIs c) {
        return Optional.empty();
      }

      @Override
      public Optional<String[]> visitWithinGuest(Cond.WithinGuest c) {
        return Optional.empty();
      }
    }

    // ---- shadowed, redundant, order-dependent, default ---------------------------------------

    private void rulesAndDefault() {
      int n = rules.size();
      boolean[] dead = neverFires.clone();
      if (reference) {
        referencePairs();
      } else {
        compatiblePairs();
      }
      for (int j = 0; j < n; j++) {
        if (neverFires[j]) continue;
        CheckedPolicy.Rule<?> r = rules.get(j);
        Outcome o = null;
        if (!reference) {
          if (isEmpty(compatible[j])) continue;
          o = lazily(a, List.of(Lit.yes(r.condition())), null, j, compatible[j]);
          if (o != null && o.unsat() && earlier(j).isEmpty()) continue;
        }
        if (o == null) {
          if (earlier(j).isEmpty()) continue;
          o = a.check(firesOrNot(j, earlier(j), true));
        }
        if (o instanceof Analyzer.Undecided) {
          undecided(j, "whether rule `" + r.name() + "` can fire", r.span());
          continue;
        }
        if (o.sat()) continue;
        dead[j] = true;
        Optional<Witness> w = witnessOf(r.condition());
        Integer same = null;
        for (int i : earlier(j)) {
          if (Effect.of(rules.get(i)).equals(Effect.of(r))
              && a.check(Lit.yes(rules.get(i).condition()), Lit.no(r.condition())).unsat()
              && a.check(Lit.yes(r.condition()), Lit.no(rules.get(i).condition())).unsat()) {
            same = i;
            break;
          }
        }
        if (same != null) {
          CheckedPolicy.Rule<?> s = rules.get(same);
          add(Code.REDUNDANT_RULE, Diagnostic.Severity.WARNING, r.span(),
              "rule `" + r.name() + "` is identical in effect to rule `" + s.name()
                  + "`: it matches the same inputs and decides the same (" + Effect.of(r).action() + ")",
              withWitness(List.of(Diagnostic.note("rule `" + s.name() + "` is here", s.span())), w,
                  "both rules match"),
              Optional.empty(), List.of(j, same), w);
          continue;
        }
        List<Integer> cover = minimalCover(j, earlier(j));
        List<Integer> ids = new ArrayList<>(List.of(j));
        ids.addAll(cover);
        String names = names(cover);
        List<Diagnostic.Note> notes = new ArrayList<>();
        for (int i : cover) {
          notes.add(Diagnostic.note("rule `" + rules.get(i).name() + "` is here", rules.get(i).span()));
        }
        add(Code.RULE_NEVER_FIRES, Diagnostic.Severity.WARNING, r.span(),
            "rule `" + r.name() + "` never fires: earlier " + (cover.size() == 1 ? "rule " : "rules ") + names
                + (cover.size() == 1 ? " catches" : " catch") + " every " + inputs() + " it matches",
            withWitness(notes, w, "matched by `" + r.name() + "` but decided earlier"), Optional.empty(), ids, w);
      }
      // Overlapping rules whose order decides (I201): each rule j on its own, so on the indexed path the
      // rules of a large policy are spread over the cores, each thread with an analyser of its own.
      Finding[][] found = new Finding[n][];
      String[] notDecided = new String[n];
      for (int i = 0; i < n; i++) {
        isHere(i);
      }
      if (reference || n < PARALLEL_RULES) {
        for (int j = 0; j < n; j++) {
          List<Finding> f = new ArrayList<>();
          notDecided[j] = orderDecides(a, j, dead, f);
          found[j] = f.toArray(new Finding[0]);
        }
      } else {
        Thread owner = Thread.currentThread();
        Map<Thread, Analyzer> analyzers = new ConcurrentHashMap<>();
        IntStream.range(0, n).parallel().forEach(j -> {
          Analyzer an = Thread.currentThread() == owner ? a
              : analyzers.computeIfAbsent(Thread.currentThread(), t -> new Analyzer(a.section(), a.budget()));
          List<Finding> f = new ArrayList<>();
          notDecided[j] = orderDecides(an, j, dead, f);
          found[j] = f.toArray(new Finding[0]);
        });
      }
      for (int j = 0; j < n; j++) {
        out.addAll(Arrays.asList(found[j]));
        if (notDecided[j] != null) {
          undecided(j, notDecided[j], rules.get(j).span());
        }
      }
      defaultReachable();
    }

    /**
     * The I201 findings of rule j, in order, into {@code found}, asking {@code an}; returns what was not
     * decided (the first such pair), or null.
     */
    private String orderDecides(Analyzer an, int j, boolean[] dead, List<Finding> found) {
      if (dead[j]) return null;
      String notDecided = null;
      StringBuilder text = new StringBuilder(256);
      int[] before = reference ? earlier(an, j).stream().mapToInt(Integer::intValue).toArray() : members(compatible[j]);
      for (int i : before) {
        if (dead[i] || effects[i] == effects[j]) continue;
        Outcome o;
        if (reference) {
          if (!has(overlaps[j], i)) continue;
          o = firesAndMatches(an, i, j);
        } else {
          // Do the rules overlap? As in the reference, a pair not known to overlap is not reported.
          List<Lit> both = List.of(matches[i], matches[j]);
          Outcome first = an.checkFlat(both);
          if (!first.sat()) continue;
          o = lazily(an, both, first, i, compatible[i], compatible[j]);
          if (o == null) {
            o = firesAndMatches(an, i, j);
          }
        }
        if (o instanceof Sat s) {
          CheckedPolicy.Rule<?> ri = rules.get(i);
          CheckedPolicy.Rule<?> rj = rules.get(j);
          found.add(finding(Code.ORDER_DECIDES, Diagnostic.Severity.INFO, rj.span(),
              "rules `" + ri.name() + "` and `" + rj.name() + "` overlap with different actions ("
                  + Effect.of(ri).action() + " vs " + Effect.of(rj).action() + "): `" + ri.name() + "` wins because it comes first",
              List.of(isHere(i), witnessNote(text, s.witness(), "both match")),
              Optional.empty(), List.of(ids[j], ids[i]), Optional.of(s.witness())));
        } else if (o instanceof Analyzer.Undecided && notDecided == null) {
          notDecided = "whether rules `" + rules.get(i).name() + "` and `" + rules.get(j).name() + "` overlap";
        }
      }
      return notDecided;
    }

    // The earlier rules a rule overlaps. The reference path asks the solver about every pair up front,
    // with a witness each. The indexed path only compares signatures up front (compatible[j]: the rules
    // before j whose signature is not disjoint from j's, a superset of those overlapping j); the few
    // queries that need the exact list (a shadowed rule, a query the lazy rounds do not settle) have it
    // worked out when first asked, by the solver without witnesses.

    /** The rules before j that overlap it, or may (not decided): solver-checked, in order. */
    private final Map<Integer, List<Integer>> earlier = new ConcurrentHashMap<>();
    /** Reference path: the rules before j known to overlap it (a witness was found), as a bit set. */
    private long[][] overlaps;
    /** Indexed path: the rules before j whose signatures are not disjoint from j's, as a bit set. */
    private long[][] compatible;
    /** Indexed path: the rules' signatures, indexed by field. */
    private PointIndex index;

    private void referencePairs() {
      int n = rules.size();
      overlaps = new long[n][];
      for (int j = 0; j < n; j++) {
        overlaps[j] = new long[(j + 63) >>> 6];
        List<Integer> e = new ArrayList<>();
        for (int i = 0; i < j; i++) {
          if (neverFires[i] || neverFires[j]) continue;
          Outcome o = a.check(Lit.yes(rules.get(i).condition()), Lit.yes(rules.get(j).condition()));
          if (o instanceof Sat) {
            set(overlaps[j], i);
          }
          if (!o.unsat()) {
            e.add(i);
          }
        }
        earlier.put(j, e);
      }
    }

    private void compatiblePairs() {
      int n = rules.size();
      Signature[] signatures = new Signature[n];
      for (int j = 0; j < n; j++) {
        signatures[j] = tooLarge[j] ? Signature.unknown() : Signature.of(rules.get(j).condition());
      }
      index = new PointIndex(signatures);
      compatible = new long[n][];
      for (int j = 0; j < n; j++) {
        compatible[j] = new long[(j + 63) >>> 6];
        if (neverFires[j]) continue;
        for (int i = 0; i < j; i++) {
          if (!neverFires[i] && !Signature.disjoint(signatures[i], signatures[j])) {
            set(compatible[j], i);
          }
        }
      }
    }

    private List<Integer> earlier(int j) {
      return earlier(a, j);
    }

    private List<Integer> earlier(Analyzer an, int j) {
      List<Integer> e = earlier.get(j);
      if (e == null) {
        e = new ArrayList<>();
        for (int i : members(compatible[j])) {
          if (!Boolean.FALSE.equals(an.overlap(rules.get(i).condition(), rules.get(j).condition()))) {
            e.add(i);
          }
        }
        earlier.put(j, e);
      }
      return e;
    }

    private static void set(long[] bits, int i) {
      bits[i >>> 6] |= 1L << i;
    }

    private static boolean has(long[] bits, int i) {
      return (bits[i >>> 6] & (1L << i)) != 0;
    }

    private static boolean isEmpty(long[] bits) {
      for (long w : bits) {
        if (w != 0) return false;
      }
      return true;
    }

    private static int[] members(long[] bits) {
      int n = 0;
      for (long w : bits) {
        n += Long.bitCount(w);
      }
      int[] out = new int[n];
      n = 0;
      for (int w = 0; w < bits.length; w++) {
        for (long b = bits[w]; b != 0; b &= b - 1) {
          out[n++] = (w << 6) + Long.numberOfTrailingZeros(b);
        }
      }
      return out;
    }

    /** Does rule i fire on some input rule j matches? The query with all the rules before i it overlaps. */
    private Outcome firesAndMatches(Analyzer an, int i, int j) {
      List<Lit> lits = new ArrayList<>(firesOrNot(i, earlier(an, i), true));
      lits.add(Lit.yes(rules.get(j).condition()));
      return an.check(lits);
    }

    /**
     * Whether some input satisfies {@code base} and matches none of the rules below {@code limit}
     * (among them, only those in every one of {@code among} can match such an input), asked lazily:
     * find an input satisfying the query so far ({@code first}, when given, is the answer for
     * {@code base} alone), exclude the rules that match it (the {@link PointIndex} narrows them down, the
     * interpreter decides), and ask again. An input no rule matches answers yes, confirmed by the
     * interpreter; no input answers no, since the query so far is weaker than the full one. A few rounds
     * settle almost every query with a small one; null when they do not (or a round is not decided), and
     * the full query must decide.
     */
    private Outcome lazily(Analyzer an, List<Lit> base, Outcome first, int limit, long[]... among) {
      List<Lit> lits = base;
      for (int round = 0; round < LAZY_ROUNDS; round++) {
        Outcome o = round == 0 && first != null ? first : an.checkFlat(lits);
        if (!(o instanceof Sat s)) {
          return o.unsat() ? o : null;
        }
        Interpreter.Facts facts = s.witness().facts();
        long[] candidates = index.candidates(facts, limit);
        boolean matched = false;
        for (int w = 0; w < candidates.length; w++) {
          long bits = candidates[w];
          for (long[] m : among) {
            bits &= w < m.length ? m[w] : 0;
          }
          for (; bits != 0; bits &= bits - 1) {
            int k = (w << 6) + Long.numberOfTrailingZeros(bits);
            if (k < limit && Interpreter.eval(rules.get(k).condition(), facts)) {
              if (lits == base) lits = new ArrayList<>(base);
              lits.add(Lit.no(rules.get(k).condition()));
              matched = true;
            }
          }
        }
        if (!matched) return o;
      }
      return null;
    }

    /** The literals for "rule j fires": its condition, and none of {@code before} matches. */
    private List<Lit> firesOrNot(int j, List<Integer> before, boolean fires) {
      List<Lit> lits = new ArrayList<>();
      lits.add(new Lit(rules.get(j).condition(), fires));
      for (int i : before) {
        lits.add(Lit.no(rules.get(i).condition()));
      }
      return lits;
    }

    private List<Integer> minimalCover(int j, List<Integer> earlier) {
      List<Integer> cover = new ArrayList<>(earlier);
      if (cover.size() > 16) {
        return cover;
      }
      for (int k = cover.size() - 1; k >= 0 && cover.size() > 1; k--) {
        List<Integer> without = new ArrayList<>(cover);
        without.remove(k);
        if (a.check(firesOrNot(j, without, true)).unsat()) {
          cover = without;
        }
      }
      return cover;
    }

    private void defaultReachable() {
      if (rules.isEmpty()) return;
      List<Lit> none = new ArrayList<>();
      for (CheckedPolicy.Rule<?> r : rules) {
        none.add(Lit.no(r.condition()));
      }
      Outcome o = a.check(none);
      if (o instanceof Analyzer.Undecided) {
        undecided(-1, "whether the " + a.section().word() + " default can be reached", dflt.span());
        return;
      }
      if (o.sat()) return;
      int lo = 1;
      int hi = rules.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (a.check(none.subList(0, mid)).unsat()) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      List<Integer> prefix = new ArrayList<>();
      for (int i = 0; i < lo; i++) {
        prefix.add(i);
      }
      Span at = dflt.span().line() > 1 || dflt.span().length() > 0 ? dflt.span() : rules.get(lo - 1).span();
      add(Code.DEFAULT_UNREACHABLE, Diagnostic.Severity.WARNING, at,
          "the " + a.section().word() + " default (" + Effect.of(dflt).action() + ") is never reached: "
              + (lo == 1 ? "rule " : "rules ") + names(prefix) + (lo == 1 ? " matches" : " together match")
              + " every " + inputs(),
          List.of(Diagnostic.note("the last rule needed is `" + rules.get(lo - 1).name() + "`", rules.get(lo - 1).span())),
          Optional.empty(), List.of(-1), Optional.empty());
    }

    // ---- review notes ------------------------------------------------------------------------

    private void reviews() {
      if (a.section() != Section.CLASSIFY) return;
      Span s = Span.none("<analysis>");
      Cond rmrr = new Cond.EnumIn(s, Field.REGION_SOURCE, 1 << RegionSource.RMRR.ordinal());
      Cond usb = new Cond.ClassMatch(s, 0x0c0300, 16);
      Cond display = new Cond.ClassMatch(s, 0x030000, 8);
      List<Integer> before = new ArrayList<>();
      for (int j = 0; j <= rules.size(); j++) {
        boolean isDefault = j == rules.size();
        CheckedPolicy.Rule<?> r = isDefault ? dflt : rules.get(j);
        if (Effect.of(r).drops() && !(isDefault && dflt.span().length() == 0 && dflt.span().line() == 1)) {
          add(Code.REVIEW_DROP, Diagnostic.Severity.INFO, r.span(),
              "review: " + (isDefault ? "the default" : "rule `" + r.name() + "`")
                  + " drops regions: the kernel will neither reserve nor identity-map what it matches",
              List.of(), Optional.empty(), List.of(isDefault ? -1 : j), Optional.empty());
        }
        if (Effect.of(r).relaxes() && (isDefault || !neverFires[j])) {
          // An RMRR of a device neither USB nor display that the rule (or default) decides: asked lazily
          // (only rules before it that overlap it can match such an input), else in full.
          List<Lit> relaxed = new ArrayList<>();
          if (!isDefault) relaxed.add(Lit.yes(r.condition()));
          relaxed.add(Lit.yes(rmrr));
          relaxed.add(Lit.no(usb));
          relaxed.add(Lit.no(display));
          Outcome o = reference ? null : isDefault ? lazily(a, relaxed, null, j) : lazily(a, relaxed, null, j, compatible[j]);
          if (o == null) {
            List<Lit> lits = new ArrayList<>();
            if (!isDefault) lits.add(Lit.yes(r.condition()));
            for (int i : before) lits.add(Lit.no(rules.get(i).condition()));
            lits.add(Lit.yes(rmrr));
            lits.add(Lit.no(usb));
            lits.add(Lit.no(display));
            o = a.check(lits);
          }
          if (o instanceof Sat w) {
            add(Code.REVIEW_RELAXED_RMRR, Diagnostic.Severity.INFO, r.span(),
                "review: " + (isDefault ? "the default" : "rule `" + r.name() + "`")
                    + " makes an RMRR relaxable for a device that is neither a USB controller (0x0c03xx) nor a"
                    + " display device (0x03xxxx), which the kernel never does",
                withWitness(new ArrayList<>(), Optional.of(w.witness()), "relaxed"), Optional.empty(),
                List.of(isDefault ? -1 : j), Optional.of(w.witness()));
          } else if (o instanceof Analyzer.Undecided) {
            undecided(isDefault ? -1 : j, "whether `" + r.name() + "` relaxes an RMRR of another class", r.span());
          }
        }
        if (!isDefault) before.add(j);
      }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Optional<Witness> witnessOf(Cond c) {
      return a.check(Lit.yes(c)) instanceof Sat s ? Optional.of(s.witness()) : Optional.empty();
    }

    /** The note "rule `name` is here", one per rule however many findings name it. */
    private Diagnostic.Note isHere(int i) {
      Diagnostic.Note n = isHere[i];
      if (n == null) {
        n = Diagnostic.note("rule `" + rules.get(i).name() + "` is here", rules.get(i).span());
        isHere[i] = n;
      }
      return n;
    }

    /** The note "witness (what): …", written with {@code text} (cleared first). */
    private static Diagnostic.Note witnessNote(StringBuilder text, Witness w, String what) {
      text.setLength(0);
      return Diagnostic.note(w.appendText(text.append("witness (").append(what).append("): ")).toString());
    }

    private static List<Diagnostic.Note> withWitness(List<Diagnostic.Note> notes, Optional<Witness> w, String what) {
      List<Diagnostic.Note> out = new ArrayList<>(notes);
      w.ifPresent(x -> out.add(Diagnostic.note(x.appendText(new StringBuilder(240).append("witness (").append(what)
          .append("): ")).toString())));
      return out;
    }

    private String names(List<Integer> ids) {
      List<String> names = ids.stream().map(i -> "`" + rules.get(i).name() + "`").toList();
      if (names.size() > 6) {
        return String.join(", ", names.subList(0, 5)) + " … " + names.get(names.size() - 1);
      }
      return String.join(", ", names);
    }

    private void undecided(int rule, String what, Span span) {
      if (!undecidedRules.add(rule)) return;
      add(Code.NOT_DECIDED, Diagnostic.Severity.INFO, span,
          "not decided: " + what + " (the query exceeded the analysis budget)", List.of(), Optional.empty(),
          List.of(rule), Optional.empty());
    }

    private void add(Code code, Diagnostic.Severity sev, Span span, String message, List<Diagnostic.Note> notes,
        Optional<Cond> subject, List<Integer> ids, Optional<Witness> w) {
      out.add(finding(code, sev, span, message, notes, subject, ids, w));
    }

    private Finding finding(Code code, Diagnostic.Severity sev, Span span, String message, List<Diagnostic.Note> notes,
        Optional<Cond> subject, List<Integer> ids, Optional<Witness> w) {
      return new Finding(new Diagnostic(code, sev, span, message, notes), a.section(), subject, ids,
          keepWitnesses ? w : Optional.empty());
    }
  }
}
