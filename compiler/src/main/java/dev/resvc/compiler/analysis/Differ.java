package dev.resvc.compiler.analysis;

import dev.resvc.compiler.analysis.Analyzer.Lit;
import dev.resvc.compiler.analysis.Analyzer.Outcome;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * The semantic difference of two policies: for every pair (old rule or default, new rule or default)
 * with different decisions, whether some input is decided by the first in the old policy and by the
 * second in the new one, with a witness. Decisions compare by action, type, severity and message
 * template; rule names and lines do not matter.
 */
public final class Differ {
  private Differ() {}

  /** One changed behaviour: inputs the old policy decides with {@code oldRule}, the new with {@code newRule}. */
  public record Change(Section section, String oldRule, String oldAction, String newRule, String newAction,
      Witness witness) {}

  /** Changes, and pairs that could not be decided within the budget. */
  public record Result(List<Change> changes, List<String> undecided) {
    public boolean equivalent() {
      return changes.isEmpty() && undecided.isEmpty();
    }
  }

  public static Result diff(CheckedPolicy old, CheckedPolicy neu) {
    return diff(old, neu, Analyzer.DEFAULT_BUDGET);
  }

  public static Result diff(CheckedPolicy old, CheckedPolicy neu, long budget) {
    List<Change> changes = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    section(new Analyzer(Section.CLASSIFY, budget),
        old.classifyRules().stream().map(r -> Linter.rule(r.name(), r.span(), r.condition(), r.decision())).toList(),
        Linter.rule("default", null, null, old.classifyDefault()),
        neu.classifyRules().stream().map(r -> Linter.rule(r.name(), r.span(), r.condition(), r.decision())).toList(),
        Linter.rule("default", null, null, neu.classifyDefault()), changes, undecided);
    section(new Analyzer(Section.CONFLICTS, budget),
        old.conflictRules().stream().map(r -> Linter.rule(r.name(), r.span(), r.condition(), r.decision())).toList(),
        Linter.rule("default", null, null, old.conflictDefault()),
        neu.conflictRules().stream().map(r -> Linter.rule(r.name(), r.span(), r.condition(), r.decision())).toList(),
        Linter.rule("default", null, null, neu.conflictDefault()), changes, undecided);
    return new Result(List.copyOf(changes), List.copyOf(undecided));
  }

  private static void section(Analyzer a, List<Linter.Rule> olds, Linter.Rule oldDefault, List<Linter.Rule> news,
      Linter.Rule newDefault, List<Change> changes, List<String> undecided) {
    for (int i = 0; i <= olds.size(); i++) {
      Linter.Rule o = i == olds.size() ? oldDefault : olds.get(i);
      for (int j = 0; j <= news.size(); j++) {
        Linter.Rule n = j == news.size() ? newDefault : news.get(j);
        if (o.effect().equals(n.effect())) continue;
        if (o.cond() != null && n.cond() != null && a.check(Lit.yes(o.cond()), Lit.yes(n.cond())).unsat()) continue;
        List<Lit> lits = new ArrayList<>();
        fires(lits, olds, i);
        fires(lits, news, j);
        keepVersusType(o, n).ifPresent(lits::add);
        Outcome out = a.check(lits);
        String label = a.section().word() + ": old " + name(o) + " (" + o.action() + ") -> new " + name(n)
            + " (" + n.action() + ")";
        if (out instanceof Analyzer.Sat s) {
          changes.add(new Change(a.section(), o.name(), o.action(), n.name(), n.action(), s.witness()));
        } else if (out instanceof Analyzer.Undecided) {
          undecided.add(label);
        }
      }
    }
  }

  /**
   * {@code keep} and {@code set type T} decide the same for a region that already has type T, so the
   * behaviour only changes for regions of another type.
   */
  private static java.util.Optional<Lit> keepVersusType(Linter.Rule o, Linter.Rule n) {
    java.util.Optional<RegionType> type = keptVersus(o, n).or(() -> keptVersus(n, o));
    return type.map(t -> Lit.no(new Cond.EnumIn(Span.none("diff"), Field.REGION_TYPE, 1 << t.ordinal())));
  }

  private static java.util.Optional<RegionType> keptVersus(Linter.Rule keep, Linter.Rule other) {
    if (keep.effect() instanceof List<?> k && other.effect() instanceof List<?> t
        && k.get(0) == ClassifyDecision.Kind.KEEP && t.get(0) == ClassifyDecision.Kind.SET_TYPE) {
      return RegionType.byResvName(other.action());
    }
    return java.util.Optional.empty();
  }

  private static String name(Linter.Rule r) {
    return r.cond() == null ? "default" : "rule `" + r.name() + "`";
  }

  /** Rule {@code k} of {@code rules} decides (k == size: the default decides). */
  private static void fires(List<Lit> lits, List<Linter.Rule> rules, int k) {
    if (k < rules.size()) {
      lits.add(Lit.yes(rules.get(k).cond()));
    }
    for (int i = 0; i < k && i < rules.size(); i++) {
      lits.add(Lit.no(rules.get(i).cond()));
    }
  }
}
