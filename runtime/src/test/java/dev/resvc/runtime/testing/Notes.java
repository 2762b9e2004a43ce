package dev.resvc.runtime.testing;

import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import java.util.List;

/** For tests that check the notes of several reads at once: collects each read's notes in one list. */
public final class Notes {
  private Notes() {}

  /** {@code read}'s value, after adding its notes to {@code notes}. */
  public static <T> T keep(Read<T> read, List<InputNote> notes) {
    notes.addAll(read.notes());
    return read.value();
  }
}
