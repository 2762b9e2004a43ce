package dev.resvc.compiler.diag;

import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.input.MessageText;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders diagnostics as a compiler does ({@code file:line:col: error[E012]: message}, the source
 * line, a caret under the span, then notes) or as JSON.
 */
public final class DiagnosticRenderer {
  /** The most characters of a source line shown under a diagnostic. */
  static final int MAX_EXCERPT = 120;
  /** How much of the line before the caret a cut excerpt keeps. */
  private static final int CONTEXT_BEFORE = 40;
  /**
   * The most characters of a message, and of a file name, one diagnostic shows. A file name is as long
   * as a real path can be (Linux's PATH_MAX): the Maven plugin names files by absolute path, and a cut
   * one no longer opens in an IDE.
   */
  private static final int MAX_MESSAGE = 1000;
  private static final int MAX_FILE_NAME = 4096;

  private final Map<String, String> sources;
  /** Each file's lines, split once (a lint of a large policy quotes the same file many thousand times). */
  private final Map<String, String[]> lines = new HashMap<>();

  /** @param sources file name (as in spans) to its text, for quoting source lines */
  public DiagnosticRenderer(Map<String, String> sources) {
    this.sources = sources;
  }

  public String text(List<Diagnostic> diagnostics) {
    StringBuilder sb = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      Span s = d.span();
      sb.append(headline(d, s.file())).append('\n');
      String line = sourceLine(s.file(), s.line());
      if (line != null) {
        Excerpt e = Excerpt.of(line, s.column() - 1, Math.max(s.length(), 1));
        sb.append("  ").append(e.text()).append('\n');
        sb.append("  ").append(caretPad(e.text(), e.caret())).append('^').append("~".repeat(e.tildes())).append('\n');
      }
      for (Diagnostic.Note n : d.notes()) {
        sb.append("  = note: ").append(note(n, f -> f)).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * A diagnostic's first line, {@code file:line:col: error[E101]: message}, with the file named {@code
   * file} (the Maven plugin names it by its absolute path); every renderer of that line goes through here.
   */
  public static String headline(Diagnostic d, String file) {
    Span s = d.span();
    return MessageText.clean(file, MAX_FILE_NAME) + ':' + s.line() + ':' + s.column() + ": " + d.severity().word()
        + '[' + d.code().id() + "]: " + MessageText.clean(d.message(), MAX_MESSAGE);
  }

  /** A note as {@link #text} shows it after {@code = note: }, with its place named by {@code file}. */
  public static String note(Diagnostic.Note n, java.util.function.UnaryOperator<String> file) {
    return MessageText.clean(n.message(), MAX_MESSAGE) + n.span()
        .map(at -> " (" + MessageText.clean(file.apply(at.file()) + ":" + at.line() + ":" + at.column(), MAX_FILE_NAME) + ")")
        .orElse("");
  }

  /**
   * The part of a source line shown under a diagnostic: the whole line when it is short, else a window
   * of {@link #MAX_EXCERPT} characters around the caret with an ellipsis where it was cut (a 20 KB line
   * quoted whole under each of its errors would flood the terminal). Control and format characters are
   * shown as visible symbols, one column each, so the caret still lines up and the terminal is safe.
   *
   * @param text what to print
   * @param caret the caret's column in {@code text} (0-based)
   * @param tildes how many {@code ~} follow the caret
   */
  record Excerpt(String text, int caret, int tildes) {
    static Excerpt of(String line, int column, int length) {
      int start = 0;
      int end = line.length();
      if (line.length() > MAX_EXCERPT) {
        start = Math.max(0, Math.min(column - CONTEXT_BEFORE, line.length() - MAX_EXCERPT));
        end = Math.min(line.length(), start + MAX_EXCERPT);
        if (start > 0 && Character.isLowSurrogate(line.charAt(start))) {
          start++;
        }
        if (end < line.length() && Character.isHighSurrogate(line.charAt(end - 1))) {
          end--;
        }
      }
      String lead = start > 0 ? "…" : "";
      String text = lead + visible(line.substring(start, end)) + (end < line.length() ? "…" : "");
      int caret = column - start + lead.length();
      int tildes = Math.max(0, Math.min(length, Math.max(1, end - column)) - 1);
      return new Excerpt(text, caret, tildes);
    }

    private static String visible(String part) {
      StringBuilder out = new StringBuilder(part.length());
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c == '\t') {
          out.append(c);
        } else if (c < 0x20) {
          out.append((char) (0x2400 + c)); // the Control Pictures block: U+2400 is ␀, U+241B is ␛
        } else if (c == 0x7f) {
          out.append('\u2421');
        } else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT) {
          out.append('\ufffd');
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }

  /** Spaces up to {@code col}, keeping tabs so the caret lines up under tab-indented source. */
  private static String caretPad(String line, int col) {
    StringBuilder pad = new StringBuilder();
    for (int i = 0; i < col && i < line.length(); i++) {
      pad.append(line.charAt(i) == '\t' ? '\t' : ' ');
    }
    for (int i = line.length(); i < col; i++) {
      pad.append(' ');
    }
    return pad.toString();
  }

  private String sourceLine(String file, int lineNo) {
    String text = sources.get(file);
    if (text == null) {
      return null;
    }
    String[] lines = this.lines.computeIfAbsent(file, f -> text.split("\n", -1));
    if (lineNo < 1 || lineNo > lines.length) {
      return null;
    }
    String line = lines[lineNo - 1];
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  /** Diagnostics as the CLI's JSON documents carry them (their {@code diagnostics} key). */
  public static Json.Arr json(List<Diagnostic> diagnostics) {
    Json.Arr arr = Json.array();
    diagnostics.forEach(d -> arr.add(json(d)));
    return arr;
  }

  /**
   * One diagnostic: code, severity, position, message and notes; a note's position is {@code null}
   * when it has none. The analyser's findings extend this shape.
   */
  public static Json.Obj json(Diagnostic d) {
    Json.Arr notes = Json.array();
    for (Diagnostic.Note n : d.notes()) {
      notes.add(Json.object()
          .put("message", n.message())
          .put("file", n.span().map(at -> at.file()).orElse(null))
          .put("line", n.span().map(at -> at.line()).orElse(null))
          .put("column", n.span().map(at -> at.column()).orElse(null)));
    }
    return Json.object()
        .put("code", d.code().id())
        .put("severity", d.severity().word())
        .put("file", d.span().file())
        .put("line", d.span().line())
        .put("column", d.span().column())
        .put("length", d.span().length())
        .put("message", d.message())
        .put("notes", notes);
  }
}
