package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Types every predicate's condition after the predicates it uses, and bounds how deep a condition
 * nests through the predicates it uses (E124), so that later phases may walk a checked condition
 * recursively.
 */
final class PredicateResolver {
  /** A resolved predicate: its condition, what it looks at, and how deep it nests (see {@link Checker#MAX_DEPTH}). */
  record CheckedPredicate(Cond body, Set<Scope> scopes, int depth) {}

  private final Declarations decls;
  private final Reporter report;
  private final Map<String, CheckedPredicate> resolved = new HashMap<>();

  PredicateResolver(Declarations decls, Reporter report) {
    this.decls = decls;
    this.report = report;
  }

  /**
   * Resolves every predicate after the predicates it uses, walking the uses depth first with a stack
   * of its own: resolving one predicate then never recurses into another, so a chain of thousands of
   * predicates cannot overflow the Java stack. The declarations' resolution path holds the walk's path,
   * so a use that closes a cycle is reported (E117) where it closes, as a recursive resolution would.
   */
  void resolveAll(ConditionTyper typer) {
    record Step(String name, Iterator<String> uses) {}
    Deque<Step> path = new ArrayDeque<>();
    for (String root : decls.predicateNames()) {
      if (resolved.containsKey(root)) {
        continue;
      }
      decls.enter("predicate " + root);
      path.push(new Step(root, uses(root).iterator()));
      while (!path.isEmpty()) {
        Step top = path.peek();
        if (top.uses().hasNext()) {
          String next = top.uses().next();
          if (!resolved.containsKey(next) && decls.enter("predicate " + next)) {
            path.push(new Step(next, uses(next).iterator()));
          }
        } else {
          path.pop();
          resolved.put(top.name(), resolveBody(top.name(), typer));
          decls.leave("predicate " + top.name());
        }
      }
    }
  }

  /** The predicates {@code name}'s condition uses, in source order: the names the typer resolves. */
  private List<String> uses(String name) {
    List<String> out = new ArrayList<>();
    collectUses(decls.predicate(name).condition(), out);
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
    } else if (e instanceof Expr.Name n && decls.isPredicate(n.name())) {
      out.add(n.name());
    }
  }

  /** Checks the condition of {@code name}, whose uses are resolved already; null when it has errors. */
  private CheckedPredicate resolveBody(String name, ConditionTyper typer) {
    Set<Scope> used = EnumSet.noneOf(Scope.class);
    Cond body =
        typer.cond(decls.predicate(name).condition(), EnumSet.allOf(Scope.class), "predicate", used);
    if (body == null || !shallowEnough(body)) {
      return null;
    }
    return new CheckedPredicate(body, used, depth(body));
  }

  /**
   * The resolved predicate {@code name}; null when it has errors or when this use closes a cycle
   * (E117). Every predicate is resolved before rules are checked, and each after those it uses.
   */
  CheckedPredicate resolved(String name, Span use) {
    if (resolved.containsKey(name)) {
      return resolved.get(name);
    }
    report.error(
        "E117", use, "predicate `" + name + "` refers to itself" + decls.cycle("predicate " + name));
    return null;
  }

  /**
   * How deep {@code c} nests: each {@code and}, {@code or}, {@code not} and test is a level, and a
   * predicate use is one level plus its condition's depth. Recursion stops at predicate uses, so it
   * follows one expression, whose nesting the parser bounds.
   */
  private int depth(Cond c) {
    if (c instanceof Cond.PredicateRef p) {
      return 1 + resolved.get(p.name()).depth();
    }
    int below = 0;
    for (Cond t : children(c)) {
      below = Math.max(below, depth(t));
    }
    return 1 + below;
  }

  private static List<Cond> children(Cond c) {
    if (c instanceof Cond.And a) {
      return a.terms();
    } else if (c instanceof Cond.Or o) {
      return o.terms();
    } else if (c instanceof Cond.Not n) {
      return List.of(n.operand());
    }
    return List.of();
  }

  /**
   * Whether {@code c} nests at most {@link Checker#MAX_DEPTH} levels through the predicates it uses; if
   * not, reports E124 at the outermost predicate use on the deepest path.
   */
  boolean shallowEnough(Cond c) {
    if (depth(c) <= Checker.MAX_DEPTH) {
      return true;
    }
    Cond at = c;
    while (!(at instanceof Cond.PredicateRef)) {
      Cond deepest = null;
      for (Cond t : children(at)) {
        if (deepest == null || depth(t) > depth(deepest)) {
          deepest = t;
        }
      }
      if (deepest == null) {
        break;
      }
      at = deepest;
    }
    String through = at instanceof Cond.PredicateRef p ? " through predicate `" + p.name() + "`" : "";
    report.error(
        "E124",
        at.span(),
        "condition nested deeper than "
            + Checker.MAX_DEPTH
            + " levels"
            + through
            + " (each predicate used counts as a level, plus the levels of its condition);"
            + " flatten the chain of predicates");
    return false;
  }
}
