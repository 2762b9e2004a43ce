package dev.resvc.compiler.ast;

/** An entry of a {@code classify} or {@code conflicts} section. */
public sealed interface RuleItem extends Node {
  /** {@code rule NAME: when COND => ACTION;} */
  record Rule(Span span, String name, Span nameSpan, Expr condition, Action action) implements RuleItem {}

  /** {@code default => ACTION;} */
  record Default(Span span, Action action) implements RuleItem {}
}
