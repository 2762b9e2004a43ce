package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.interp.Interpreter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Satisfiability of conjunctions of conditions (each required true or false) in one section, with a
 * witness confirmed by the {@link Interpreter}. The answer is exact: satisfiable with a witness,
 * unsatisfiable, or — when the step budget runs out — undecided.
 */
public final class Analyzer {
  /** Steps one query may take before it is reported as not decided. */
  public static final long DEFAULT_BUDGET = 200_000;

  /** A condition required to evaluate to {@code value}. */
  public record Lit(Cond cond, boolean value) {
    public static Lit yes(Cond c) {
      return new Lit(c, true);
    }

    public static Lit no(Cond c) {
      return new Lit(c, false);
    }
  }

  /** The answer to one query. */
  public sealed interface Outcome {
    default boolean sat() {
      return this instanceof Sat;
    }

    default boolean unsat() {
      return this instanceof Unsat;
    }
  }

  public record Sat(Witness witness) implements Outcome {}

  public record Unsat() implements Outcome {}

  public record Undecided(String why) implements Outcome {}

  private final Section section;
  private final long budget;
  /** Each condition's formula, built once; equal formulas are one object (see {@link #intern}). */
  private final Map<Cond, Formula> formulas = new IdentityHashMap<>();
  /** The negation of each interned formula, built once. */
  private final Map<Formula, Formula> negations = new IdentityHashMap<>();
  private final Map<Formula, Formula> interned = new HashMap<>();

  public Analyzer(Section section) {
    this(section, DEFAULT_BUDGET);
  }

  public Analyzer(Section section, long budget) {
    this.section = section;
    this.budget = budget;
  }

  public Section section() {
    return section;
  }

  public Outcome check(Lit... lits) {
    return check(List.of(lits));
  }

  /** Is there an input of this section on which every condition evaluates as required? */
  public Outcome check(List<Lit> lits) {
    List<Formula> terms = new ArrayList<>();
    for (Lit l : lits) {
      terms.add(formula(l));
    }
    Optional<Witness> w;
    try {
      w = new Solver(section, budget).solve(new Formula.All(terms));
    } catch (Solver.OutOfBudget e) {
      return new Undecided("the query needs more than " + budget + " steps");
    }
    if (w.isEmpty()) {
      return new Unsat();
    }
    Interpreter.Facts facts = w.get().facts();
    if (!inDomain(facts, section)) {
      return new Undecided("the witness found lies outside the inputs the evaluator produces");
    }
    for (Lit l : lits) {
      if (Interpreter.eval(l.cond(), facts) != l.value()) {
        return new Undecided("the witness found is not confirmed by the interpreter");
      }
    }
    return new Sat(w.get());
  }

  /** The formula of a literal: built, interned and negated once per condition. */
  Formula formula(Lit l) {
    Formula f = formulas.get(l.cond());
    if (f == null) {
      f = intern(Formula.of(l.cond(), section));
      formulas.put(l.cond(), f);
    }
    if (l.value()) {
      return f;
    }
    Formula n = negations.get(f);
    if (n == null) {
      n = intern(Formula.negate(f));
      negations.put(f, n);
    }
    return n;
  }

  /**
   * The one object equal to {@code f}: sub-formulas are interned first, so equal formulas share
   * their parts and the solver can count equal disjuncts by identity.
   */
  private Formula intern(Formula f) {
    Formula x = f;
    if (f instanceof Formula.All a) {
      x = new Formula.All(internAll(a.terms()));
    } else if (f instanceof Formula.Any a) {
      x = new Formula.Any(internAll(a.terms()));
    }
    Formula known = interned.putIfAbsent(x, x);
    return known == null ? x : known;
  }

  private List<Formula> internAll(List<Formula> terms) {
    List<Formula> out = new ArrayList<>(terms.size());
    for (Formula t : terms) {
      out.add(intern(t));
    }
    return List.copyOf(out);
  }

  /**
   * The inputs the analysis ranges over: in classify a device with a non-negative group and no guest;
   * in conflicts no device, and a guest range only when the region overlaps it (as the evaluator
   * calls the policy).
   */
  public static boolean inDomain(Interpreter.Facts f, Section section) {
    if (f.region() == null) {
      return false;
    }
    if (section == Section.CLASSIFY) {
      return f.device() != null && f.group() >= 0 && f.guest() == null;
    }
    return f.device() == null
        && (f.guest() == null || f.region().range().map(r -> r.overlaps(f.guest().range())).orElse(false));
  }
}
