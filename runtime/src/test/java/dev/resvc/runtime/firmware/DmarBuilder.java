package dev.resvc.runtime.firmware;

/** Writes little-endian DMAR tables for tests; {@link #build()} fills in the length and fixes the checksum. */
public final class DmarBuilder extends AcpiTableWriter<DmarBuilder> {
  @Override
  protected DmarBuilder self() {
    return this;
  }

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

  private DmarBuilder scopes(byte[]... scopes) {
    for (byte[] s : scopes) {
      bytes(s);
    }
    return this;
  }

}
