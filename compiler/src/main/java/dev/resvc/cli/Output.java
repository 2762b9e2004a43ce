package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import java.io.PrintWriter;
import java.util.List;

/** How the CLI spells errors and notes, so every command says them the same way. */
final class Output {
  private Output() {}

  /** {@code file:line:col: error: detail}, like a compiler. */
  static String error(InputException e) {
    String where = e.position().render();
    String prefix = where.isEmpty() ? e.source()
        : e.source() + ":" + (e.position() instanceof Position.Offset ? " " : "") + where;
    return prefix + ": error: " + e.detail();
  }

  static void notes(PrintWriter err, List<InputNote> notes) {
    for (InputNote note : notes) {
      err.println(note.render());
    }
  }
}
