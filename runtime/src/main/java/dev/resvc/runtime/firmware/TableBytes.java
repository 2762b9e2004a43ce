package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Position;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Bounds-checked little-endian reads at absolute offsets of an ACPI table, so that a truncated or
 * corrupt table becomes an {@link InputException} naming the field and its offset, never an
 * {@code ArrayIndexOutOfBoundsException}.
 *
 * <p>Reads are allowed below {@link #limit()} only (normally the table length from the header). The
 * array is not copied: callers must not change it while reading.
 */
final class TableBytes {
  private final byte[] data;
  private final int limit;
  private final String source;

  private TableBytes(byte[] data, int limit, String source) {
    this.data = Objects.requireNonNull(data, "data");
    this.source = Objects.requireNonNull(source, "source");
    if (limit < 0 || limit > data.length) {
      throw new IllegalArgumentException("limit " + limit + " outside 0.." + data.length);
    }
    this.limit = limit;
  }

  /** All of {@code data}; {@code source} names the input in messages. */
  public static TableBytes of(byte[] data, String source) {
    return new TableBytes(data, data.length, source);
  }

  /** The same bytes, readable only below {@code newLimit} (at most the current limit). */
  public TableBytes truncate(int newLimit) {
    if (newLimit < 0 || newLimit > limit) {
      throw new IllegalArgumentException("limit " + newLimit + " outside 0.." + limit);
    }
    return new TableBytes(data, newLimit, source);
  }

  /** One past the last readable offset. */
  public int limit() {
    return limit;
  }

  public String source() {
    return source;
  }

  /** Bytes readable from {@code offset} on (0 when the offset is at or past the limit). */
  public long remaining(long offset) {
    return offset >= limit ? 0 : limit - offset;
  }

  /**
   * Throws unless {@code length} bytes starting at {@code offset} lie below the limit.
   *
   * @param what the field being read, for the message ("RMRR base address")
   */
  public void require(long offset, long length, String what) throws InputException {
    if (offset < 0 || length < 0 || offset > limit || length > limit - offset) {
      throw new InputException(
          source,
          Position.offset(offset),
          what + " needs " + length + " byte" + (length == 1 ? "" : "s") + " but the table ends at 0x"
              + Integer.toHexString(limit));
    }
  }

  public int u8(long offset, String what) throws InputException {
    require(offset, 1, what);
    return data[(int) offset] & 0xff;
  }

  public int u16(long offset, String what) throws InputException {
    require(offset, 2, what);
    int o = (int) offset;
    return (data[o] & 0xff) | (data[o + 1] & 0xff) << 8;
  }

  public long u32(long offset, String what) throws InputException {
    require(offset, 4, what);
    return raw32((int) offset) & 0xffffffffL;
  }

  public long u64(long offset, String what) throws InputException {
    require(offset, 8, what);
    int o = (int) offset;
    return (raw32(o) & 0xffffffffL) | (long) raw32(o + 4) << 32;
  }

  /** {@code length} bytes as ISO-8859-1 characters, exactly as stored (padding included). */
  public String ascii(long offset, int length, String what) throws InputException {
    require(offset, length, what);
    return new String(data, (int) offset, length, StandardCharsets.ISO_8859_1);
  }

  /**
   * The offset of the first NUL byte in {@code [offset, end)}, or -1 when there is none.
   *
   * @throws InputException when the range does not lie below the limit
   */
  public long indexOfNul(long offset, long end, String what) throws InputException {
    require(offset, end - offset, what);
    for (long i = offset; i < end; i++) {
      if (data[(int) i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The sum of the bytes in {@code [0, limit)} modulo 256: 0 for a table whose checksum is right. */
  public int byteSum() {
    int sum = 0;
    for (int i = 0; i < limit; i++) {
      sum += data[i];
    }
    return sum & 0xff;
  }

  private int raw32(int o) {
    return (data[o] & 0xff) | (data[o + 1] & 0xff) << 8 | (data[o + 2] & 0xff) << 16 | (data[o + 3] & 0xff) << 24;
  }
}
