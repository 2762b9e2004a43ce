package dev.resvc.runtime.range;

import java.math.BigInteger;

/** Sizes as people write them: {@code 4096}, {@code 0x1000}, {@code 16G}, {@code 512M} (binary units). */
public final class ByteSize {
  private ByteSize() {}

  private static final String UNITS = "KMGTPE";

  /**
   * Parses a size with an optional binary suffix {@code K M G T P E} (also {@code KiB}, {@code GB}…
   * are read as binary units).
   *
   * @throws NumberFormatException naming the problem, when it is not a size or exceeds 2^64 - 1
   */
  public static long parse(String text) {
    String t = text.strip();
    String upper = t.toUpperCase(java.util.Locale.ROOT);
    for (String tail : new String[] {"IB", "B"}) {
      if (upper.length() > tail.length() + 1 && upper.endsWith(tail)
          && UNITS.indexOf(upper.charAt(upper.length() - tail.length() - 1)) >= 0) {
        upper = upper.substring(0, upper.length() - tail.length());
        break;
      }
    }
    int shift = 0;
    if (!upper.isEmpty() && !upper.startsWith("0X")) {
      int unit = UNITS.indexOf(upper.charAt(upper.length() - 1));
      if (unit >= 0) {
        shift = 10 * (unit + 1);
        upper = upper.substring(0, upper.length() - 1);
      }
    }
    if (upper.isEmpty()) {
      throw new NumberFormatException("'" + text + "' is not a size (e.g. 4G, 512M, 0x1000)");
    }
    long base;
    try {
      base = U64.parse(upper.startsWith("0X") ? "0x" + upper.substring(2) : upper);
    } catch (NumberFormatException e) {
      throw new NumberFormatException("'" + text + "' is not a size (e.g. 4G, 512M, 0x1000)");
    }
    BigInteger value = U64.toBigInteger(base).shiftLeft(shift);
    if (value.bitLength() > 64) {
      throw new NumberFormatException("'" + text + "' is larger than 2^64 - 1 bytes");
    }
    return value.longValue();
  }

  /** The shortest exact spelling: {@code 16G}, {@code 1536M}, {@code 0x1234}. */
  public static String format(long bytes) {
    if (bytes == 0) {
      return "0";
    }
    for (int unit = UNITS.length(); unit >= 1; unit--) {
      int shift = 10 * unit;
      if (shift < 64 && (bytes & ((1L << shift) - 1)) == 0 && Long.compareUnsigned(bytes >>> shift, 0) > 0) {
        return Long.toUnsignedString(bytes >>> shift) + UNITS.charAt(unit - 1);
      }
    }
    return U64.hex(bytes);
  }
}
