package dev.resvc.runtime.host;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Minimal MADT ({@code APIC}) tables for host tests: the header and one structure of each type given. */
final class MadtBytes {
  private MadtBytes() {}

  /** A MADT whose structures have {@code types}, each 8 bytes long, with a right checksum. */
  static byte[] madt(int... types) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("APIC".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[40]);
    for (int type : types) {
      out.writeBytes(new byte[] {(byte) type, 8, 0, 0, 0, 0, 0, 0});
    }
    byte[] b = out.toByteArray();
    b[4] = (byte) b.length;
    b[5] = (byte) (b.length >> 8);
    b[8] = 5;
    int sum = 0;
    for (byte x : b) {
      sum += x;
    }
    b[9] = (byte) -sum;
    return b;
  }
}
