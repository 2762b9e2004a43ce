package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The 36-byte header every ACPI table starts with. It exists so that DMAR, IVRS and IORT readers
 * check signature, length and checksum the same way and report them the same way.
 *
 * <p>Strings are kept exactly as stored (ISO-8859-1, padding and NULs included). {@code checksumOk}
 * says whether all {@code length} bytes of the table sum to 0 mod 256.
 */
public record AcpiHeader(
    String signature,
    long length,
    int revision,
    int checksum,
    boolean checksumOk,
    String oemId,
    String oemTableId,
    long oemRevision,
    String creatorId,
    long creatorRevision) {

  /** Size of the common header in bytes. */
  public static final int SIZE = 36;

  public AcpiHeader {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(oemId, "oemId");
    Objects.requireNonNull(oemTableId, "oemTableId");
    Objects.requireNonNull(creatorId, "creatorId");
  }

  /**
   * Reads and checks the header of a table that must have signature {@code expectedSignature} and be
   * at least {@code minLength} bytes long (the header plus the table's own fixed fields).
   *
   * <p>Errors (with the offset): fewer than {@code minLength} bytes of data, another signature, a
   * header length below {@code minLength} or above the data size. Data beyond the header length is
   * a warning in the result's notes; only {@code length} bytes belong to the table. The checksum is
   * computed but not judged here: whether a bad one is fatal depends on the table's kernel driver.
   *
   * @param data the raw table, as in {@code /sys/firmware/acpi/tables/<SIG>}
   * @param source the input's name for messages
   */
  public static Read<AcpiHeader> parse(byte[] data, String source, String expectedSignature, int minLength)
      throws InputException {
    TableBytes bytes = TableBytes.of(data, source);
    if (data.length >= 4) {
      String signature = bytes.ascii(0, 4, "signature");
      if (!signature.equals(expectedSignature)) {
        throw new InputException(
            source,
            Position.offset(0),
            "signature is '" + printable(signature) + "', not '" + expectedSignature + "': not a "
                + expectedSignature + " table");
      }
    }
    if (data.length < minLength) {
      throw new InputException(
          source,
          Position.offset(data.length),
          "table is only " + data.length + " bytes, too short for the " + minLength + "-byte "
              + expectedSignature + " header");
    }
    long length = bytes.u32(4, "table length");
    if (length < minLength) {
      throw new InputException(
          source,
          Position.offset(4),
          "header length 0x" + Long.toHexString(length) + " is smaller than the " + minLength + "-byte "
              + expectedSignature + " header");
    }
    if (length > data.length) {
      throw new InputException(
          source,
          Position.offset(4),
          "header length 0x" + Long.toHexString(length) + " is larger than the 0x"
              + Integer.toHexString(data.length) + " bytes of data: the table is truncated");
    }
    List<InputNote> notes = new ArrayList<>();
    if (length < data.length) {
      notes.add(
          InputNote.warning(
              source,
              Position.offset(length),
              (data.length - length) + " bytes of data after the table end given by its header length 0x"
                  + Long.toHexString(length) + " are ignored"));
    }
    TableBytes table = bytes.truncate((int) length);
    return new Read<>(new AcpiHeader(
        expectedSignature,
        length,
        table.u8(8, "revision"),
        table.u8(9, "checksum"),
        table.byteSum() == 0,
        table.ascii(10, 6, "OEM id"),
        table.ascii(16, 8, "OEM table id"),
        table.u32(24, "OEM revision"),
        table.ascii(28, 4, "creator id"),
        table.u32(32, "creator revision")), notes);
  }

  /** The sum of the first {@code length} bytes of {@code data} mod 256 (0 when the checksum is right). */
  public static int byteSum(byte[] data, int length) {
    return TableBytes.of(data, "").truncate(length).byteSum();
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return sb.toString();
  }
}
