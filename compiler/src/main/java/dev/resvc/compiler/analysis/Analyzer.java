package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Section;
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

  /**
   * The most terms (tests, {@code and}, {@code or}, {@code not}) a condition may have, with every
   * predicate written out where it is used, for the analyser to take it up. Predicates that use others
   * several times make that size grow exponentially with the length of the chain, and the analysis
   * works on formulas of that size; a larger condition is left out (I205), and queries about it are not
   * decided.
   */
  public static final int MAX_TERMS = 1000;

  /** Thrown when a query names a condition of more than {@link #MAX_TERMS} terms. */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("condition too large to analyse", null, false, false);
    }
  }

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
  private final Map<Cond, Solver.Flat> flats = new IdentityHashMap<>();
  /** The conditions found to have more than {@link #MAX_TERMS} terms. */
  private final Map<Cond, Boolean> tooLarge = new IdentityHashMap<>();
  /** One solver for every query (each starts afresh; an analyser is used by one thread at a time). */
  private final Solver solver;

  public Analyzer(Section section) {
    this(section, DEFAULT_BUDGET);
  }

  public Analyzer(Section section, long budget) {
    this.section = section;
    this.budget = budget;
    this.solver = new Solver(section, budget);
  }

  public Section section() {
    return section;
  }

  /** Steps one query may take. */
  public long budget() {
    return budget;
  }

  public Outcome check(Lit... lits) {
    return check(List.of(lits));
  }

  /** Is there an input of this section on which every condition evaluates as required? */
  public Outcome check(List<Lit> lits) {
    Optional<Witness> w;
    try {
      List<Formula> terms = new ArrayList<>();
      for (Lit l : lits) {
        terms.add(formula(l));
      }
      w = solver.solve(new Formula.All(terms));
    } catch (Solver.OutOfBudget e) {
      return new Undecided("the query needs more than " + budget + " steps");
    } catch (TooLarge e) {
      return TOO_LARGE;
    }
    return confirmed(w, lits);
  }

  /**
   * As {@link #check(List)}, but the conditions required true start the search as their precomputed
   * cubes ({@link #flat}), and a witness's region is kept short ({@link Solver#solveTight}): the same
   * answer, found with less work, though possibly another witness.
   */
  Outcome checkFlat(List<Lit> lits) {
    Cube start = Cube.initial();
    List<Formula> work = new ArrayList<>();
    Optional<Witness> w;
    try {
      for (Lit l : lits) {
        if (l.value()) {
          Solver.Flat f = flat(l.cond());
          start = f.cube() == null ? null : start == Cube.initial() ? f.cube() : start.meet(f.cube());
          if (start == null) {
            return new Unsat();
          }
          work.addAll(f.ors());
        } else {
          work.add(formula(l));
        }
      }
      w = solver.solveTight(start, work);
    } catch (Solver.OutOfBudget e) {
      return new Undecided("the query needs more than " + budget + " steps");
    } catch (TooLarge e) {
      return TOO_LARGE;
    }
    return confirmed(w, lits);
  }

  /**
   * Whether both conditions can hold on one input: TRUE or FALSE, or null when the query exceeds the
   * budget. Exact, like {@link #check}, but builds no witness (so none is confirmed).
   */
  Boolean overlap(Cond x, Cond y) {
    if (tooLarge(x) || tooLarge(y)) {
      return null;
    }
    Solver.Flat a = flat(x);
    Solver.Flat b = flat(y);
    Cube start = a.cube() == null || b.cube() == null ? null : a.cube().meet(b.cube());
    if (start == null) {
      return false;
    }
    List<Formula> work = a.ors().isEmpty() ? b.ors() : new ArrayList<>(a.ors());
    if (!a.ors().isEmpty()) {
      work.addAll(b.ors());
    }
    try {
      return solver.satisfiable(start, work);
    } catch (Solver.OutOfBudget e) {
      return null;
    }
  }

  /** The condition required true, as the cube of its top-level atoms and the disjunctions left; built once. */
  Solver.Flat flat(Cond c) {
    Solver.Flat f = flats.get(c);
    return f != null ? f : newFlat(c);
  }

  // The work on a first use is kept out of the methods called for every query, which the JIT then
  // compiles sooner and smaller.

  private Solver.Flat newFlat(Cond c) {
    if (tooLarge(c)) {
      throw new TooLarge();
    }
    Solver.Flat f = Solver.flatten(formula(Lit.yes(c)));
    flats.put(c, f);
    return f;
  }

  private Outcome confirmed(Optional<Witness> w, List<Lit> lits) {
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
      f = newFormula(l.cond());
    }
    if (l.value()) {
      return f;
    }
    Formula n = negations.get(f);
    return n != null ? n : newNegation(f);
  }

  private static final Undecided TOO_LARGE =
      new Undecided("a condition has more than " + MAX_TERMS + " terms after expanding predicates");

  /** Whether {@code c} has more than {@link #MAX_TERMS} terms with its predicates written out. */
  public boolean tooLarge(Cond c) {
    Boolean known = tooLarge.get(c);
    if (known == null) {
      known = terms(c, new IdentityHashMap<>()) > MAX_TERMS;
      tooLarge.put(c, known);
    }
    return known;
  }

  /**
   * The terms of {@code c} with its predicates written out, counted without writing them out (each
   * predicate's count once, in {@code bodies}) and capped just above {@link #MAX_TERMS}.
   */
  private static long terms(Cond c, Map<Cond, Long> bodies) {
    return c.accept(new TermCount(bodies));
  }

  /** {@link #terms}: one count, with each predicate's condition counted once ({@code bodies}). */
  private static final class TermCount extends Cond.ConnectiveVisitor<Long> {
    private final Map<Cond, Long> bodies;

    TermCount(Map<Cond, Long> bodies) {
      this.bodies = bodies;
    }

    @Override
    protected Long test(Cond c) {
      return 1L;
    }

    @Override
    public Long visitPredicateRef(Cond.PredicateRef p) {
      Long known = bodies.get(p.body());
      if (known == null) {
        known = p.body().accept(this);
        bodies.put(p.body(), known);
      }
      return known;
    }

    @Override
    public Long visitBool(Cond.Bool c) {
      return 1L;
    }

    @Override
    public Long visitNot(Cond.Not x) {
      return Math.min(1 + x.operand().accept(this), MAX_TERMS + 1);
    }

    @Override
    public Long visitAnd(Cond.And a) {
      return sum(a.terms());
    }

    @Override
    public Long visitOr(Cond.Or o) {
      return sum(o.terms());
    }

    private Long sum(List<Cond> terms) {
      long n = 1;
      for (Cond t : terms) {
        n = Math.min(n + t.accept(this), MAX_TERMS + 1);
      }
      return n;
    }
  }

  private Formula newFormula(Cond c) {
    if (tooLarge(c)) {
      throw new TooLarge();
    }
    Formula f = intern(Formula.of(c, section));
    formulas.put(c, f);
    return f;
  }

  private Formula newNegation(Formula f) {
    Formula n = intern(Formula.negate(f));
    negations.put(f, n);
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
