package dev.resvc.runtime.input;

/**
 * Bad input: a malformed region list, a truncated ACPI table, a garbage sysfs line. Always names the
 * input and the position, so that one line tells the user what to fix.
 */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final Position position;
  private final String detail;

  public InputException(String source, Position position, String detail) {
    super(render(source, position, detail));
    this.source = source;
    this.position = position;
    this.detail = detail;
  }

  public InputException(String source, Position position, String detail, Throwable cause) {
    this(source, position, detail);
    initCause(cause);
  }

  static String render(String source, Position position, String detail) {
    String where = position.render();
    return where.isEmpty() ? source + ": " + detail : source + ":" + sep(position) + where + ": " + detail;
  }

  private static String sep(Position position) {
    return position instanceof Position.Offset ? " " : "";
  }

  public String source() {
    return source;
  }

  public Position position() {
    return position;
  }

  /** The message without the source and position. */
  public String detail() {
    return detail;
  }
}
