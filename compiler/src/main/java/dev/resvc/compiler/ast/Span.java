package dev.resvc.compiler.ast;

import java.util.Objects;

/**
 * Where a node came from: the file as the user named it, 1-based line and column of its first
 * character, and its length in characters on that line (at least 1). Diagnostics, provenance and
 * generated-code comments all point here.
 */
public record Span(String file, int line, int column, int length) {
  public Span {
    Objects.requireNonNull(file, "file");
    if (line < 1 || column < 1 || length < 0) {
      throw new IllegalArgumentException("bad span " + file + ":" + line + ":" + column + "+" + length);
    }
  }

  /** A span for things that have no place in a file (built-in names, synthesized nodes). */
  public static Span none(String file) {
    return new Span(file, 1, 1, 0);
  }

  /** {@code file:line:column}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
