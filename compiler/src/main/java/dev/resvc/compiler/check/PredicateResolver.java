package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    decls.predicate(name).condition().accept(new Uses(out));
    return out;
  }

  /**
   * Collects the predicate names a condition uses, through {@code and}, {@code or}, {@code not} and
   * parentheses (where the typer looks for them); recursion over one expression, whose nesting the
   * parser bounds (E003).
   */
  private final class Uses implements Expr.Visitor<Void> {
    private final List<String> out;

    Uses(List<String> out) {
      this.out = out;
    }

    @Override
    public Void visit(Expr.Name n) {
      if (decls.isPredicate(n.name())) {
        out.add(n.name());
      }
      return null;
    }

    @Override
    public Void visit(Expr.Paren p) {
      return p.inner().accept(this);
    }

    @Override
    public Void visit(Expr.Not n) {
      return n.operand().accept(this);
    }

    @Override
    public Void visit(Expr.And a) {
      a.left().accept(this);
      return a.right().accept(this);
    }

    @Override
    public Void visit(Expr.Or o) {
      o.left().accept(this);
      return o.right().accept(this);
    }

    // The other kinds are values or tests of fields: no predicate is used there.

    @Override
    public Void visit(Expr.BoolLit b) {
      return null;
    }

    @Override
    public Void visit(Expr.IntLit i) {
      return null;
    }

    @Override
    public Void visit(Expr.VersionLit v) {
      return null;
    }

    @Override
    public Void visit(Expr.StringLit s) {
      return null;
    }

    @Override
    public Void visit(Expr.BdfLit b) {
      return null;
    }

    @Override
    public Void visit(Expr.ClassPattern p) {
      return null;
    }

    @Override
    public Void visit(Expr.Field f) {
      return null;
    }

    @Override
    public Void visit(Expr.Call c) {
      return null;
    }

    @Override
    public Void visit(Expr.RangeLit r) {
      return null;
    }

    @Override
    public Void visit(Expr.SizedRange r) {
      return null;
    }

    @Override
    public Void visit(Expr.SetLit s) {
      return null;
    }

    @Override
    public Void visit(Expr.Compare c) {
      return null;
    }

    @Override
    public Void visit(Expr.In i) {
      return null;
    }

    @Override
    public Void visit(Expr.Matches m) {
      return null;
    }

    @Override
    public Void visit(Expr.Has h) {
      return null;
    }
  }

  /** Checks the condition of {@code name}, whose uses are resolved already; null when it has errors. */
  private CheckedPredicate resolveBody(String name, ConditionTyper typer) {
    Set<Scope> used = EnumSet.noneOf(Scope.class);
    Cond body = typer.predicateBody(decls.predicate(name).condition(), used);
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
        Code.DEFINITION_CYCLE, use, "predicate `" + name + "` refers to itself" + decls.cycle("predicate " + name));
    return null;
  }

  /**
   * How deep {@code c} nests: each {@code and}, {@code or}, {@code not} and test is a level, and a
   * predicate use is one level plus its condition's depth. Recursion stops at predicate uses, so it
   * follows one expression, whose nesting the parser bounds.
   */
  private int depth(Cond c) {
    Optional<Cond.PredicateRef> used = c.asPredicateUse();
    if (used.isPresent()) {
      return 1 + resolved.get(used.get().name()).depth();
    }
    int below = 0;
    for (Cond t : c.operands()) {
      below = Math.max(below, depth(t));
    }
    return 1 + below;
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
    report.error(
        Code.PREDICATES_TOO_DEEP,
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
