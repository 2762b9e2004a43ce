package dev.resvc.compiler.codegen;

import java.util.Locale;

/**
 * Turns text from a policy into pieces of Java source that can never break out of where they are put.
 * Everything it returns is printable ASCII, so the generated files read the same in every encoding.
 *
 * <p>javac translates {@code \}{@code uXXXX} escapes before it even finds comments and string
 * literals, so a policy string holding {@code \}{@code u000a} could end a line comment or a literal
 * early. Both functions here double every backslash of the input (a backslash preceded by an odd
 * number of backslashes never starts an escape) and write line terminators as ordinary escapes.
 */
final class JavaText {
  private JavaText() {}

  /** A Java string literal, quotes included, with the exact value {@code s}. */
  static String stringLiteral(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            // An escape the lexer resolves inside the literal: never CR or LF (handled above), never
            // a quote or a backslash, so it cannot end the literal.
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Text safe inside a {@code //} comment: backslashes doubled, control characters (line
   * terminators among them) shown as {@code ^X} or {@code ^?}, other non-ASCII characters written as
   * unicode escapes that javac resolves to the same harmless character.
   */
  static String comment(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c < 0x20) {
        sb.append('^').append((char) (c + 0x40));
      } else if (c == 0x7f) {
        sb.append("^?");
      } else if (c > 0x7e) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
