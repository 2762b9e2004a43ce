package dev.resvc.runtime.input;

import java.util.List;
import java.util.Objects;

/**
 * What a reader or builder returns: its value and the warnings and notes it continued past, in input
 * order. The notes travel with the value, so a result is one immutable thing that can be shared, and
 * a caller collects notes from several reads by concatenating them, not by lending out a list to fill.
 *
 * @param value what was read or built
 * @param notes the problems the reader continued past ({@link InputNote.Level#WARNING}, {@link
 *     InputNote.Level#NOTE}); a problem it could not continue past is an {@link InputException}
 */
public record Read<T>(T value, List<InputNote> notes) {
  public Read {
    Objects.requireNonNull(value, "value");
    notes = List.copyOf(notes);
  }
}
