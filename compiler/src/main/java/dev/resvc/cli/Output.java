package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import java.io.PrintWriter;
import java.util.List;

/** How the CLI spells errors and notes, so every command says them the same way. */
final class Output {
  /** The most characters of a file name, and of a reader's message, one error line shows. */
  static final int MAX_SOURCE = 200;
  static final int MAX_DETAIL = 400;

  private Output() {}

  /** {@code file:line:col: error: detail}, like a compiler; one line whatever the input holds. */
  static String error(InputException e) {
    String source = MessageText.clean(e.source(), MAX_SOURCE);
    String where = e.position().render();
    String prefix = where.isEmpty() ? source
        : source + ":" + (e.position() instanceof Position.Offset ? " " : "") + where;
    return prefix + ": error: " + MessageText.clean(e.detail(), MAX_DETAIL);
  }

  static void notes(PrintWriter err, List<InputNote> notes) {
    for (InputNote note : notes) {
      err.println(note.render());
    }
  }
}
