package dev.resvc.runtime.policy.index;

import java.util.Arrays;

/**
 * The rules of a policy that pin one discrete field (a vendor, a device id, a PCI address, a class
 * prefix, an enum ordinal) to a constant or a set of constants, by that constant: one hash probe
 * gives the only rules of that kind that can hold for a value. Immutable and thread-safe.
 *
 * <p>Table text: one line per key, {@code 0xKEY: RULE RULE …}, rules as ascending decimal numbers.
 */
public final class KeyIndex {
  private static final int[] NONE = new int[0];

  private final long[] keys;
  private final int[][] rules;
  private final int mask;
  private final int size;

  private KeyIndex(long[] keys, int[][] rules, int size) {
    this.keys = keys;
    this.rules = rules;
    this.mask = keys.length - 1;
    this.size = size;
  }

  /**
   * Builds the index from its table text, given in parts that are concatenated (generated classes
   * split long tables so that no string constant reaches the class file's limit).
   *
   * @throws IllegalArgumentException on a malformed line or a repeated key
   */
  public static KeyIndex parse(String... table) {
    String[] lines = TableText.lines(table);
    int capacity = Integer.highestOneBit(Math.max(2, lines.length * 2 + 1)) << 1;
    long[] keys = new long[capacity];
    int[][] rules = new int[capacity][];
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw TableText.bad(line, "expected 0xKEY: RULE …");
      }
      long key = TableText.hex(line.substring(0, colon), line);
      int[] list = TableText.rules(line.substring(colon + 1), line);
      int slot = slot(keys, rules, capacity - 1, key);
      if (rules[slot] != null) {
        throw TableText.bad(line, "key repeated");
      }
      keys[slot] = key;
      rules[slot] = list;
    }
    return new KeyIndex(keys, rules, lines.length);
  }

  /** Decimal rule numbers, space-separated, as one ascending list (the rules no index covers). */
  public static int[] parseList(String... table) {
    String text = String.join(" ", TableText.lines(table));
    return TableText.rules(text, text.length() > 60 ? text.substring(0, 60) + "…" : text);
  }

  /** The rules that pin the field to {@code key}, ascending; never null. Callers must not modify it. */
  public int[] rules(long key) {
    int i = spread(key) & mask;
    while (true) {
      int[] r = rules[i];
      if (r == null) {
        return NONE;
      }
      if (keys[i] == key) {
        return r;
      }
      i = (i + 1) & mask;
    }
  }

  /** How many keys the index holds. */
  public int size() {
    return size;
  }

  private static int slot(long[] keys, int[][] rules, int mask, long key) {
    int i = spread(key) & mask;
    while (rules[i] != null && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private static int spread(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  @Override
  public String toString() {
    return "KeyIndex[" + size + " keys, " + Arrays.stream(rules).filter(r -> r != null).mapToInt(r -> r.length).sum()
        + " entries]";
  }
}
