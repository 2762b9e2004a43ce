package dev.resvc.runtime.firmware;

import java.nio.charset.StandardCharsets;

/** Writes little-endian IVRS tables for tests; {@link #build()} fills in the length and fixes the checksum. */
public final class IvrsBuilder extends AcpiTableWriter<IvrsBuilder> {
  @Override
  protected IvrsBuilder self() {
    return this;
  }

  /** A 48-byte IVRS header: revision 2, IVinfo 0x00203043, reserved 0. */
  public static IvrsBuilder ivrs() {
    IvrsBuilder b = new IvrsBuilder();
    b.ascii("IVRS").u32(0).u8(2).u8(0).ascii("RESVC ").ascii("TESTTBL ").u32(1).ascii("RSVC").u32(0x20260101);
    b.u32(0x00203043L).u64(0);
    return b;
  }

  /** An IVHD of {@code type} (0x10, 0x11 or 0x40) whose length covers its entries. */
  public IvrsBuilder ivhd(int type, int flags, int devid, int segment, long base, byte[]... entries) {
    return ivhdWithLength(type, IvrsBlock.Ivhd.headerLength(type) + total(entries), flags, devid, segment, base, entries);
  }

  /** An IVHD with a stated length that need not match what is written. */
  public IvrsBuilder ivhdWithLength(int type, int length, int flags, int devid, int segment, long base, byte[]... entries) {
    u8(type).u8(flags).u16(length).u16(devid).u16(0x40).u64(base).u16(segment).u16(0).u32(0x00048000L);
    if (type != IvrsBlock.TYPE_IVHD_10) {
      u64(0x246577efa2054adaL).u64(0);
    }
    for (byte[] e : entries) {
      bytes(e);
    }
    return this;
  }

  /** A 32-byte IVMD. */
  public IvrsBuilder ivmd(int type, int flags, int devid, int aux, int segment, long start, long length) {
    return ivmdWithLength(type, 32, flags, devid, aux, segment, start, length);
  }

  public IvrsBuilder ivmdWithLength(int type, int blockLength, int flags, int devid, int aux, int segment, long start,
      long length) {
    u8(type).u8(flags).u16(blockLength).u16(devid).u16(aux).u16(segment);
    for (int i = 0; i < 6; i++) {
      u8(0);
    }
    return u64(start).u64(length);
  }

  /** A block header with any type, flags and length followed by {@code body}. */
  public IvrsBuilder block(int type, int flags, int length, byte[] body) {
    return u8(type).u8(flags).u16(length).bytes(body);
  }

  /** A 4-byte device entry (pad, all, select, range start/end or an unknown type below 0x40). */
  public static byte[] entry4(int type, int devid, int settings) {
    return new byte[] {(byte) type, (byte) devid, (byte) (devid >>> 8), (byte) settings};
  }

  /** An 8-byte device entry: {@code ext} is the u32 at entry offset 4. */
  public static byte[] entry8(int type, int devid, int settings, long ext) {
    return new byte[] {
      (byte) type, (byte) devid, (byte) (devid >>> 8), (byte) settings,
      (byte) ext, (byte) (ext >>> 8), (byte) (ext >>> 16), (byte) (ext >>> 24)
    };
  }

  /** An alias entry (0x42 or 0x43): the source id is the u16 at entry offset 5. */
  public static byte[] alias(int type, int devid, int source) {
    return entry8(type, devid, 0, (long) source << 8);
  }

  /** A special (IOAPIC/HPET) entry. */
  public static byte[] special(int handle, int source, int variety) {
    return entry8(IvhdDeviceEntry.TYPE_SPECIAL, 0, 0, handle | (long) source << 8 | (long) variety << 24);
  }

  /** An ACPI HID entry with a character UID. */
  public static byte[] acpiHid(int devid, String hid, long cid, int uidFormat, String uid) {
    return acpiHidWithUidLength(devid, hid, cid, uidFormat, uid.length(), uid);
  }

  public static byte[] acpiHidWithUidLength(int devid, String hid, long cid, int uidFormat, int uidLength, String uid) {
    byte[] b = new byte[22 + uid.length()];
    b[0] = (byte) 0xf0;
    b[1] = (byte) devid;
    b[2] = (byte) (devid >>> 8);
    byte[] h = hid.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(h, 0, b, 4, Math.min(8, h.length));
    for (int i = 0; i < 8; i++) {
      b[12 + i] = (byte) (cid >>> (8 * i));
    }
    b[20] = (byte) uidFormat;
    b[21] = (byte) uidLength;
    byte[] u = uid.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(u, 0, b, 22, u.length);
    return b;
  }

}
