package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import java.util.List;

/**
 * A policy that passed the checker: rules in source order with resolved conditions and the decisions
 * they return, the defaults, and the tests. Later phases (interpreter, code generator, analyser) start
 * here and never look at the AST or the source text.
 */
public record CheckedPolicy(
    String name,
    String file,
    List<ClassifyRule> classifyRules,
    ClassifyDecision classifyDefault,
    List<ConflictRule> conflictRules,
    ConflictDecision conflictDefault,
    List<TestCase> tests) {
  public CheckedPolicy {
    classifyRules = List.copyOf(classifyRules);
    conflictRules = List.copyOf(conflictRules);
    tests = List.copyOf(tests);
  }

  /** A classify rule: when {@code condition} holds, {@code decision}. */
  public record ClassifyRule(String name, Span span, Cond condition, ClassifyDecision decision) {}

  /** A conflicts rule: when {@code condition} holds, {@code decision}. */
  public record ConflictRule(String name, Span span, Cond condition, ConflictDecision decision) {}

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
