package dev.resvc.compiler.ast;

import java.util.List;

/** A top-level item of a {@code .resv} file, in source order (the formatter keeps that order). */
public sealed interface Item extends Node {
  /** {@code policy examples.IntelVtdKernelDefault;} — also the generated Java class name. */
  record PolicyDecl(Span span, String qualifiedName) implements Item {}

  /** {@code import "pci-classes.resv";} — resolved relative to the importing file. */
  record Import(Span span, Expr.StringLit path) implements Item {}

  /** {@code const NAME = EXPR;} */
  record Const(Span span, String name, Span nameSpan, Expr value) implements Item {}

  /** {@code predicate NAME = COND;} */
  record Predicate(Span span, String name, Span nameSpan, Expr condition) implements Item {}

  /** {@code classify { … }} */
  record Classify(Span span, List<RuleItem> items) implements Item {
    public Classify {
      items = List.copyOf(items);
    }
  }

  /** {@code conflicts { … }} */
  record Conflicts(Span span, List<RuleItem> items) implements Item {
    public Conflicts {
      items = List.copyOf(items);
    }
  }

  /** {@code test "name" { … }} */
  record Test(Span span, Expr.StringLit name, List<TestStmt> statements) implements Item {
    public Test {
      statements = List.copyOf(statements);
    }
  }
}
