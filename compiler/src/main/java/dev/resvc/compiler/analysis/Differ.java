package dev.resvc.compiler.analysis;

import dev.resvc.compiler.analysis.Analyzer.Lit;
import dev.resvc.compiler.analysis.Analyzer.Outcome;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Section;
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
    for (Section section : Section.values()) {
      section(new Analyzer(section, budget), old.rules(section), defaultRule(old, section), neu.rules(section),
          defaultRule(neu, section), changes, undecided);
    }
    return new Result(List.copyOf(changes), List.copyOf(undecided));
  }

  private static CheckedPolicy.Rule<?> defaultRule(CheckedPolicy p, Section section) {
    return section == Section.CLASSIFY
        ? Linter.defaultRule(section, null, p.classifyDefault())
        : Linter.defaultRule(section, null, p.conflictDefault());
  }

  private static void section(Analyzer a, List<? extends CheckedPolicy.Rule<?>> olds, CheckedPolicy.Rule<?> oldDefault,
      List<? extends CheckedPolicy.Rule<?>> news, CheckedPolicy.Rule<?> newDefault, List<Change> changes,
      List<String> undecided) {
    for (int i = 0; i <= olds.size(); i++) {
      CheckedPolicy.Rule<?> o = i == olds.size() ? oldDefault : olds.get(i);
      for (int j = 0; j <= news.size(); j++) {
        CheckedPolicy.Rule<?> n = j == news.size() ? newDefault : news.get(j);
        if (Effect.of(o).equals(Effect.of(n))) continue;
        if (o.condition() != null && n.condition() != null && a.check(Lit.yes(o.condition()), Lit.yes(n.condition())).unsat()) continue;
        List<Lit> lits = new ArrayList<>();
        fires(lits, olds, i);
        fires(lits, news, j);
        keepVersusType(o, n).ifPresent(lits::add);
        Outcome out = a.check(lits);
        String label = a.section().word() + ": old " + name(o) + " (" + Effect.of(o).action() + ") -> new " + name(n)
            + " (" + Effect.of(n).action() + ")";
        if (out instanceof Analyzer.Sat s) {
          changes.add(new Change(a.section(), o.name(), Effect.of(o).action(), n.name(), Effect.of(n).action(), s.witness()));
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
  private static java.util.Optional<Lit> keepVersusType(CheckedPolicy.Rule<?> o, CheckedPolicy.Rule<?> n) {
    java.util.Optional<RegionType> type = keptVersus(o, n).or(() -> keptVersus(n, o));
    return type.map(t -> Lit.no(new Cond.EnumIn(Span.none("diff"), Field.REGION_TYPE, 1 << t.ordinal())));
  }

  private static java.util.Optional<RegionType> keptVersus(CheckedPolicy.Rule<?> keep, CheckedPolicy.Rule<?> other) {
    if (Effect.of(keep).kind() == ClassifyDecision.Kind.KEEP && Effect.of(other).kind() == ClassifyDecision.Kind.SET_TYPE) {
      return RegionType.byResvName(Effect.of(other).action());
    }
    return java.util.Optional.empty();
  }

  private static String name(CheckedPolicy.Rule<?> r) {
    return r.condition() == null ? "default" : "rule `" + r.name() + "`";
  }

  /** Rule {@code k} of {@code rules} decides (k == size: the default decides). */
  private static void fires(List<Lit> lits, List<? extends CheckedPolicy.Rule<?>> rules, int k) {
    if (k < rules.size()) {
      lits.add(Lit.yes(rules.get(k).condition()));
    }
    for (int i = 0; i < k && i < rules.size(); i++) {
      lits.add(Lit.no(rules.get(i).condition()));
    }
  }
}
