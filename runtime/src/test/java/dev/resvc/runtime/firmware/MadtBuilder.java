package dev.resvc.runtime.firmware;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes MADT ({@code APIC}) tables for tests: the 44-byte header, then GIC ITS structures
 * ({@code struct acpi_madt_generic_translator}, ACPI 6.x table 5.45: type 0x0F, length 20, reserved
 * u16, GIC ITS ID u32, physical base address u64, reserved u32), with the length and checksum filled in.
 */
public final class MadtBuilder {
  private MadtBuilder() {}

  /** A MADT with one GIC ITS per (translation ID, base address) pair, in order. */
  public static byte[] gicIts(long... idAndBase) {
    IortBuilder b = new IortBuilder();
    b.ascii("APIC").u32(0).u8(5).u8(0).ascii("RESVC ").ascii("TESTMADT").u32(1).ascii("RSVC").u32(0x20260101);
    b.u32(0).u32(0);
    for (int i = 0; i + 1 < idAndBase.length; i += 2) {
      b.u8(MadtTable.TYPE_GIC_ITS).u8(MadtTable.GicIts.SIZE).u16(0).u32(idAndBase[i]).u64(idAndBase[i + 1]).u32(0);
    }
    byte[] t = b.bytes();
    t[4] = (byte) t.length;
    t[5] = (byte) (t.length >>> 8);
    return DmarBuilder.fixChecksum(t);
  }
}
