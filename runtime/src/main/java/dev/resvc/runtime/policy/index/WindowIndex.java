package dev.resvc.runtime.policy.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The rules of a policy that confine an address ({@code region.start in A .. B}, {@code within(A .. B)})
 * or require an overlap with a window ({@code overlaps(A .. B)}), by window. The 64-bit address space
 * is cut at every window's ends into segments, and each segment lists the rules whose window covers
 * it: a binary search on an address gives the only rules of that kind that can hold for it, and an
 * overlap query walks the segments from a region's first to its last address. Addresses are unsigned;
 * windows may end at 2^64 - 1. Immutable and thread-safe.
 *
 * <p>Table text: one line per window, {@code 0xLO..0xHI: RULE RULE …}, inclusive, rules as ascending
 * decimal numbers.
 */
public final class WindowIndex {
  private static final int[] NONE = new int[0];

  /**
   * The first address of each segment (the first is 0), each with its sign bit flipped, so that signed order is the unsigned order of the
   * addresses and the search compiles to plain compares.
   */
  private final long[] flipped;
  private final int[][] rules;
  /**
   * A directory over the addresses from the second segment's start ({@code base}) to the last
   * segment's start ({@code base + span}), in buckets of {@code 2^shift} bytes: {@code directory[b]}
   * is the segment holding the bucket's first address, so a lookup searches only the few segments
   * from {@code directory[b]} to {@code directory[b + 1]} instead of all of them.
   */
  private final long base;
  private final long span;
  private final int shift;
  private final int[] directory;

  private WindowIndex(long[] starts, int[][] rules) {
    this.flipped = new long[starts.length];
    for (int k = 0; k < starts.length; k++) {
      flipped[k] = starts[k] ^ Long.MIN_VALUE;
    }
    this.rules = rules;
    int n = starts.length;
    if (n < 3) {
      this.base = n == 2 ? starts[1] : 0;
      this.span = 0;
      this.shift = 0;
      this.directory = new int[] {0, 0};
      return;
    }
    this.base = starts[1];
    this.span = starts[n - 1] - base;
    int spanBits = 64 - Long.numberOfLeadingZeros(span);
    int directoryBits = 33 - Integer.numberOfLeadingZeros(n);
    this.shift = Math.max(0, spanBits - directoryBits);
    int buckets = (int) (span >>> shift) + 1;
    this.directory = new int[buckets + 1];
    for (int b = 0; b <= buckets; b++) {
      long offset = (long) b << shift;
      directory[b] = b == buckets || Long.compareUnsigned(offset, span) >= 0 ? n - 1 : segment(starts, base + offset);
    }
  }

  /**
   * Builds the index from its table text, given in parts that are concatenated.
   *
   * @throws IllegalArgumentException on a malformed line or a window whose end is below its start
   */
  public static WindowIndex parse(String... table) {
    String[] lines = TableText.lines(table);
    long[] lo = new long[lines.length];
    long[] hi = new long[lines.length];
    int[][] lists = new int[lines.length][];
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      int dots = line.indexOf("..");
      if (colon < 0 || dots < 0 || dots > colon) {
        throw TableText.bad(line, "expected 0xLO..0xHI: RULE …");
      }
      lo[i] = TableText.hex(line.substring(0, dots), line);
      hi[i] = TableText.hex(line.substring(dots + 2, colon), line);
      if (Long.compareUnsigned(lo[i], hi[i]) > 0) {
        throw TableText.bad(line, "the window ends below its start");
      }
      lists[i] = TableText.rules(line.substring(colon + 1), line);
    }
    long[] starts = segmentStarts(lo, hi);
    List<TreeSet<Integer>> bySegment = new ArrayList<>(starts.length);
    for (int k = 0; k < starts.length; k++) {
      bySegment.add(null);
    }
    for (int i = 0; i < lines.length; i++) {
      int first = segment(starts, lo[i]);
      int last = segment(starts, hi[i]);
      for (int k = first; k <= last; k++) {
        if (bySegment.get(k) == null) {
          bySegment.set(k, new TreeSet<>());
        }
        for (int r : lists[i]) {
          bySegment.get(k).add(r);
        }
      }
    }
    int[][] rules = new int[starts.length][];
    for (int k = 0; k < starts.length; k++) {
      TreeSet<Integer> s = bySegment.get(k);
      rules[k] = s == null ? NONE : s.stream().mapToInt(Integer::intValue).toArray();
    }
    return new WindowIndex(starts, rules);
  }

  /**
   * How many segments each window would span if these were all the windows of an index: what a code
   * generator needs to keep the index linear in size (a window across most segments is better tested
   * directly).
   */
  public static int[] spans(long[] lo, long[] hi) {
    long[] starts = segmentStarts(lo, hi);
    int[] out = new int[lo.length];
    for (int i = 0; i < lo.length; i++) {
      out[i] = segment(starts, hi[i]) - segment(starts, lo[i]) + 1;
    }
    return out;
  }

  /** 0, and every window's start and the address after its end (when there is one), sorted unsigned, distinct. */
  private static long[] segmentStarts(long[] lo, long[] hi) {
    TreeSet<Long> bounds = new TreeSet<>(Long::compareUnsigned);
    bounds.add(0L);
    for (int i = 0; i < lo.length; i++) {
      bounds.add(lo[i]);
      if (hi[i] != -1L) {
        bounds.add(hi[i] + 1);
      }
    }
    return bounds.stream().mapToLong(Long::longValue).toArray();
  }

  /** The segment holding {@code address}. */
  private static int segment(long[] starts, long address) {
    int low = 0;
    int high = starts.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (Long.compareUnsigned(starts[mid], address) <= 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /** The segment holding {@code address} (unsigned): pass it to {@link #rules(int)}. */
  public int segment(long address) {
    if (Long.compareUnsigned(address, base) < 0) {
      return 0;
    }
    long offset = address - base;
    if (Long.compareUnsigned(offset, span) >= 0) {
      return flipped.length - 1;
    }
    int b = (int) (offset >>> shift);
    int from = directory[b];
    // A branch-free binary search over the bucket's segments: the probe sequence does not depend on
    // the data, so the CPU never mispredicts it.
    long key = address ^ Long.MIN_VALUE;
    long[] f = flipped;
    int n = directory[b + 1] - from + 1;
    while (n > 1) {
      int half = n >>> 1;
      from = f[from + half] <= key ? from + half : from;
      n -= half;
    }
    return from;
  }

  /**
   * The segment holding {@code end}, given the segment {@code from} holding an address at or below
   * it: usually {@code from} itself, found without a search.
   */
  public int segment(int from, long end) {
    if (from + 1 == flipped.length || (end ^ Long.MIN_VALUE) < flipped[from + 1]) {
      return from;
    }
    return segment(end);
  }

  /** The rules whose window covers segment {@code k}, ascending; never null. Callers must not modify it. */
  public int[] rules(int k) {
    return rules[k];
  }

  /** The rules whose window holds {@code address}, ascending; never null. Callers must not modify it. */
  public int[] rulesAt(long address) {
    return rules[segment(address)];
  }

  /** How many segments the windows cut the address space into. */
  public int segments() {
    return flipped.length;
  }

  @Override
  public String toString() {
    return "WindowIndex[" + flipped.length + " segments, " + Arrays.stream(rules).mapToInt(r -> r.length).sum()
        + " entries]";
  }
}
