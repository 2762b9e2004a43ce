package dev.resvc.compiler.diag;

import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.json.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders diagnostics as a compiler does ({@code file:line:col: error[E012]: message}, the source
 * line, a caret under the span, then notes) or as JSON.
 */
public final class DiagnosticRenderer {
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
      sb.append(s.file()).append(':').append(s.line()).append(':').append(s.column()).append(": ")
          .append(d.severity().word()).append('[').append(d.code()).append("]: ").append(d.message()).append('\n');
      String line = sourceLine(s.file(), s.line());
      if (line != null) {
        sb.append("  ").append(line).append('\n');
        sb.append("  ").append(caretPad(line, s.column() - 1)).append('^');
        int extra = Math.min(Math.max(s.length(), 1), Math.max(1, line.length() - s.column() + 1)) - 1;
        sb.append("~".repeat(Math.max(0, extra))).append('\n');
      }
      for (Diagnostic.Note n : d.notes()) {
        sb.append("  = note: ").append(n.message());
        n.span().ifPresent(at -> sb.append(" (").append(at).append(')'));
        sb.append('\n');
      }
    }
    return sb.toString();
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

  public static Json.Arr json(List<Diagnostic> diagnostics) {
    Json.Arr arr = Json.array();
    for (Diagnostic d : diagnostics) {
      Json.Arr notes = Json.array();
      for (Diagnostic.Note n : d.notes()) {
        Json.Obj note = Json.object().put("message", n.message());
        n.span().ifPresent(at -> note.put("file", at.file()).put("line", at.line()).put("column", at.column()));
        notes.add(note);
      }
      arr.add(Json.object()
          .put("code", d.code())
          .put("severity", d.severity().word())
          .put("file", d.span().file())
          .put("line", d.span().line())
          .put("column", d.span().column())
          .put("length", d.span().length())
          .put("message", d.message())
          .put("notes", notes));
    }
    return arr;
  }
}
