package dev.resvc.runtime.range;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import java.time.Duration;

class U64Test {
  @Test
  void parsesTheWholeUnsignedRange() {
    assertThat(U64.parse("0xffffffffffffffff")).isEqualTo(-1L);
    assertThat(U64.parse("18446744073709551615")).isEqualTo(-1L);
    assertThat(U64.parse("0x8000000000000000")).isEqualTo(Long.MIN_VALUE);
    assertThat(U64.parse("0X1f")).isEqualTo(31);
  }

  @Test
  void rejectsValuesPastTwoToTheSixtyFour() {
    NumberFormatException e = assertThrows(NumberFormatException.class, () -> U64.parse("0x10000000000000000"));
    assertThat(e).hasMessageThat().contains("does not fit in 64 bits");
    assertThrows(NumberFormatException.class, () -> U64.parse("18446744073709551616"));
    assertThrows(NumberFormatException.class, () -> U64.parse("0x"));
    assertThrows(NumberFormatException.class, () -> U64.parse("-1"));
    assertThrows(NumberFormatException.class, () -> U64.parse("0xfeeg"));
  }

  @Test
  void comparesUnsigned() {
    assertThat(U64.lessThan(0x7fffffffffffffffL, 0x8000000000000000L)).isTrue();
    assertThat(U64.max(1, -1L)).isEqualTo(-1L);
    assertThat(U64.min(1, -1L)).isEqualTo(1);
  }

  @Test
  void formatsLikeTheKernel() {
    assertThat(U64.hex16(0xfee00000L)).isEqualTo("0x00000000fee00000");
    assertThat(U64.hex16(-1L)).isEqualTo("0xffffffffffffffff");
    assertThat(U64.toBigInteger(-1L)).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
  }

  @Test
  void alignmentWrapsLikeTheKernelsAlign() {
    assertThat(U64.alignUp(0x1001, 0x1000)).isEqualTo(0x2000);
    assertThat(U64.alignUp(0xfffffffffffff001L, 0x1000)).isEqualTo(0);
    assertThat(U64.alignDown(0x1fff, 0x1000)).isEqualTo(0x1000);
  }

  @Test
  void sizesWithBinarySuffixes() {
    assertThat(ByteSize.parse("4G")).isEqualTo(4L << 30);
    assertThat(ByteSize.parse("512M")).isEqualTo(512L << 20);
    assertThat(ByteSize.parse("16GiB")).isEqualTo(16L << 30);
    assertThat(ByteSize.parse("0x1000")).isEqualTo(0x1000);
    assertThat(ByteSize.parse("15E")).isEqualTo(15L << 60);
    assertThrows(NumberFormatException.class, () -> ByteSize.parse("16E"));
    assertThrows(NumberFormatException.class, () -> ByteSize.parse("G"));
    assertThat(ByteSize.format(1536L << 20)).isEqualTo("1536M");
    assertThat(ByteSize.format(0x1234)).isEqualTo("0x1234");
  }

  @Test
  void aMegabyteOfDigitsIsRefusedQuicklyAndQuotedShort() {
    // BigInteger's decimal parse is quadratic: a hostile megabyte of digits once took minutes.
    String digits = "1".repeat(1 << 20);
    NumberFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(NumberFormatException.class, () -> U64.parse(digits)));
    assertThat(e).hasMessageThat().endsWith("…' does not fit in 64 bits (above 0xffffffffffffffff)");
    assertThat(e.getMessage().length()).isLessThan(200);
    assertThrows(NumberFormatException.class, () -> U64.parse("0x" + "f".repeat(1 << 20)));
  }

  @Test
  void leadingZerosDoNotCountTowardsTheWidth() {
    assertThat(U64.parse("0".repeat(100) + "18446744073709551615")).isEqualTo(-1L);
    assertThat(U64.parse("0x" + "0".repeat(100) + "ffffffffffffffff")).isEqualTo(-1L);
    assertThat(U64.parse("0".repeat(100))).isEqualTo(0L);
    assertThrows(NumberFormatException.class, () -> U64.parse("0".repeat(100) + "18446744073709551616"));
  }

  @Test
  void aQuotedTokenIsMadeSafeToPrint() {
    NumberFormatException e = assertThrows(NumberFormatException.class, () -> U64.parse("12\u001b[2J"));
    assertThat(e).hasMessageThat().isEqualTo("'12\\x1b[2J' is not a decimal number");
  }
}
