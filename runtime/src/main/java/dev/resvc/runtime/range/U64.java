package dev.resvc.runtime.range;

import dev.resvc.runtime.input.MessageText;
import java.math.BigInteger;

/**
 * Unsigned 64-bit arithmetic on {@code long}, as the kernel does it on {@code u64} and {@code phys_addr_t}.
 *
 * <p>Java has no unsigned long, so every comparison of addresses must go through here (or
 * {@link Long#compareUnsigned}); a signed {@code <} on an address above 2^63 is a bug.
 */
public final class U64 {
  /** 2^64 - 1, the last byte of the 64-bit address space. */
  public static final long MAX = -1L;

  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private U64() {}

  public static int compare(long a, long b) {
    return Long.compareUnsigned(a, b);
  }

  public static boolean lessThan(long a, long b) {
    return Long.compareUnsigned(a, b) < 0;
  }

  public static boolean lessOrEqual(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0;
  }

  public static boolean greaterThan(long a, long b) {
    return Long.compareUnsigned(a, b) > 0;
  }

  public static long max(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }

  public static long min(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0 ? a : b;
  }

  /** The kernel's {@code "0x%016llx"}. */
  public static String hex16(long value) {
    String digits = Long.toHexString(value);
    return "0x" + "0".repeat(16 - digits.length()) + digits;
  }

  /** Lowercase hex digits, zero-padded to at least {@code width} (no {@code 0x}). */
  public static String digits(long value, int width) {
    String digits = Long.toHexString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** {@code 0x} followed by the shortest lowercase hex digits. */
  public static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }

  public static BigInteger toBigInteger(long value) {
    BigInteger b = BigInteger.valueOf(value);
    return value < 0 ? b.add(TWO_TO_64) : b;
  }

  /**
   * Parses {@code 0x} hex or decimal digits as an unsigned 64-bit value.
   *
   * @throws NumberFormatException with a message fit for a user when the text is not a number or
   *     does not fit in 64 bits
   */
  public static long parse(String text) {
    String t = text.strip();
    int radix = 10;
    String digits = t;
    if (t.startsWith("0x") || t.startsWith("0X")) {
      radix = 16;
      digits = t.substring(2);
    }
    if (digits.isEmpty()) {
      throw new NumberFormatException(MessageText.quote(text) + " is not a number");
    }
    int firstSignificant = 0;
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0) {
        throw new NumberFormatException(
            MessageText.quote(text) + " is not a " + (radix == 16 ? "hexadecimal" : "decimal") + " number");
      }
      if (firstSignificant == i && digits.charAt(i) == '0') {
        firstSignificant++;
      }
    }
    // More digits than 2^64 - 1 has cannot fit; checked before BigInteger, whose decimal parse takes
    // quadratic time on a hostile megabyte of digits.
    String significant = digits.substring(firstSignificant);
    if (significant.length() > (radix == 16 ? 16 : 20)) {
      throw doesNotFit(text);
    }
    BigInteger value = significant.isEmpty() ? BigInteger.ZERO : new BigInteger(significant, radix);
    if (value.bitLength() > 64) {
      throw doesNotFit(text);
    }
    return value.longValue();
  }

  private static NumberFormatException doesNotFit(String text) {
    return new NumberFormatException(MessageText.quote(text) + " does not fit in 64 bits (above 0xffffffffffffffff)");
  }

  /** Rounds up to a multiple of {@code alignment} (a power of two), wrapping at 2^64 like the kernel's ALIGN. */
  public static long alignUp(long value, long alignment) {
    return (value + alignment - 1) & -alignment;
  }

  public static long alignDown(long value, long alignment) {
    return value & -alignment;
  }
}
