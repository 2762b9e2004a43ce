package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the MADT ({@code /sys/firmware/acpi/tables/APIC}) into its structure list, walking the
 * structures by their length as the kernel's {@code acpi_parse_entries_array} does: a structure
 * shorter than its 2-byte header ends the walk with a note, one that runs past the table is an
 * error naming its offset. Only the types are kept, and the GIC ITS structures' IDs and base
 * addresses: resvc asks the table whether there is a GIC ITS ({@link MadtTable#hasGicIts()}) and
 * where each ITS lies ({@link MadtTable#its(long)}).
 */
public final class MadtReader {
  /** Header (36) + local interrupt controller address (4) + flags (4). */
  public static final int HEADER_LENGTH = 44;

  private MadtReader() {}

  /**
   * Decodes {@code data}; a bad checksum is a warning (the kernel uses the table anyway).
   *
   * @throws InputException for a table that is not a MADT, is truncated, or has a structure that
   *     runs past its end
   */
  public static Read<MadtTable> read(byte[] data, String source) throws InputException {
    Read<AcpiHeader> parsed = AcpiHeader.parse(data, source, "APIC", HEADER_LENGTH);
    AcpiHeader header = parsed.value();
    List<InputNote> notes = new ArrayList<>(parsed.notes());
    TableBytes bytes = TableBytes.of(data, source).truncate((int) header.length());
    if (!header.checksumOk()) {
      notes.add(InputNote.warning(source, Position.offset(9), "checksum is wrong; the kernel uses the table anyway"));
    }
    List<MadtTable.Structure> structures = new ArrayList<>();
    List<MadtTable.GicIts> gicIts = new ArrayList<>();
    int end = bytes.limit();
    int offset = HEADER_LENGTH;
    while (offset < end) {
      if (end - offset < 2) {
        throw new InputException(source, Position.offset(offset),
            "interrupt controller structure header needs 2 bytes but the table ends at 0x" + Integer.toHexString(end));
      }
      int type = bytes.u8(offset, "interrupt controller structure type");
      int length = bytes.u8(offset + 1, "interrupt controller structure length");
      if (length < 2) {
        notes.add(InputNote.note(source, Position.offset(offset), "structure of type 0x" + Integer.toHexString(type)
            + " has length " + length + ": stopped walking, the rest of the table is ignored (kernel: \"Invalid zero"
            + " length\")"));
        break;
      }
      bytes.require(offset, length, "interrupt controller structure of type 0x" + Integer.toHexString(type));
      structures.add(new MadtTable.Structure(offset, type, length));
      if (type == MadtTable.TYPE_GIC_ITS) {
        gicIts(bytes, offset, length).ifPresent(gicIts::add);
      }
      offset += length;
    }
    return new Read<>(new MadtTable(header, structures, gicIts), notes);
  }

  /**
   * A GIC ITS structure, or empty for one too short to hold its base address (the kernel would read
   * past it; here it registers no ITS, so an IORT ITS group naming it finds none).
   */
  private static Optional<MadtTable.GicIts> gicIts(TableBytes bytes, int offset, int length) throws InputException {
    if (length < MadtTable.GicIts.SIZE) {
      return Optional.empty();
    }
    return Optional.of(new MadtTable.GicIts(offset, bytes.u32(offset + 4, "GIC ITS ID"),
        bytes.u64(offset + 8, "GIC ITS physical base address")));
  }
}
