package dev.resvc.compiler.diag;

import dev.resvc.compiler.ast.Span;
import java.util.List;
import java.util.Objects;

/**
 * One problem found in a policy, by any phase: a stable {@link Code} (documented in docs/diagnostics.md),
 * a severity, where, what, and optional notes ("did you mean …", "first defined here").
 */
public record Diagnostic(Code code, Severity severity, Span span, String message, List<Note> notes) {
  public Diagnostic {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(message, "message");
    notes = List.copyOf(notes);
  }

  public enum Severity {
    ERROR, WARNING, INFO;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A secondary message, optionally pointing elsewhere. */
  public record Note(String message, java.util.Optional<Span> span) {}

  public static Diagnostic error(Code code, Span span, String message, Note... notes) {
    return new Diagnostic(code, Severity.ERROR, span, message, List.of(notes));
  }

  public static Diagnostic warning(Code code, Span span, String message, Note... notes) {
    return new Diagnostic(code, Severity.WARNING, span, message, List.of(notes));
  }

  public static Note note(String message) {
    return new Note(message, java.util.Optional.empty());
  }

  public static Note note(String message, Span at) {
    return new Note(message, java.util.Optional.of(at));
  }
}
