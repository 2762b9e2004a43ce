package dev.resvc.runtime.range;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AddressRangeTest {
  private static final long MAX = -1L;

  @Test
  void theWholeSpaceHasTwoToTheSixtyFourBytes() {
    assertThat(AddressRange.FULL.size()).isEqualTo(BigInteger.TWO.pow(64));
    assertThat(AddressRange.FULL.isFullSpace()).isTrue();
    assertThat(AddressRange.FULL.sizeMinusOne()).isEqualTo(MAX);
  }

  @Test
  void endBelowStartIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new AddressRange(0x2000, 0x1000));
    assertThrows(IllegalArgumentException.class, () -> new AddressRange(MAX, 0));
  }

  @Test
  void ofSizeRefusesToWrap() {
    assertThat(AddressRange.ofSize(0xfffffffffffff000L, 0x1000)).hasValue(new AddressRange(0xfffffffffffff000L, MAX));
    assertThrows(IllegalArgumentException.class, () -> AddressRange.ofSize(0xfffffffffffff000L, 0x1001));
    assertThat(AddressRange.ofSize(0x1000, 0)).isEmpty();
  }

  @Test
  void overlapAndIntersectionAtTheTop() {
    AddressRange top = new AddressRange(0xfffffffffffff000L, MAX);
    AddressRange high = new AddressRange(0x8000000000000000L, 0xfffffffffffff7ffL);
    assertThat(top.overlaps(high)).isTrue();
    assertThat(top.intersection(high)).hasValue(new AddressRange(0xfffffffffffff000L, 0xfffffffffffff7ffL));
    assertThat(new AddressRange(0, 0x7fffffffffffffffL).overlaps(high)).isFalse();
    assertThat(top.contains(MAX)).isTrue();
    assertThat(AddressRange.FULL.contains(top)).isTrue();
  }

  @Test
  void ordersUnsigned() {
    assertThat(new AddressRange(0x8000000000000000L, MAX).compareTo(new AddressRange(1, 2))).isGreaterThan(0);
  }
}
