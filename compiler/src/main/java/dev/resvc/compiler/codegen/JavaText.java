package dev.resvc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * The most bytes a string constant takes in a class file: a {@code CONSTANT_Utf8} entry has a
   * 16-bit length (JVMS §4.4.7), and javac refuses a longer literal ("constant string too long").
   */
  static final int CONSTANT_BYTES = 65_535;

  /** The most chars javac takes in one string constant: it refuses 65,535 or more, whatever their bytes. */
  static final int CONSTANT_CHARS = 65_534;

  /**
   * A Java expression whose value is {@code s}: a literal ({@link #stringLiteral}) when it fits a
   * string constant, else {@code String.join("", part, part, …)} of literals that each fit. A call is
   * no constant expression, so javac does not fold the parts back into one constant.
   */
  static CodeBlock string(String s) {
    List<String> parts = constantParts(s);
    if (parts.size() == 1) {
      return CodeBlock.of("$L", stringLiteral(s));
    }
    CodeBlock.Builder b = CodeBlock.builder().add("$T.join(\"\"", String.class);
    for (String part : parts) {
      b.add(",$W$L", stringLiteral(part));
    }
    return b.add(")").build();
  }

  /**
   * {@code s} cut into consecutive parts of at most {@link #CONSTANT_CHARS} chars and {@link
   * #CONSTANT_BYTES} bytes each in a class file's modified UTF-8 (1 byte for U+0001..U+007F, 2 for NUL
   * and up to U+07FF, 3 for every other char, surrogates each on their own), never between the two
   * halves of a surrogate pair; one part (possibly empty) when it fits.
   */
  static List<String> constantParts(String s) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int size = c != 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      int pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
          ? 3 : 0;
      if (bytes + size + pair > CONSTANT_BYTES || i - start + (pair > 0 ? 2 : 1) > CONSTANT_CHARS) {
        parts.add(s.substring(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    parts.add(s.substring(start));
    return parts;
  }

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
