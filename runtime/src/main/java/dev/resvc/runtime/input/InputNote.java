package dev.resvc.runtime.input;

import java.util.Objects;

/**
 * Something a reader noticed that does not stop it: a bad checksum the kernel would accept too, an
 * unknown ACPI structure skipped by its length, a zero-length region, a truncated sysfs file.
 */
public record InputNote(Level level, String source, Position position, String message) {
  public enum Level {
    /** Worth knowing; the result is as the kernel would see it. */
    NOTE,
    /** Probably a firmware or input problem; the result may surprise. */
    WARNING
  }

  public InputNote {
    Objects.requireNonNull(level);
    Objects.requireNonNull(source);
    Objects.requireNonNull(position);
    Objects.requireNonNull(message);
  }

  public static InputNote warning(String source, Position position, String message) {
    return new InputNote(Level.WARNING, source, position, message);
  }

  public static InputNote note(String source, Position position, String message) {
    return new InputNote(Level.NOTE, source, position, message);
  }

  /** {@code file:12: warning: message}. */
  public String render() {
    String where = position.render();
    String prefix = where.isEmpty() ? source : source + ":" + (position instanceof Position.Offset ? " " : "") + where;
    return prefix + ": " + level.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
  }
}
