package dev.resvc.runtime.firmware;

import dev.resvc.runtime.firmware.DeviceScope.PathHop;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a raw DMAR table the way the kernel walks it ({@code dmar_walk_remapping_entries}), so
 * that what resvc believes about RMRRs is what the kernel will do with the same bytes.
 *
 * <p>Where the kernel only complains (bad checksum, an insane RMRR, no DRHD, a zero-length structure,
 * an unknown structure type) the reader adds a note and goes on. Where the kernel gives up, or where
 * the bytes cannot be decoded at all, it throws an {@link InputException} naming the offset.
 */
public final class DmarReader {
  /** Header (36) + host address width, flags, 10 reserved bytes. */
  public static final int HEADER_LENGTH = 48;

  private static final int SCOPE_HEADER = 6;

  private DmarReader() {}

  /**
   * Decodes {@code data}; the result's notes are the warnings and notes, in table order.
   *
   * @param source the file name used in messages
   * @param strict when true, a bad checksum is an error instead of a warning
   * @throws InputException for a table that is not DMAR, is truncated or has a structure or device
   *     scope that cannot be decoded
   */
  public static Read<DmarTable> read(byte[] data, String source, boolean strict) throws InputException {
    Read<AcpiHeader> parsed = AcpiHeader.parse(data, source, "DMAR", HEADER_LENGTH);
    AcpiHeader header = parsed.value();
    List<InputNote> notes = new ArrayList<>(parsed.notes());
    TableBytes bytes = TableBytes.of(data, source).truncate((int) header.length());
    if (!header.checksumOk()) {
      int sum = bytes.byteSum();
      String what = "checksum is wrong: the table's bytes sum to 0x" + hex2(sum) + ", expected 0x00 (checksum byte 0x"
          + hex2(header.checksum()) + ")";
      if (strict) {
        throw new InputException(source, Position.offset(9), what);
      }
      notes.add(InputNote.warning(source, Position.offset(9), what + "; the kernel uses the table anyway"));
    }
    int haw = bytes.u8(36, "host address width");
    int flags = bytes.u8(37, "DMAR flags");
    if (haw < 11) {
      notes.add(
          InputNote.warning(
              source,
              Position.offset(36),
              "host address width " + (haw + 1) + " bits is below 12: the kernel rejects the table (\"Invalid DMAR haw\")"));
    }
    List<DmarStructure> structures = walk(bytes, notes);
    if (structures.stream().noneMatch(s -> s instanceof DmarStructure.Drhd)) {
      notes.add(
          InputNote.warning(
              source,
              Position.whole(),
              "no DRHD (remapping unit) structure in the table (kernel: FW_BUG \"No DRHD structure found in DMAR table\")"));
    }
    return new Read<>(new DmarTable(header, haw, flags, structures), notes);
  }

  private static List<DmarStructure> walk(TableBytes bytes, List<InputNote> notes) throws InputException {
    String source = bytes.source();
    int end = bytes.limit();
    List<DmarStructure> out = new ArrayList<>();
    int offset = HEADER_LENGTH;
    while (offset < end) {
      int left = end - offset;
      if (left < 4) {
        throw new InputException(
            source,
            Position.offset(offset),
            "remapping structure header needs 4 bytes but only " + left + " are left before the table end at 0x"
                + Integer.toHexString(end));
      }
      int type = bytes.u16(offset, "remapping structure type");
      int length = bytes.u16(offset + 2, "remapping structure length");
      if (length == 0) {
        notes.add(
            InputNote.note(
                source,
                Position.offset(offset),
                "zero-length remapping structure (type 0x" + hex4(type) + "): stopped walking, the " + left
                    + " bytes from here to the table end are ignored (kernel: \"Invalid 0-length structure\")"));
        break;
      }
      if (length > left) {
        throw new InputException(
            source,
            Position.offset(offset),
            name(type) + " structure of length 0x" + Integer.toHexString(length) + " runs past the table end at 0x"
                + Integer.toHexString(end) + " (kernel: FW_BUG \"Record passes table end\")");
      }
      int fixed = fixedLength(type);
      if (length < fixed) {
        throw new InputException(
            source,
            Position.offset(offset),
            name(type) + " structure length 0x" + Integer.toHexString(length) + " is smaller than its " + fixed
                + "-byte fixed part");
      }
      out.add(decode(bytes.truncate(offset + length), offset, type, length, notes));
      offset += length;
    }
    return out;
  }

  /** {@code s} is limited to the structure's end, so no read can stray into the next structure. */
  private static DmarStructure decode(TableBytes s, int o, int type, int length, List<InputNote> notes)
      throws InputException {
    return switch (type) {
      case DmarStructure.TYPE_DRHD -> new DmarStructure.Drhd(
          o,
          length,
          s.u8(o + 4, "DRHD flags"),
          s.u8(o + 5, "DRHD size"),
          s.u16(o + 6, "DRHD segment"),
          s.u64(o + 8, "DRHD register base address"),
          scopes(s, o + 16, "DRHD"));
      case DmarStructure.TYPE_RMRR -> {
        DmarStructure.Rmrr rmrr = new DmarStructure.Rmrr(
            o,
            length,
            s.u16(o + 6, "RMRR segment"),
            s.u64(o + 8, "RMRR base address"),
            s.u64(o + 16, "RMRR end address"),
            scopes(s, o + 24, "RMRR"));
        if (!rmrr.isSane()) {
          notes.add(
              InputNote.warning(
                  s.source(),
                  Position.offset(o),
                  "RMRR [" + U64.hex16(rmrr.baseAddress()) + "-" + U64.hex16(rmrr.endAddress()) + "] fails the kernel's"
                      + " sanity check (" + insanity(rmrr) + "); the kernel warns \"Your BIOS is broken; bad RMRR\""
                      + " and still uses it"));
        }
        yield rmrr;
      }
      case DmarStructure.TYPE_ATSR -> new DmarStructure.Atsr(
          o, length, s.u8(o + 4, "ATSR flags"), s.u16(o + 6, "ATSR segment"), scopes(s, o + 8, "ATSR"));
      case DmarStructure.TYPE_RHSA -> new DmarStructure.Rhsa(
          o, length, s.u64(o + 8, "RHSA register base address"), s.u32(o + 16, "RHSA proximity domain"));
      case DmarStructure.TYPE_ANDD -> {
        int nameStart = o + 8;
        long nul = s.indexOfNul(nameStart, o + length, "ANDD object name");
        if (nul < 0) {
          throw new InputException(
              s.source(),
              Position.offset(nameStart),
              "ANDD object name has no terminating NUL byte within the structure (length 0x"
                  + Integer.toHexString(length) + "); the kernel rejects it");
        }
        yield new DmarStructure.Andd(
            o, length, s.u8(o + 7, "ANDD device number"), s.ascii(nameStart, (int) (nul - nameStart), "ANDD object name"));
      }
      case DmarStructure.TYPE_SATC -> new DmarStructure.Satc(
          o, length, s.u8(o + 4, "SATC flags"), s.u16(o + 6, "SATC segment"), scopes(s, o + 8, "SATC"));
      case DmarStructure.TYPE_SIDP -> new DmarStructure.Sidp(
          o, length, s.u16(o + 6, "SIDP segment"), scopes(s, o + 8, "SIDP"));
      default -> {
        notes.add(
            InputNote.note(
                s.source(),
                Position.offset(o),
                "unknown remapping structure type 0x" + hex4(type) + " (length 0x" + Integer.toHexString(length)
                    + ") skipped by its length, as the kernel does"));
        yield new DmarStructure.UnknownStructure(o, type, length);
      }
    };
  }

  /** The device scopes from {@code offset} to the end of the parent structure ({@code s.limit()}). */
  private static List<DeviceScope> scopes(TableBytes s, int offset, String parent) throws InputException {
    List<DeviceScope> out = new ArrayList<>();
    int end = s.limit();
    int o = offset;
    while (o < end) {
      int left = end - o;
      if (left < SCOPE_HEADER) {
        throw new InputException(
            s.source(),
            Position.offset(o),
            "device scope needs at least 6 bytes but only " + left + " are left in its " + parent + " (which ends at 0x"
                + Integer.toHexString(end) + ")");
      }
      int type = s.u8(o, "device scope type");
      int length = s.u8(o + 1, "device scope length");
      if (length < SCOPE_HEADER) {
        throw new InputException(
            s.source(),
            Position.offset(o),
            "device scope length 0x" + hex2(length) + " is less than the 6 bytes of a scope header");
      }
      if (length > left) {
        throw new InputException(
            s.source(),
            Position.offset(o),
            "device scope of length 0x" + hex2(length) + " runs past the end of its " + parent + " at 0x"
                + Integer.toHexString(end));
      }
      if ((length - SCOPE_HEADER) % 2 != 0) {
        throw new InputException(
            s.source(),
            Position.offset(o),
            "device scope length 0x" + hex2(length) + " is not 6 plus 2 bytes per path hop");
      }
      List<PathHop> path = new ArrayList<>();
      for (int h = o + SCOPE_HEADER; h < o + length; h += 2) {
        path.add(new PathHop(s.u8(h, "device scope path device"), s.u8(h + 1, "device scope path function")));
      }
      out.add(
          new DeviceScope(
              o,
              type,
              length,
              s.u8(o + 2, "device scope flags"),
              s.u8(o + 4, "device scope enumeration id"),
              s.u8(o + 5, "device scope start bus"),
              path));
      o += length;
    }
    return out;
  }

  private static int fixedLength(int type) {
    return switch (type) {
      case DmarStructure.TYPE_DRHD -> 16;
      case DmarStructure.TYPE_RMRR -> 24;
      case DmarStructure.TYPE_RHSA -> 20;
      case DmarStructure.TYPE_ATSR, DmarStructure.TYPE_ANDD, DmarStructure.TYPE_SATC, DmarStructure.TYPE_SIDP -> 8;
      default -> 4;
    };
  }

  private static String name(int type) {
    return switch (type) {
      case DmarStructure.TYPE_DRHD -> "DRHD";
      case DmarStructure.TYPE_RMRR -> "RMRR";
      case DmarStructure.TYPE_ATSR -> "ATSR";
      case DmarStructure.TYPE_RHSA -> "RHSA";
      case DmarStructure.TYPE_ANDD -> "ANDD";
      case DmarStructure.TYPE_SATC -> "SATC";
      case DmarStructure.TYPE_SIDP -> "SIDP";
      default -> "type 0x" + hex4(type);
    };
  }

  private static String insanity(DmarStructure.Rmrr r) {
    List<String> why = new ArrayList<>();
    if ((r.baseAddress() & 0xfff) != 0) {
      why.add("base not 4 KiB aligned");
    }
    if (((r.endAddress() + 1) & 0xfff) != 0) {
      why.add("end + 1 not 4 KiB aligned");
    }
    if (!U64.greaterThan(r.endAddress(), r.baseAddress())) {
      why.add("end not above base");
    }
    return String.join(", ", why);
  }

  private static String hex2(int v) {
    return String.format("%02x", v);
  }

  private static String hex4(int v) {
    return String.format("%04x", v);
  }
}
