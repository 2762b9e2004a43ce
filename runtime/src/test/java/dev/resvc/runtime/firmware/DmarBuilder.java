package dev.resvc.runtime.firmware;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes little-endian DMAR tables for tests; {@link #build()} fills in the length and fixes the checksum. */
public final class DmarBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A 48-byte DMAR header: revision 1, haw 0x26 (39 bits), flags 0x01. */
  public static DmarBuilder dmar() {
    DmarBuilder b = new DmarBuilder();
    b.ascii("DMAR").u32(0).u8(1).u8(0).ascii("RESVC ").ascii("TESTTBL ").u32(1).ascii("RSVC").u32(0x20260101);
    b.u8(0x26).u8(0x01);
    for (int i = 0; i < 10; i++) {
      b.u8(0);
    }
    return b;
  }

  /** The offset the next byte will be written at. */
  public int offset() {
    return out.size();
  }

  public DmarBuilder u8(int v) {
    out.write(v);
    return this;
  }

  public DmarBuilder u16(int v) {
    return u8(v).u8(v >>> 8);
  }

  public DmarBuilder u32(long v) {
    return u16((int) v).u16((int) (v >>> 16));
  }

  public DmarBuilder u64(long v) {
    return u32(v).u32(v >>> 32);
  }

  public DmarBuilder ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    return this;
  }

  public DmarBuilder bytes(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  /** A DRHD whose length covers its scopes. */
  public DmarBuilder drhd(int flags, int segment, long base, byte[]... scopes) {
    u16(0).u16(16 + total(scopes)).u8(flags).u8(0).u16(segment).u64(base);
    return scopes(scopes);
  }

  /** An RMRR whose length covers its scopes. */
  public DmarBuilder rmrr(int segment, long base, long end, byte[]... scopes) {
    return rmrrWithLength(24 + total(scopes), segment, base, end, scopes);
  }

  /** An RMRR with a stated length that need not match what is written. */
  public DmarBuilder rmrrWithLength(int length, int segment, long base, long end, byte[]... scopes) {
    u16(1).u16(length).u16(0).u16(segment).u64(base).u64(end);
    return scopes(scopes);
  }

  /** A structure header with any type and length followed by {@code body}. */
  public DmarBuilder structure(int type, int length, byte[] body) {
    return u16(type).u16(length).bytes(body);
  }

  /** A device scope entry: {@code hops} is device, function, device, function... */
  public static byte[] scope(int type, int enumerationId, int startBus, int... hops) {
    return scopeWithLength(type, 6 + hops.length, enumerationId, startBus, hops);
  }

  public static byte[] scopeWithLength(int type, int length, int enumerationId, int startBus, int... hops) {
    byte[] b = new byte[6 + hops.length];
    b[0] = (byte) type;
    b[1] = (byte) length;
    b[4] = (byte) enumerationId;
    b[5] = (byte) startBus;
    for (int i = 0; i < hops.length; i++) {
      b[6 + i] = (byte) hops[i];
    }
    return b;
  }

  /** The table with its length field set to the bytes written and a correct checksum. */
  public byte[] build() {
    byte[] t = out.toByteArray();
    int n = t.length;
    t[4] = (byte) n;
    t[5] = (byte) (n >>> 8);
    t[6] = (byte) (n >>> 16);
    t[7] = (byte) (n >>> 24);
    return fixChecksum(t);
  }

  /** Sets byte 9 so that the first {@code length} bytes (from the header) sum to 0 mod 256. */
  public static byte[] fixChecksum(byte[] t) {
    int length = (t[4] & 0xff) | (t[5] & 0xff) << 8;
    t[9] = 0;
    int sum = 0;
    for (int i = 0; i < Math.min(length, t.length); i++) {
      sum += t[i];
    }
    t[9] = (byte) -sum;
    return t;
  }

  private DmarBuilder scopes(byte[]... scopes) {
    for (byte[] s : scopes) {
      bytes(s);
    }
    return this;
  }

  private static int total(byte[]... scopes) {
    int n = 0;
    for (byte[] s : scopes) {
      n += s.length;
    }
    return n;
  }
}
