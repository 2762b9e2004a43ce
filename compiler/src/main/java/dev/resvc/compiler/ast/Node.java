package dev.resvc.compiler.ast;

/** Every AST node knows its source span. */
public interface Node {
  Span span();
}
