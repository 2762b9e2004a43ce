package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import java.util.List;

/**
 * A policy that passed the checker: rules in source order with resolved conditions and the decisions
 * they return, the defaults (with where their {@code default} keyword is, {@link Span#none} for an
 * implicit one, so that the analyser points at the keyword), and the tests. Later phases (interpreter, code generator, analyser) start
 * here and never look at the AST or the source text.
 */
public record CheckedPolicy(
    String name,
    String file,
    List<Rule<ClassifyDecision>> classifyRules,
    ClassifyDecision classifyDefault,
    List<Rule<ConflictDecision>> conflictRules,
    ConflictDecision conflictDefault,
    List<TestCase> tests,
    Span classifyDefaultAt,
    Span conflictDefaultAt) {
  public CheckedPolicy {
    classifyRules = List.copyOf(classifyRules);
    conflictRules = List.copyOf(conflictRules);
    tests = List.copyOf(tests);
  }

  /**
   * A policy whose defaults are written nowhere in particular ({@link Span#none}): for policies built in
   * code, such as the random ones of the analyser's tests.
   */
  public CheckedPolicy(String name, String file, List<Rule<ClassifyDecision>> classifyRules,
      ClassifyDecision classifyDefault, List<Rule<ConflictDecision>> conflictRules, ConflictDecision conflictDefault,
      List<TestCase> tests) {
    this(name, file, classifyRules, classifyDefault, conflictRules, conflictDefault, tests, Span.none(file),
        Span.none(file));
  }

  /**
   * A rule of {@code section}: when {@code condition} holds, {@code decision} (a {@link ClassifyDecision}
   * in classify, a {@link ConflictDecision} in conflicts). Every phase takes rules in this one form.
   */
  public record Rule<D>(Section section, String name, Span span, Cond condition, D decision) {
    public static Rule<ClassifyDecision> classify(String name, Span span, Cond condition, ClassifyDecision decision) {
      return new Rule<>(Section.CLASSIFY, name, span, condition, decision);
    }

    public static Rule<ConflictDecision> conflict(String name, Span span, Cond condition, ConflictDecision decision) {
      return new Rule<>(Section.CONFLICTS, name, span, condition, decision);
    }
  }

  /** The rules of {@code section}, in source order. */
  public List<? extends Rule<?>> rules(Section section) {
    return section == Section.CLASSIFY ? classifyRules : conflictRules;
  }

  /** The simple name of the generated class ({@code IntelVtdKernelDefault}). */
  public String simpleName() {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }

  /** The package of the generated class, possibly empty. */
  public String packageName() {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }
}
