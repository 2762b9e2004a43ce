package dev.resvc.runtime.input;

/**
 * Makes text from an input safe to print in a one-line message: control characters (CR, NUL, the ESC
 * that starts a terminal escape sequence) are written as escapes, and long text is cut with an
 * ellipsis, so a hostile token can neither rewrite the terminal nor flood it.
 */
public final class MessageText {
  /** The most characters of input text one message quotes. */
  public static final int MAX_QUOTE = 80;

  private MessageText() {}

  /** {@code text} with control characters escaped and cut to at most {@code max} characters plus "…". */
  public static String clean(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 8);
    int i = 0;
    while (i < text.length() && out.length() < max) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT) {
            out.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    }
    if (i < text.length()) {
      out.append('…');
    }
    return out.toString();
  }

  /** {@link #clean(String, int)} with the default quote length. */
  public static String clean(String text) {
    return clean(text, MAX_QUOTE);
  }

  /** {@code 'text'}, cleaned with the default quote length: how a message quotes a token of the input. */
  public static String quote(String text) {
    return "'" + clean(text) + "'";
  }
}
