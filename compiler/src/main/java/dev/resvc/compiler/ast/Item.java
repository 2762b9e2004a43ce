package dev.resvc.compiler.ast;

import java.util.List;

/** A top-level item of a {@code .resv} file, in source order (the formatter keeps that order). */
public sealed interface Item extends Node {
  /** Calls the {@link Visitor} method for this kind of node. */
  <R> R accept(Visitor<R> v);

  /**
   * One method per kind of item, so that javac names every walk a new kind must reach.
   */
  interface Visitor<R> {
    R visit(PolicyDecl item);
    R visit(Import item);
    R visit(Const item);
    R visit(Predicate item);
    R visit(Classify item);
    R visit(Conflicts item);
    R visit(Test item);
  }

  /** {@code policy examples.IntelVtdKernelDefault;} — also the generated Java class name. */
  record PolicyDecl(Span span, String qualifiedName) implements Item {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code import "pci-classes.resv";} — resolved relative to the importing file. */
  record Import(Span span, Expr.StringLit path) implements Item {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code const NAME = EXPR;} */
  record Const(Span span, String name, Span nameSpan, Expr value) implements Item {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code predicate NAME = COND;} */
  record Predicate(Span span, String name, Span nameSpan, Expr condition) implements Item {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** A section of rules: {@code classify} or {@code conflicts}, which hold the same kind of entries. */
  sealed interface RuleSection extends Item {
    List<RuleItem> items();
  }

  /** {@code classify { … }} */
  record Classify(Span span, List<RuleItem> items) implements RuleSection {
    public Classify {
      items = List.copyOf(items);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code conflicts { … }} */
  record Conflicts(Span span, List<RuleItem> items) implements RuleSection {
    public Conflicts {
      items = List.copyOf(items);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code test "name" { … }} */
  record Test(Span span, Expr.StringLit name, List<TestStmt> statements) implements Item {
    public Test {
      statements = List.copyOf(statements);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }
}
