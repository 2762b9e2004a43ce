package dev.resvc.maven;

import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem the plugin reports, at a place in a file named by its absolute path: how it is printed
 * ({@link #text()}, one line, so that a terminal, CI log parser or IDE console can link it) and where an
 * IDE marks it ({@link #file()}, {@link #line()}, {@link #column()}; line 0 when it concerns the whole
 * file).
 */
public record Problem(Path file, int line, int column, Diagnostic.Severity severity, String message, String text) {
  public Problem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(text, "text");
  }

  /**
   * A compiler diagnostic: {@code /abs/file.resv:3:14: error[E101]: message}, its notes folded into the
   * same line as {@code (note: …)}, since the plugin prints one line per diagnostic.
   *
   * @param base what the diagnostic's relative file names are relative to (the project base directory)
   */
  static Problem of(Diagnostic d, Path base) {
    Path file = absolute(base, d.span().file());
    StringBuilder text = new StringBuilder(DiagnosticRenderer.headline(d, file.toString()));
    StringBuilder message = new StringBuilder("[" + d.code().id() + "] " + d.message());
    for (Diagnostic.Note n : d.notes()) {
      String note = " (note: " + DiagnosticRenderer.note(n, f -> absolute(base, f).toString()) + ")";
      text.append(note);
      message.append(note);
    }
    return new Problem(file, d.span().line(), d.span().column(), d.severity(), message.toString(), text.toString());
  }

  /** A problem of a whole file, with no code: {@code /abs/file.resv: error: message}. */
  static Problem ofFile(Path file, String message) {
    Path abs = file.toAbsolutePath().normalize();
    return new Problem(abs, 0, 0, Diagnostic.Severity.ERROR, message, abs + ": error: " + message);
  }

  /** A problem at a span without a code (a failed policy test): {@code /abs/file.resv:9:3: error: message}. */
  static Problem at(Span span, Path base, String message) {
    Path file = absolute(base, span.file());
    return new Problem(file, span.line(), span.column(), Diagnostic.Severity.ERROR, message,
        file + ":" + span.line() + ":" + span.column() + ": error: " + message);
  }

  /** A file name as the compiler gave it (relative to {@code base}, or absolute) as an absolute path. */
  static Path absolute(Path base, String name) {
    return base.toAbsolutePath().resolve(name).normalize();
  }
}
