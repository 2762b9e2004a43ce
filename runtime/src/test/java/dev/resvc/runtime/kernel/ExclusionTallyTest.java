package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import org.junit.jupiter.api.Test;

/** Hand-derived cases at the edges of {@link ExclusionTally}; the property tests compare it with the walk. */
class ExclusionTallyTest {
  private static final AddressRange SMALL = new AddressRange(0x1000, 0x1fff); // 4 KiB

  private static Region region(long start, long length, RegionType type) {
    return new Region(start, length, type, Prot.NONE, RegionSource.SYSFS);
  }

  private static ExclusionTally tally(Region... regions) {
    ExclusionTally t = new ExclusionTally();
    for (Region r : regions) {
      t.add(r);
    }
    return t;
  }

  @Test
  void oneByteShortOfTheApertureCannotCoverIt() {
    assertThat(tally(region(0x1000, 0xfff, RegionType.DIRECT)).mayCover(SMALL)).isFalse();
    assertThat(tally(region(0x1000, 0x1000, RegionType.DIRECT)).mayCover(SMALL)).isTrue();
    // overlapping regions count twice: the tally may say "may cover" when they do not, never the reverse
    assertThat(tally(region(0x1000, 0x800, RegionType.MSI), region(0x1000, 0x800, RegionType.RESERVED))
        .mayCover(SMALL)).isTrue();
  }

  @Test
  void relaxableRegionsAreNotCut() {
    assertThat(tally(region(0x1000, 0x1000, RegionType.DIRECT_RELAXABLE)).mayCover(SMALL)).isFalse();
  }

  /** {@code [0, 2^64-1]}: 2^64 bytes, which no sum of lengths below 2^64 reaches. */
  @Test
  void theWholeAddressSpace() {
    assertThat(tally(region(0, -1L, RegionType.RESERVED)).mayCover(AddressRange.FULL)).isFalse();
    assertThat(tally(region(0, -1L, RegionType.RESERVED), region(-1L, 1, RegionType.MSI))
        .mayCover(AddressRange.FULL)).isTrue(); // the sum wraps to 0
    assertThat(tally(region(0, Long.MIN_VALUE, RegionType.RESERVED), region(Long.MIN_VALUE, Long.MIN_VALUE,
        RegionType.RESERVED)).mayCover(AddressRange.FULL)).isTrue(); // 2^63 + 2^63
  }

  /** A zero-length region at 0 ends at 2^64 - 1 and empties any list; one elsewhere ends below its start. */
  @Test
  void zeroLengthAndWrappingRegionsAreNotCounted() {
    assertThat(tally(region(0, 0, RegionType.RESERVED)).mayCover(AddressRange.FULL)).isTrue();
    assertThat(tally(region(0x5000, 0, RegionType.RESERVED)).mayCover(SMALL)).isTrue();
    assertThat(tally(region(-0x1000L, 0x2000, RegionType.RESERVED)).mayCover(SMALL)).isTrue(); // past 2^64
    assertThat(tally(region(-0x1000L, 0x1000, RegionType.RESERVED)).mayCover(AddressRange.FULL)).isFalse(); // ends at 2^64-1
    // and the walk agrees that the first of these empties the list
    assertThat(VfioIovaList.attachGroup(AddressRange.FULL, java.util.List.of(region(0, 0, RegionType.RESERVED)))
        .refused()).isTrue();
  }

  @Test
  void clearForgetsEverything() {
    ExclusionTally t = tally(region(0, 0, RegionType.RESERVED), region(0x1000, 0x1000, RegionType.MSI));
    assertThat(t.mayCover(SMALL)).isTrue();
    t.clear();
    assertThat(t.mayCover(SMALL)).isFalse();
  }
}
