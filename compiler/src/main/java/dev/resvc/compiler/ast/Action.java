package dev.resvc.compiler.ast;

/** What a rule (or {@code default}) decides. Which actions a section allows is the checker's business. */
public sealed interface Action extends Node {
  /** Calls the {@link Visitor} method for this kind of node. */
  <R> R accept(Visitor<R> v);

  /**
   * One method per kind of action, so that javac names every walk a new kind must reach.
   */
  interface Visitor<R> {
    R visit(Keep a);
    R visit(Drop a);
    R visit(SetType a);
    R visit(Allow a);
    R visit(Report a);
  }

  /** Classify: the region keeps the type the kernel gives it. */
  record Keep(Span span) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** Classify: the region is ignored, as out-of-tree "relax RMRR" patches do. */
  record Drop(Span span) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** Classify: the region gets this type ({@code direct}, {@code direct-relaxable}, …, as written). */
  record SetType(Span span, String typeName) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** Conflicts: nothing to report. */
  record Allow(Span span) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** Conflicts: a finding of this severity with this message. */
  record Report(Span span, Severity severity, Expr.StringLit message) implements Action {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** How bad a conflict is; {@code fatal} makes the group unassignable. */
  enum Severity {
    FATAL("fatal"), WARN("warn"), INFO("info");

    private final String keyword;

    Severity(String keyword) {
      this.keyword = keyword;
    }

    public String keyword() {
      return keyword;
    }
  }
}
