package dev.resvc.runtime.input;

/**
 * Bad input: a malformed region list, a truncated ACPI table, a garbage sysfs line. Always names the
 * input and the position, so that one line tells the user what to fix. The name and the detail often
 * quote the input, so both are made one clean line here ({@link MessageText}), whoever built them.
 */
public final class InputException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The most characters of a name or a detail kept: enough for any real path or message. */
  static final int MAX_TEXT = 400;

  private final String source;
  private final Position position;
  private final String detail;

  public InputException(String source, Position position, String detail) {
    super(render(MessageText.clean(source, MAX_TEXT), position, MessageText.clean(detail, MAX_TEXT)));
    this.source = MessageText.clean(source, MAX_TEXT);
    this.position = position;
    this.detail = MessageText.clean(detail, MAX_TEXT);
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
