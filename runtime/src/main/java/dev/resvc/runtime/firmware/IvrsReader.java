package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a raw IVRS table with the layout the AMD IOMMU driver reads (drivers/iommu/amd/init.c:
 * {@code struct ivhd_header}, {@code struct ivhd_entry}, {@code struct ivmd_header}), so that what
 * resvc believes about IVMDs is what the kernel does with the same bytes.
 *
 * <p>The kernel trusts the block and entry lengths blindly (a zero length makes its walks loop, a
 * length past the end makes it read beyond the table), so where it would misbehave the reader throws
 * an {@link InputException} naming the offset. A bad checksum is different: the driver checks it first
 * and gives up entirely ({@code check_ivrs_checksum}), which the reader reports as a warning (an error
 * under {@code strict}) and {@code AmdRegionBuilder} honours.
 */
public final class IvrsReader {
  /** {@code IVRS_HEADER_LENGTH}: header (36) + IVinfo (4) + reserved (8). */
  public static final int HEADER_LENGTH = 48;

  private static final int BLOCK_HEADER = 4;

  private IvrsReader() {}

  /**
   * Decodes {@code data}; the result's notes are the warnings and notes, in table order.
   *
   * @param source the file name used in messages
   * @param strict when true, a bad checksum is an error instead of a warning
   * @throws InputException for a table that is not IVRS, is truncated, or has a block or device entry
   *     that cannot be decoded
   */
  public static Read<IvrsTable> read(byte[] data, String source, boolean strict) throws InputException {
    Read<AcpiHeader> parsed = AcpiHeader.parse(data, source, "IVRS", HEADER_LENGTH);
    AcpiHeader header = parsed.value();
    List<InputNote> notes = new ArrayList<>(parsed.notes());
    TableBytes bytes = TableBytes.of(data, source).truncate((int) header.length());
    if (!header.checksumOk()) {
      String what = "checksum is wrong: the table's bytes sum to 0x" + hex2(bytes.byteSum())
          + ", expected 0x00 (checksum byte 0x" + hex2(header.checksum()) + ")";
      if (strict) {
        throw new InputException(source, Position.offset(9), what);
      }
      notes.add(InputNote.warning(source, Position.offset(9), what
          + "; the AMD IOMMU driver gives up entirely on such a table (check_ivrs_checksum: \"IVRS invalid"
          + " checksum\"): no AMD IOMMU, so no reserved regions from it"));
    }
    long ivinfo = bytes.u32(36, "IVinfo");
    long reserved = bytes.u64(40, "IVRS reserved field");
    List<IvrsBlock> blocks = walk(bytes, notes);
    return new Read<>(new IvrsTable(header, ivinfo, reserved, blocks), notes);
  }

  private static List<IvrsBlock> walk(TableBytes bytes, List<InputNote> notes) throws InputException {
    String source = bytes.source();
    int end = bytes.limit();
    List<IvrsBlock> out = new ArrayList<>();
    int offset = HEADER_LENGTH;
    while (offset < end) {
      int left = end - offset;
      if (left < BLOCK_HEADER) {
        throw new InputException(source, Position.offset(offset),
            "IVRS block header needs 4 bytes but only " + left + " are left before the table end at 0x"
                + Integer.toHexString(end));
      }
      int type = bytes.u8(offset, "IVRS block type");
      int flags = bytes.u8(offset + 1, "IVRS block flags");
      int length = bytes.u16(offset + 2, "IVRS block length");
      if (length == 0) {
        throw new InputException(source, Position.offset(offset),
            "zero-length IVRS block (type 0x" + hex2(type) + "): the kernel's table walks never get past it");
      }
      if (length < BLOCK_HEADER) {
        throw new InputException(source, Position.offset(offset),
            name(type) + " block length 0x" + Integer.toHexString(length) + " is smaller than the 4-byte block header");
      }
      if (length > left) {
        throw new InputException(source, Position.offset(offset),
            name(type) + " block of length 0x" + Integer.toHexString(length) + " runs past the table end at 0x"
                + Integer.toHexString(end));
      }
      TableBytes block = bytes.truncate(offset + length);
      if (IvrsBlock.Ivhd.isIvhdType(type)) {
        out.add(ivhd(block, offset, type, flags, length, notes));
      } else if (IvrsBlock.Ivmd.isIvmdType(type)) {
        out.add(ivmd(block, offset, type, flags, length));
      } else {
        notes.add(InputNote.note(source, Position.offset(offset),
            "IVRS block type 0x" + hex2(type) + " (length 0x" + Integer.toHexString(length)
                + ") is not one the kernel parses; skipped by its length"));
        int deviceIdField = length >= 6 ? block.u16(offset + 4, "IVRS block device id") : -1;
        out.add(new IvrsBlock.UnknownBlock(offset, type, flags, length, deviceIdField));
      }
      offset += length;
    }
    return out;
  }

  /** {@code b} ends at the block's end, so no read can stray into the next block. */
  private static IvrsBlock.Ivhd ivhd(TableBytes b, int o, int type, int flags, int length, List<InputNote> notes)
      throws InputException {
    int headerLength = IvrsBlock.Ivhd.headerLength(type);
    if (length < headerLength) {
      throw new InputException(b.source(), Position.offset(o),
          "IVHD type 0x" + hex2(type) + " block length 0x" + Integer.toHexString(length) + " is smaller than its "
              + headerLength + "-byte header");
    }
    boolean efr = type != IvrsBlock.TYPE_IVHD_10;
    return new IvrsBlock.Ivhd(
        o,
        type,
        flags,
        length,
        b.u16(o + 4, "IVHD device id"),
        b.u16(o + 6, "IVHD capability offset"),
        b.u64(o + 8, "IVHD base address"),
        b.u16(o + 16, "IVHD PCI segment"),
        b.u16(o + 18, "IVHD IOMMU info"),
        b.u32(o + 20, "IVHD feature reporting / attributes"),
        efr ? b.u64(o + 24, "IVHD EFR image") : 0,
        efr ? b.u64(o + 32, "IVHD EFR2 image") : 0,
        entries(b, o + headerLength, type, notes));
  }

  /** The device entries from {@code offset} to the end of the IVHD ({@code b.limit()}), as {@code ivhd_entry_length} steps. */
  private static List<IvhdDeviceEntry> entries(TableBytes b, int offset, int ivhdType, List<InputNote> notes)
      throws InputException {
    List<IvhdDeviceEntry> out = new ArrayList<>();
    int end = b.limit();
    int o = offset;
    while (o < end) {
      int left = end - o;
      int type = b.u8(o, "IVHD device entry type");
      int length;
      if (type < 0x80) {
        length = IvhdDeviceEntry.lengthOfFixedType(type);
      } else if (type == IvhdDeviceEntry.TYPE_ACPI_HID) {
        if (left < IvhdDeviceEntry.AcpiHid.FIXED_LENGTH) {
          throw runsPast(b, o, type, IvhdDeviceEntry.AcpiHid.FIXED_LENGTH, end);
        }
        length = IvhdDeviceEntry.AcpiHid.FIXED_LENGTH + b.u8(o + 21, "ACPI HID UID length");
      } else {
        throw new InputException(b.source(), Position.offset(o),
            "IVHD device entry type 0x" + hex2(type) + " has no known length (the kernel's ivhd_entry_length gives 0"
                + " for it and its walk would never get past it)");
      }
      if (length > left) {
        throw runsPast(b, o, type, length, end);
      }
      out.add(entry(b, o, type, length, ivhdType, notes));
      o += length;
    }
    return out;
  }

  private static IvhdDeviceEntry entry(TableBytes b, int o, int type, int length, int ivhdType, List<InputNote> notes)
      throws InputException {
    int devid = b.u16(o + 1, "IVHD device entry device id");
    int settings = b.u8(o + 3, "IVHD device entry settings");
    return switch (type) {
      case IvhdDeviceEntry.TYPE_PAD -> new IvhdDeviceEntry.Pad(o, devid, settings);
      case IvhdDeviceEntry.TYPE_ALL -> new IvhdDeviceEntry.All(o, devid, settings);
      case IvhdDeviceEntry.TYPE_SELECT -> new IvhdDeviceEntry.Select(o, devid, settings);
      case IvhdDeviceEntry.TYPE_RANGE_START -> new IvhdDeviceEntry.RangeStart(o, devid, settings);
      case IvhdDeviceEntry.TYPE_RANGE_END -> new IvhdDeviceEntry.RangeEnd(o, devid, settings);
      case IvhdDeviceEntry.TYPE_ALIAS_SELECT, IvhdDeviceEntry.TYPE_ALIAS_RANGE_START -> new IvhdDeviceEntry.Alias(
          o, type, devid, settings, b.u16(o + 5, "alias source device id"));
      case IvhdDeviceEntry.TYPE_EXT_SELECT, IvhdDeviceEntry.TYPE_EXT_RANGE_START -> new IvhdDeviceEntry.Extended(
          o, type, devid, settings, b.u32(o + 4, "extended device entry setting"));
      case IvhdDeviceEntry.TYPE_SPECIAL -> new IvhdDeviceEntry.Special(
          o, devid, settings, b.u8(o + 4, "special device handle"), b.u16(o + 5, "special device source id"),
          b.u8(o + 7, "special device variety"));
      case IvhdDeviceEntry.TYPE_ACPI_HID -> {
        if (ivhdType != IvrsBlock.TYPE_IVHD_40) {
          notes.add(InputNote.note(b.source(), Position.offset(o),
              "ACPI HID device entry in an IVHD of type 0x" + hex2(ivhdType) + ": the kernel ignores it"
                  + " (FW_BUG \"Invalid IVHD device type 0xf0\")"));
        }
        yield new IvhdDeviceEntry.AcpiHid(
            o, devid, settings, b.ascii(o + 4, 8, "ACPI HID"), b.u64(o + 12, "ACPI CID"),
            b.u8(o + 20, "ACPI UID format"), b.ascii(o + 22, length - IvhdDeviceEntry.AcpiHid.FIXED_LENGTH, "ACPI UID"));
      }
      default -> new IvhdDeviceEntry.Unknown(o, type, devid, settings);
    };
  }

  private static IvrsBlock.Ivmd ivmd(TableBytes b, int o, int type, int flags, int length) throws InputException {
    if (length != IvrsBlock.Ivmd.LENGTH) {
      throw new InputException(b.source(), Position.offset(o),
          "IVMD block length 0x" + Integer.toHexString(length) + " is not 0x20 (an IVMD is always 32 bytes)");
    }
    long reserved = b.u32(o + 10, "IVMD reserved") | (long) b.u16(o + 14, "IVMD reserved") << 32;
    return new IvrsBlock.Ivmd(
        o,
        type,
        flags,
        length,
        b.u16(o + 4, "IVMD device id"),
        b.u16(o + 6, "IVMD auxiliary data"),
        b.u16(o + 8, "IVMD PCI segment"),
        reserved,
        b.u64(o + 16, "IVMD start address"),
        b.u64(o + 24, "IVMD memory length"));
  }

  private static InputException runsPast(TableBytes b, int o, int type, int length, int end) {
    return new InputException(b.source(), Position.offset(o),
        "IVHD device entry type 0x" + hex2(type) + " needs " + length + " bytes but runs past the end of its IVHD at 0x"
            + Integer.toHexString(end));
  }

  private static String name(int type) {
    if (IvrsBlock.Ivhd.isIvhdType(type)) {
      return "IVHD type 0x" + hex2(type);
    }
    if (IvrsBlock.Ivmd.isIvmdType(type)) {
      return "IVMD type 0x" + hex2(type);
    }
    return "type 0x" + hex2(type);
  }

  private static String hex2(int v) {
    return String.format("%02x", v);
  }
}
