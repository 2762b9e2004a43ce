package dev.resvc.runtime.policy;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link GuestOverlaps}' walk ({@code endingFrom}, {@code overlapping}, then {@code next} while it
 * answers) against {@link GuestLayout#overlapping}, on short and long layouts, with ranges and
 * regions crowding both ends of the address space.
 */
class GuestOverlapsTest {
  @Test
  void walkFindsExactlyTheOverlappingRanges() {
    Random r = new Random(7);
    int overlaps = 0;
    for (int layoutSize : new int[] {0, 1, 2, 5, 16, 17, 40}) {
      for (int trial = 0; trial < 200; trial++) {
        GuestLayout layout = layout(r, layoutSize);
        GuestOverlaps guests = new GuestOverlaps(layout);
        for (int q = 0; q < 50; q++) {
          long start = address(r);
          long end = r.nextInt(4) == 0 ? address(r) : start + r.nextInt(0x3000) - 1;
          List<GuestRange> expected = Long.compareUnsigned(end, start) < 0
              ? List.of() : layout.overlapping(new AddressRange(start, end));
          List<GuestRange> walked = new ArrayList<>();
          for (int j = first(guests, start, end); j >= 0; j = guests.next(end, j)) {
            walked.add(guests.range(j));
          }
          assertWithMessage("[%s, %s] in %s", Long.toHexString(start), Long.toHexString(end), layout)
              .that(walked).isEqualTo(expected);
          overlaps += walked.size();
        }
      }
    }
    assertWithMessage("walks that found something").that(overlaps).isAtLeast(10_000);
  }

  /**
   * The evaluator's walk over a merged list: a cursor from {@code endingFrom} that only moves
   * forward while starts ascend, and starts over when they do not.
   */
  @Test
  void cursorWalkOverAscendingStartsFindsTheSameRanges() {
    Random r = new Random(11);
    int overlaps = 0;
    for (int layoutSize : new int[] {0, 1, 3, 8, 40}) {
      for (int trial = 0; trial < 300; trial++) {
        GuestLayout layout = layout(r, layoutSize);
        GuestOverlaps guests = new GuestOverlaps(layout);
        List<long[]> regions = new ArrayList<>();
        for (int q = 0; q < 12; q++) {
          long start = address(r);
          regions.add(new long[] {start, r.nextInt(4) == 0 ? address(r) : start + r.nextInt(0x3000) - 1});
        }
        if (trial % 4 != 0) { // mostly sorted by start, as a merged list is; sometimes not
          regions.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
        }
        int cursor = 0;
        long previous = 0;
        for (long[] region : regions) {
          long start = region[0];
          long end = region[1];
          if (Long.compareUnsigned(start, previous) < 0) {
            cursor = 0;
          }
          previous = start;
          cursor = guests.endingFrom(start, cursor);
          List<GuestRange> walked = new ArrayList<>();
          for (int j = guests.overlapping(start, end, cursor); j >= 0; j = guests.next(end, j)) {
            walked.add(guests.range(j));
          }
          List<GuestRange> expected = Long.compareUnsigned(end, start) < 0
              ? List.of() : layout.overlapping(new AddressRange(start, end));
          assertWithMessage("[%s, %s] in %s", Long.toHexString(start), Long.toHexString(end), layout)
              .that(walked).isEqualTo(expected);
          overlaps += walked.size();
        }
      }
    }
    assertWithMessage("walks that found something").that(overlaps).isAtLeast(3_000);
  }

  @Test
  void theQ35LayoutFindsTheMsiWindowAndLowRam() {
    GuestOverlaps guests = new GuestOverlaps(GuestPresets.q35(8L << 30));
    int msi = first(guests, 0xfee00000L, 0xfeefffffL);
    assertWithMessage("msi window").that(guests.range(msi).name()).isEqualTo("lapic-msi");
    assertWithMessage("after the msi window").that(guests.next(0xfeefffffL, msi)).isEqualTo(-1);
    int rmrr = first(guests, 0x3e2e0000L, 0x3e2fffffL);
    assertWithMessage("rmrr").that(guests.range(rmrr).name()).isEqualTo("low-ram");
    assertWithMessage("above every range").that(first(guests, 0x300000000L, -1L)).isEqualTo(-1);
    assertWithMessage("zero-length").that(first(guests, 0x1000, 0xfff)).isEqualTo(-1);
  }

  /** The first range {@code [start, end]} overlaps, or -1: the walk from a cursor at the first range. */
  private static int first(GuestOverlaps guests, long start, long end) {
    return guests.overlapping(start, end, guests.endingFrom(start, 0));
  }

  /** Disjoint ranges at random bounds, some touching each other and the ends of the address space. */
  private static GuestLayout layout(Random r, int size) {
    TreeSet<Long> cuts = new TreeSet<>(Long::compareUnsigned);
    while (cuts.size() < 2 * size) {
      cuts.add(address(r));
    }
    List<Long> sorted = new ArrayList<>(cuts);
    List<GuestRange> ranges = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      long start = sorted.get(2 * i);
      long end = sorted.get(2 * i + 1);
      if (r.nextBoolean() && i + 1 < size) {
        end = sorted.get(2 * i + 2) - 1; // touches the next range
      }
      ranges.add(new GuestRange("r" + i, GuestKind.values()[r.nextInt(GuestKind.values().length)],
          new AddressRange(start, end)));
    }
    return new GuestLayout("random-" + size, ranges);
  }

  private static long address(Random r) {
    switch (r.nextInt(4)) {
      case 0:
        return r.nextInt(0x10000);
      case 1:
        return -1L - r.nextInt(0x10000);
      case 2:
        return Long.MIN_VALUE + r.nextInt(0x10000) - 0x8000;
      default:
        return r.nextLong();
    }
  }
}
