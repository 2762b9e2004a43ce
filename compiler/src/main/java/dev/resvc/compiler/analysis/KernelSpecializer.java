package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Scope;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.kernel.TargetKernel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy as it reads for one kernel: every test of a {@code kernel.*} or {@code host.*} field
 * replaced by its value on that kernel. {@code resvc diff --kernel A,B} diffs the two readings of one
 * policy, so the analyser's witnesses show what the kernel change decides and nothing else.
 *
 * <p>The value of each test comes from {@link Interpreter#eval}, the single definition of what a test
 * means. Predicates are shared between rules, so each predicate body is rewritten once.
 */
public final class KernelSpecializer implements Cond.Visitor<Cond> {
  private final TargetKernel kernel;
  private final Map<Cond, Cond> rewrittenBodies = new IdentityHashMap<>();

  private KernelSpecializer(TargetKernel kernel) {
    this.kernel = kernel;
  }

  /** {@code policy} with every kernel and host test decided for {@code kernel}. */
  public static CheckedPolicy at(CheckedPolicy policy, TargetKernel kernel) {
    KernelSpecializer s = new KernelSpecializer(kernel);
    return new CheckedPolicy(policy.name(), policy.file(), s.rules(policy.classifyRules()), policy.classifyDefault(),
        s.rules(policy.conflictRules()), policy.conflictDefault(), policy.tests(), policy.classifyDefaultAt(),
        policy.conflictDefaultAt());
  }

  private <D> List<CheckedPolicy.Rule<D>> rules(List<CheckedPolicy.Rule<D>> rules) {
    List<CheckedPolicy.Rule<D>> out = new ArrayList<>(rules.size());
    for (CheckedPolicy.Rule<D> r : rules) {
      out.add(new CheckedPolicy.Rule<>(r.section(), r.name(), r.span(), r.condition().accept(this), r.decision()));
    }
    return out;
  }

  /** The test's value on the kernel when it tests a kernel or host field, else the test itself. */
  private Cond leaf(Cond c, Field field) {
    if (field.scope() != Scope.KERNEL && field.scope() != Scope.HOST) {
      return c;
    }
    return new Cond.Bool(c.span(), Interpreter.eval(c, new Interpreter.Facts(kernel, null, 0, null, null)));
  }

  private List<Cond> all(List<Cond> terms) {
    List<Cond> out = new ArrayList<>(terms.size());
    for (Cond t : terms) {
      out.add(t.accept(this));
    }
    return out;
  }

  @Override
  public Cond visitBool(Cond.Bool c) {
    return c;
  }

  @Override
  public Cond visitAnd(Cond.And c) {
    return new Cond.And(c.span(), all(c.terms()));
  }

  @Override
  public Cond visitOr(Cond.Or c) {
    return new Cond.Or(c.span(), all(c.terms()));
  }

  @Override
  public Cond visitNot(Cond.Not c) {
    return new Cond.Not(c.span(), c.operand().accept(this));
  }

  @Override
  public Cond visitPredicateRef(Cond.PredicateRef c) {
    Cond body = rewrittenBodies.get(c.body());
    if (body == null) {
      body = c.body().accept(this);
      rewrittenBodies.put(c.body(), body);
    }
    return new Cond.PredicateRef(c.span(), c.name(), body);
  }

  @Override
  public Cond visitIntCompare(Cond.IntCompare c) {
    return leaf(c, c.field());
  }

  @Override
  public Cond visitIntInRange(Cond.IntInRange c) {
    return leaf(c, c.field());
  }

  @Override
  public Cond visitIntInSet(Cond.IntInSet c) {
    return leaf(c, c.field());
  }

  @Override
  public Cond visitEnumIn(Cond.EnumIn c) {
    return leaf(c, c.field());
  }

  @Override
  public Cond visitClassMatch(Cond.ClassMatch c) {
    return c;
  }

  @Override
  public Cond visitBdfIn(Cond.BdfIn c) {
    return c;
  }

  @Override
  public Cond visitDownstreamOf(Cond.DownstreamOf c) {
    return c;
  }

  @Override
  public Cond visitStringIn(Cond.StringIn c) {
    return leaf(c, c.field());
  }

  @Override
  public Cond visitIsTrue(Cond.IsTrue c) {
    return leaf(c, c.field());
  }

  @Override
  public Cond visitProtHas(Cond.ProtHas c) {
    return c;
  }

  @Override
  public Cond visitRegionOverlaps(Cond.RegionOverlaps c) {
    return c;
  }

  @Override
  public Cond visitRegionWithin(Cond.RegionWithin c) {
    return c;
  }

  @Override
  public Cond visitGuestIs(Cond.GuestIs c) {
    return c;
  }

  @Override
  public Cond visitWithinGuest(Cond.WithinGuest c) {
    return c;
  }
}
