package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.range.AddressRange;

/**
 * A guest layout's ranges as arrays of bounds, and the walk that finds the ranges each region of a
 * merged list overlaps, in the order the evaluator asks the conflicts rules. Immutable, shared by
 * every group of an evaluation.
 */
final class GuestOverlaps {
  private final GuestRange[] ranges;
  /**
   * The ranges' bounds in ascending order (a layout keeps its ranges sorted and disjoint), with the
   * sign bit flipped so that signed comparison orders them as unsigned addresses.
   */
  private final long[] flippedStarts;
  private final long[] flippedEnds;

  GuestOverlaps(GuestLayout guest) {
    ranges = guest.ranges().toArray(new GuestRange[0]);
    int n = ranges.length;
    flippedStarts = new long[n];
    flippedEnds = new long[n];
    for (int i = 0; i < n; i++) {
      AddressRange range = ranges[i].range();
      flippedStarts[i] = range.start() ^ Long.MIN_VALUE;
      flippedEnds[i] = range.end() ^ Long.MIN_VALUE;
    }
  }

  /**
   * The first range at or after {@code from} that ends at or above {@code start}. A caller that
   * visits regions in ascending order of start keeps this as a cursor: it only moves forward, so the
   * regions of a merged list (sorted by start) find their candidates in constant time each.
   */
  int endingFrom(long start, int from) {
    long flippedStart = start ^ Long.MIN_VALUE;
    long[] ends = this.flippedEnds;
    int j = from;
    while (j < ends.length && ends[j] < flippedStart) {
      j++;
    }
    return j;
  }

  /**
   * Range {@code j} (from {@link #endingFrom}) when {@code [start, end]} overlaps it, else -1: it
   * ends at or above {@code start}, so it overlaps when it starts at or below {@code end} and the
   * region is not inverted.
   */
  int overlapping(long start, long end, int j) {
    long flippedEnd = end ^ Long.MIN_VALUE;
    return j < flippedStarts.length && flippedStarts[j] <= flippedEnd && flippedEnd >= (start ^ Long.MIN_VALUE)
        ? j : -1;
  }

  /**
   * The range after {@code j} when {@code [start, end]} overlaps it too, or -1. The ranges are
   * disjoint and ascending, so the one after an overlapped range ends above the region's start and
   * overlaps it exactly when it starts at or below the region's end.
   */
  int next(long end, int j) {
    int k = j + 1;
    return k < flippedStarts.length && flippedStarts[k] <= (end ^ Long.MIN_VALUE) ? k : -1;
  }

  GuestRange range(int j) {
    return ranges[j];
  }
}
