package dev.resvc.runtime.policy.index;

import java.util.Arrays;

/** Reads the text tables generated policies carry: unsigned hex numbers and decimal rule lists. */
final class TableText {
  private TableText() {}

  /** The lines of {@code parts} joined, without empty lines. */
  static String[] lines(String... parts) {
    String all = String.join("", parts);
    return Arrays.stream(all.split("\n")).filter(l -> !l.isBlank()).toArray(String[]::new);
  }

  /** {@code 0x…} as an unsigned 64-bit value. */
  static long hex(String text, String line) {
    String t = text.trim();
    if (!t.startsWith("0x") || t.length() < 3 || t.length() > 18) {
      throw bad(line, "expected an unsigned hex number 0x…, found '" + t + "'");
    }
    try {
      return Long.parseUnsignedLong(t.substring(2), 16);
    } catch (NumberFormatException e) {
      throw bad(line, "expected an unsigned hex number 0x…, found '" + t + "'");
    }
  }

  /** Space-separated non-negative decimal rule numbers, ascending and distinct. */
  static int[] rules(String text, String line) {
    String t = text.trim();
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] words = t.split(" +");
    int[] out = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      try {
        out[i] = Integer.parseInt(words[i]);
      } catch (NumberFormatException e) {
        throw bad(line, "expected a rule number, found '" + words[i] + "'");
      }
      if (out[i] < 0 || (i > 0 && out[i] <= out[i - 1])) {
        throw bad(line, "rule numbers must be ascending and distinct");
      }
    }
    return out;
  }

  static IllegalArgumentException bad(String line, String why) {
    return new IllegalArgumentException("malformed index table line '" + line + "': " + why);
  }
}
