package dev.resvc.fuzz;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import java.util.List;

/**
 * What every target asks of a reader that refuses an input or notes something about it: the text
 * reaches the user as one line of stderr, so it must hold no line break or other control character
 * (a hostile input must not rewrite the terminal) and must stay short enough to read.
 */
final class Refusals {
  /** The longest message a target accepts; real messages are well under half of this. */
  static final int MAX_LENGTH = 600;

  private Refusals() {}

  /** Fails (a finding) unless {@code e}'s message is one clean line. */
  static void requireOneCleanLine(InputException e) {
    requireOneCleanLine(e.getMessage(), "refusal");
  }

  /** Fails (a finding) unless every note renders as one clean line. */
  static void requireCleanNotes(List<InputNote> notes) {
    notes.forEach(n -> requireOneCleanLine(n.render(), "note"));
  }

  /** Fails (a finding) unless every note, given as its text, is one clean line. */
  static void requireCleanTexts(List<String> notes) {
    notes.forEach(n -> requireOneCleanLine(n, "note"));
  }

  private static void requireOneCleanLine(String message, String what) {
    if (message.length() > MAX_LENGTH) {
      throw new AssertionError(what + " message of " + message.length() + " characters, over " + MAX_LENGTH
          + ": " + message.substring(0, 200) + "…");
    }
    if (message.codePoints().anyMatch(Character::isISOControl)) {
      throw new AssertionError(what + " message holds a control character: " + message.replaceAll("\\p{Cntrl}", "␀"));
    }
  }
}
