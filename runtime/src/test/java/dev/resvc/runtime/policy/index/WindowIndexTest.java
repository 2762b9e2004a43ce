package dev.resvc.runtime.policy.index;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WindowIndexTest {
  @Test
  void findsTheWindowsHoldingAnAddressUpToTheTopOfTheSpace() {
    WindowIndex index = WindowIndex.parse("0x1000..0x1fff: 3 7\n", "0x1800..0xffffffffffffffff: 5\n");
    assertThat(index.rulesAt(0)).isEmpty();
    assertThat(index.rulesAt(0xfff)).isEmpty();
    assertThat(index.rulesAt(0x1000)).asList().containsExactly(3, 7).inOrder();
    assertThat(index.rulesAt(0x1800)).asList().containsExactly(3, 5, 7).inOrder();
    assertThat(index.rulesAt(0x2000)).asList().containsExactly(5);
    assertThat(index.rulesAt(-1L)).asList().containsExactly(5);
    assertThat(index.rulesAt(Long.MIN_VALUE)).asList().containsExactly(5);
  }

  @Test
  void theWholeSpaceIsOneWindow() {
    WindowIndex index = WindowIndex.parse("0x0..0xffffffffffffffff: 1");
    assertThat(index.segments()).isEqualTo(1);
    assertThat(index.rulesAt(0)).asList().containsExactly(1);
    assertThat(index.rulesAt(-1L)).asList().containsExactly(1);
  }

  @Test
  void agreesWithTestingEveryWindow() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 300; round++) {
      int n = round % 10 == 0 ? 3000 : 1 + random.nextInt(30);
      long[] lo = new long[n];
      long[] hi = new long[n];
      StringBuilder table = new StringBuilder();
      for (int i = 0; i < n; i++) {
        // Large rounds: many small windows above 4 GiB, as policies have, and a few anywhere.
        boolean small = n > 100 && i % 100 != 0;
        long a = small ? 0x1_0000_0000L + random.nextInt(1 << 28) * 16L : address(random);
        long b = small ? a + random.nextInt(1 << 16) : address(random);
        lo[i] = Long.compareUnsigned(a, b) <= 0 ? a : b;
        hi[i] = Long.compareUnsigned(a, b) <= 0 ? b : a;
        table.append(String.format("0x%x..0x%x: %d%n", lo[i], hi[i], i).replace("\r", ""));
      }
      WindowIndex index = WindowIndex.parse(table.toString());
      int[] spans = WindowIndex.spans(lo, hi);
      for (int probe = 0; probe < 200; probe++) {
        long p = probe % 3 == 0 ? lo[random.nextInt(n)] + random.nextInt(3) - 1 : address(random);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (Long.compareUnsigned(lo[i], p) <= 0 && Long.compareUnsigned(p, hi[i]) <= 0) {
            expected.add(i);
          }
        }
        assertThat(index.rulesAt(p)).asList().containsExactlyElementsIn(expected).inOrder();
      }
      // The segment of an end address, searched from any segment at or below it.
      for (int probe = 0; probe < 50; probe++) {
        long a = address(random);
        long b = address(random);
        long from = Long.compareUnsigned(a, b) <= 0 ? a : b;
        long to = Long.compareUnsigned(a, b) <= 0 ? b : a;
        assertThat(index.segment(index.segment(from), to)).isEqualTo(index.segment(to));
      }
      // Every window's segments are exactly the ones between its ends.
      for (int i = 0; i < n; i++) {
        TreeSet<Integer> segs = new TreeSet<>();
        for (int k = index.segment(lo[i]); k <= index.segment(hi[i]); k++) {
          assertThat(index.rules(k)).asList().contains(i);
          segs.add(k);
        }
        assertThat(segs).hasSize(spans[i]);
      }
    }
  }

  /** Addresses clustered at both ends of the space and around 4 GiB. */
  private static long address(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt(64);
      case 1 -> -1L - random.nextInt(64);
      case 2 -> 0x1_0000_0000L + random.nextInt(4096) - 2048;
      default -> random.nextLong();
    };
  }

  @Test
  void malformedTablesAreRefusedWithTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WindowIndex.parse("0x10..0x1: 1"));
    assertThat(e).hasMessageThat().contains("'0x10..0x1: 1'");
    assertThat(e).hasMessageThat().contains("ends below its start");
    assertThrows(IllegalArgumentException.class, () -> WindowIndex.parse("0x10 0x1: 1"));
    assertThrows(IllegalArgumentException.class, () -> WindowIndex.parse("0x0..0x1ffffffffffffffff: 1"));
    assertThrows(IllegalArgumentException.class, () -> WindowIndex.parse("0x0..0x1: 2 1"));
  }
}
