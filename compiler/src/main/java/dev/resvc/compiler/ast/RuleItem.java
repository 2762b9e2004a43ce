package dev.resvc.compiler.ast;

/** An entry of a {@code classify} or {@code conflicts} section. */
public sealed interface RuleItem extends Node {
  /** Calls the {@link Visitor} method for this kind of node. */
  <R> R accept(Visitor<R> v);

  /**
   * One method per kind of section entry, so that javac names every walk a new kind must reach.
   */
  interface Visitor<R> {
    R visit(Rule item);
    R visit(Default item);
  }

  /** {@code rule NAME: when COND => ACTION;} */
  record Rule(Span span, String name, Span nameSpan, Expr condition, Action action) implements RuleItem {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code default => ACTION;} */
  record Default(Span span, Action action) implements RuleItem {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }
}
