package dev.resvc.runtime.firmware;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian writing shared by the test builders of ACPI tables; {@link #build()} fills in the
 * header length and fixes the checksum.
 */
public abstract class AcpiTableWriter<B extends AcpiTableWriter<B>> {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  protected abstract B self();

  /** The offset the next byte will be written at. */
  public int offset() {
    return out.size();
  }

  public B u8(int v) {
    out.write(v);
    return self();
  }

  public B u16(int v) {
    return u8(v).u8(v >>> 8);
  }

  public B u32(long v) {
    return u16((int) v).u16((int) (v >>> 16));
  }

  public B u64(long v) {
    return u32(v).u32(v >>> 32);
  }

  public B ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    return self();
  }

  public B bytes(byte[] b) {
    out.writeBytes(b);
    return self();
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

  protected static int total(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    return n;
  }
}
