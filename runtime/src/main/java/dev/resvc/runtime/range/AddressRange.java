package dev.resvc.runtime.range;

import java.math.BigInteger;
import java.util.Optional;

/**
 * A non-empty range of 64-bit addresses, both ends inclusive, so that the last byte of the address
 * space ({@code 0xffffffffffffffff}) is representable and a range can span all 2^64 bytes.
 */
public record AddressRange(long start, long end) implements Comparable<AddressRange> {
  public static final AddressRange FULL = new AddressRange(0, U64.MAX);

  public AddressRange {
    if (Long.compareUnsigned(end, start) < 0) {
      throw new IllegalArgumentException(
          "range end " + U64.hex16(end) + " lies below its start " + U64.hex16(start));
    }
  }

  public static AddressRange of(long start, long end) {
    return new AddressRange(start, end);
  }

  /**
   * The range of {@code size} bytes from {@code start}; empty when {@code size} is 0, and an error
   * when it would run past 2^64 - 1.
   */
  public static Optional<AddressRange> ofSize(long start, long size) {
    if (size == 0) {
      return Optional.empty();
    }
    long end = start + size - 1;
    if (Long.compareUnsigned(end, start) < 0) {
      throw new IllegalArgumentException(
          "range of " + U64.hex(size) + " bytes from " + U64.hex16(start) + " runs past 0xffffffffffffffff");
    }
    return Optional.of(new AddressRange(start, end));
  }

  public boolean contains(long address) {
    return Long.compareUnsigned(start, address) <= 0 && Long.compareUnsigned(address, end) <= 0;
  }

  public boolean contains(AddressRange other) {
    return contains(other.start) && contains(other.end);
  }

  public boolean overlaps(AddressRange other) {
    return Long.compareUnsigned(start, other.end) <= 0 && Long.compareUnsigned(other.start, end) <= 0;
  }

  public Optional<AddressRange> intersection(AddressRange other) {
    if (!overlaps(other)) {
      return Optional.empty();
    }
    return Optional.of(new AddressRange(U64.max(start, other.start), U64.min(end, other.end)));
  }

  /** {@code end - start}: the size minus one, which always fits in 64 bits. */
  public long sizeMinusOne() {
    return end - start;
  }

  /** True for the whole 64-bit space, whose size 2^64 does not fit in a {@code long}. */
  public boolean isFullSpace() {
    return start == 0 && end == U64.MAX;
  }

  public BigInteger size() {
    return U64.toBigInteger(end - start).add(BigInteger.ONE);
  }

  @Override
  public int compareTo(AddressRange o) {
    int c = Long.compareUnsigned(start, o.start);
    return c != 0 ? c : Long.compareUnsigned(end, o.end);
  }

  /** {@code 0x<start>..0x<end>}, both 16 hex digits. */
  @Override
  public String toString() {
    return U64.hex16(start) + ".." + U64.hex16(end);
  }
}
