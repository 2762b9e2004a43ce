package dev.resvc.compiler.syntax;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Values of literal tokens, with the checks the lexer leaves to the front end. */
final class Literals {
  private static final BigInteger U64_LIMIT = BigInteger.ONE.shiftLeft(64);
  private static final String SUFFIXES = "KMGTPE";

  private Literals() {}

  /**
   * The value of a decimal (with optional K M G T P E suffix), {@code 0x} hex or {@code 0b} binary
   * literal, or null when it does not fit in 64 unsigned bits. Digits past what 64 bits can hold are
   * refused before any arithmetic, so a megabyte of digits costs one pass, not BigInteger's quadratic
   * parse.
   */
  static Long unsigned(String text) {
    String digits = text.replace("_", "");
    int radix = 10;
    int shift = 0;
    if (digits.length() > 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
      radix = 16;
      digits = digits.substring(2);
    } else if (digits.length() > 2 && (digits.startsWith("0b") || digits.startsWith("0B"))) {
      radix = 2;
      digits = digits.substring(2);
    } else {
      int suffix = SUFFIXES.indexOf(digits.charAt(digits.length() - 1));
      if (suffix >= 0) {
        shift = 10 * (suffix + 1);
        digits = digits.substring(0, digits.length() - 1);
      }
    }
    int first = 0;
    while (first < digits.length() - 1 && digits.charAt(first) == '0') {
      first++;
    }
    if (digits.length() - first > maxDigits(radix)) {
      return null;
    }
    BigInteger value = new BigInteger(digits.substring(first), radix).shiftLeft(shift);
    return value.compareTo(U64_LIMIT) < 0 ? value.longValue() : null;
  }

  /** The most significant digits a 64-bit value has in {@code radix}: 2^64 - 1 has 20 decimal digits. */
  private static int maxDigits(int radix) {
    return switch (radix) {
      case 2 -> 64;
      case 16 -> 16;
      default -> 20;
    };
  }

  /** segment, bus, device, function of {@code 00:14.0} or {@code 0000:00:14.0}. */
  static int[] bdf(String text) {
    String[] colon = text.split(":");
    int segment = colon.length == 3 ? Integer.parseInt(colon[0], 16) : 0;
    int bus = Integer.parseInt(colon[colon.length - 2], 16);
    String[] dot = colon[colon.length - 1].split("\\.");
    return new int[] {segment, bus, Integer.parseInt(dot[0], 16), Integer.parseInt(dot[1], 16)};
  }

  /** value (wildcards as zero) and matched bits of {@code 0x0c03xx} / {@code 0x03xxxx}. */
  static int[] classPattern(String text) {
    String body = text.substring(2).toLowerCase(java.util.Locale.ROOT);
    int fixed = body.indexOf('x');
    int value = Integer.parseInt(body.substring(0, fixed), 16) << (4 * (6 - fixed));
    return new int[] {value, fixed * 4};
  }

  /** A string's value and the escapes it got wrong. */
  record Unescaped(String value, List<Integer> badEscapeOffsets) {}

  /** Resolves {@code \" \\ \n \t} in a string token (with or without its closing quote). */
  static Unescaped unescape(String token) {
    int end = token.length() > 1 && token.endsWith("\"") && !endsWithEscapedQuote(token)
        ? token.length() - 1 : token.length();
    StringBuilder sb = new StringBuilder();
    List<Integer> bad = new ArrayList<>();
    for (int i = 1; i < end; i++) {
      char c = token.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i + 1 >= end) {
        bad.add(i);
        break;
      }
      char e = token.charAt(++i);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        default -> {
          bad.add(i - 1);
          sb.append(e);
        }
      }
    }
    return new Unescaped(sb.toString(), bad);
  }

  /** True when the final quote of an unterminated string is itself escaped ({@code "abc\"}). */
  private static boolean endsWithEscapedQuote(String token) {
    int backslashes = 0;
    for (int i = token.length() - 2; i >= 1 && token.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1 || token.length() == 1;
  }
}
