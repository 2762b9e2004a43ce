package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a raw IORT table node by node, the way the kernel walks it ({@code iort_scan_node}: from
 * the header's node offset, {@code node_count} nodes, each found at the previous one plus its
 * length), so that what resvc believes about stream IDs and RMRs is what the kernel sees.
 *
 * <p>The kernel trusts the table: a node that runs past the end, a mapping array outside its node
 * or a zero node length make it read foreign bytes or walk the same node again. Here each of those
 * is an {@link InputException} naming the offset. Where the kernel just ignores something (a mapping
 * or descriptor offset of 0, an unknown node type) the reader adds a note and goes on.
 */
public final class IortReader {
  /** Header (36) + node count, node offset, reserved. */
  public static final int HEADER_LENGTH = 48;

  /**
   * The first table revision whose RMR nodes are read (spec E.d). {@code iort_find_rmrs} returns at
   * once below it ("Only supports ARM DEN 0049E.d onwards", {@code iort_table->revision < 5}, no
   * message), since Linux commit 491cf4a6735a "ACPI/IORT: Add support to retrieve IORT RMR reserved
   * regions" (v6.0).
   */
  public static final int RMR_MIN_REVISION = 5;

  private IortReader() {}

  /**
   * Decodes {@code data}; the result's notes are the warnings and notes, in table order.
   *
   * @param source the file name used in messages
   * @param strict when true, a bad checksum is an error instead of a warning
   * @throws InputException for a table that is not IORT, is truncated or has a node that cannot be
   *     decoded
   */
  public static Read<IortTable> read(byte[] data, String source, boolean strict) throws InputException {
    Read<AcpiHeader> parsed = AcpiHeader.parse(data, source, "IORT", HEADER_LENGTH);
    AcpiHeader header = parsed.value();
    List<InputNote> notes = new ArrayList<>(parsed.notes());
    TableBytes bytes = TableBytes.of(data, source).truncate((int) header.length());
    if (!header.checksumOk()) {
      String what = "checksum is wrong: the table's bytes sum to 0x" + U64.digits(bytes.byteSum(), 2)
          + ", expected 0x00 (checksum byte 0x" + U64.digits(header.checksum(), 2) + ")";
      if (strict) {
        throw new InputException(source, Position.offset(9), what);
      }
      notes.add(InputNote.warning(source, Position.offset(9), what + "; the kernel uses the table anyway"));
    }
    long nodeCount = bytes.u32(36, "node count");
    long nodeOffset = bytes.u32(40, "node array offset");
    int end = bytes.limit();
    List<IortNode> nodes = new ArrayList<>();
    if (nodeCount > 0) {
      if (nodeOffset < HEADER_LENGTH || nodeOffset >= end) {
        throw new InputException(source, Position.offset(40),
            "node array offset 0x" + Long.toHexString(nodeOffset) + " lies outside the node area [0x30, 0x"
                + Integer.toHexString(end) + ") of the table (" + nodeCount + " node" + (nodeCount == 1 ? "" : "s")
                + " announced)");
      }
    }
    long offset = nodeOffset;
    for (long i = 0; i < nodeCount; i++) {
      if (offset >= end) {
        throw new InputException(source, Position.offset(Math.min(offset, end)),
            "node " + i + " of " + nodeCount + " would start at 0x" + Long.toHexString(offset)
                + ", at or past the table end at 0x" + Integer.toHexString(end)
                + " (kernel: \"IORT node pointer overflows, bad table!\")");
      }
      if (end - offset < IortNode.Header.SIZE) {
        throw new InputException(source, Position.offset(offset),
            "node header needs 16 bytes but only " + (end - offset) + " are left before the table end at 0x"
                + Integer.toHexString(end));
      }
      int type = bytes.u8(offset, "node type");
      int length = bytes.u16(offset + 1, "node length");
      if (length == 0) {
        throw new InputException(source, Position.offset(offset),
            name(type) + " node has length 0: the walk cannot move on to the next node");
      }
      boolean ignoredRmr = type == IortNode.TYPE_RMR && header.revision() < RMR_MIN_REVISION;
      int fixed = ignoredRmr ? IortNode.Header.SIZE : fixedLength(type);
      if (length < fixed) {
        throw new InputException(source, Position.offset(offset),
            name(type) + " node length 0x" + Integer.toHexString(length) + " is smaller than its " + fixed
                + "-byte fixed part");
      }
      if (length > end - offset) {
        throw new InputException(source, Position.offset(offset),
            name(type) + " node of length 0x" + Integer.toHexString(length) + " runs past the table end at 0x"
                + Integer.toHexString(end));
      }
      TableBytes node = bytes.truncate((int) (offset + length));
      nodes.add(ignoredRmr ? ignoredRmr(node, offset, length, header.revision(), notes)
          : decode(node, offset, type, length, notes));
      offset += length;
    }
    return new Read<>(new IortTable(header, nodeCount, nodeOffset, nodes), notes);
  }

  /** {@code s} ends at the node's end, so no read can stray into the next node. */
  private static IortNode decode(TableBytes s, long o, int type, int length, List<InputNote> notes)
      throws InputException {
    IortNode.Header h = new IortNode.Header(
        o, type, length, s.u8(o + 3, "node revision"), s.u32(o + 4, "node identifier"),
        s.u32(o + 8, "ID mapping count"), s.u32(o + 12, "ID mapping offset"));
    List<IdMapping> maps = mappings(s, h, notes);
    return switch (type) {
      case IortNode.TYPE_ITS_GROUP -> {
        long count = s.u32(o + 16, "ITS count");
        requireArray(s, o, o + 20, count, 4, "ITS identifier array", "ITS count");
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < count; i++) {
          ids.add(s.u32(o + 20 + 4 * i, "ITS identifier"));
        }
        yield new IortNode.ItsGroup(h, ids, maps);
      }
      case IortNode.TYPE_NAMED_COMPONENT -> {
        long nameStart = o + 29;
        long nul = s.indexOfNul(nameStart, o + length, "named component device name");
        if (nul < 0) {
          throw new InputException(s.source(), Position.offset(nameStart),
              "named component device name has no terminating NUL byte within its node (length 0x"
                  + Integer.toHexString(length) + ")");
        }
        yield new IortNode.NamedComponent(h, s.u32(o + 16, "named component flags"),
            s.u64(o + 20, "named component memory properties"), s.u8(o + 28, "named component memory address limit"),
            s.ascii(nameStart, (int) (nul - nameStart), "named component device name"), maps);
      }
      case IortNode.TYPE_ROOT_COMPLEX -> new IortNode.RootComplex(h,
          s.u64(o + 16, "root complex memory properties"), s.u32(o + 24, "root complex ATS attribute"),
          s.u32(o + 28, "root complex PCI segment"),
          length >= 33 ? s.u8(o + 32, "root complex memory address limit") : 0,
          length >= 35 ? s.u16(o + 33, "root complex PASID capabilities") : 0,
          length >= 40 ? s.u32(o + 36, "root complex flags") : 0,
          maps);
      case IortNode.TYPE_SMMU -> new IortNode.Smmu(h,
          s.u64(o + 16, "SMMU base address"), s.u64(o + 24, "SMMU span"), s.u32(o + 32, "SMMU model"),
          s.u32(o + 36, "SMMU flags"), s.u32(o + 40, "SMMU global interrupt offset"),
          s.u32(o + 44, "SMMU context interrupt count"), s.u32(o + 48, "SMMU context interrupt offset"),
          s.u32(o + 52, "SMMU PMU interrupt count"), s.u32(o + 56, "SMMU PMU interrupt offset"), maps);
      case IortNode.TYPE_SMMU_V3 -> new IortNode.SmmuV3(h,
          s.u64(o + 16, "SMMUv3 base address"), s.u32(o + 24, "SMMUv3 flags"), s.u64(o + 32, "SMMUv3 VATOS address"),
          s.u32(o + 40, "SMMUv3 model"), s.u32(o + 44, "SMMUv3 event GSIV"), s.u32(o + 48, "SMMUv3 PRI GSIV"),
          s.u32(o + 52, "SMMUv3 GERR GSIV"), s.u32(o + 56, "SMMUv3 sync GSIV"),
          length >= 64 ? s.u32(o + 60, "SMMUv3 proximity domain") : 0,
          length >= 68 ? s.u32(o + 64, "SMMUv3 ID mapping index") : 0,
          maps);
      case IortNode.TYPE_PMCG -> new IortNode.Pmcg(h,
          s.u64(o + 16, "PMCG page 0 base address"), s.u32(o + 24, "PMCG overflow GSIV"),
          s.u32(o + 28, "PMCG node reference"), s.u64(o + 32, "PMCG page 1 base address"), maps);
      case IortNode.TYPE_RMR -> rmr(s, h, maps, notes);
      default -> {
        notes.add(InputNote.note(s.source(), Position.offset(o),
            "unknown node type 0x" + U64.digits(type, 2) + " (length 0x" + Integer.toHexString(length)
                + ") skipped by its length, as the kernel does"));
        yield new IortNode.UnknownNode(h, maps);
      }
    };
  }

  /** An RMR node below {@link #RMR_MIN_REVISION}: only its header, as the kernel reads no more. */
  private static IortNode.IgnoredRmr ignoredRmr(TableBytes s, long o, int length, int tableRevision,
      List<InputNote> notes) throws InputException {
    IortNode.Header h = new IortNode.Header(
        o, IortNode.TYPE_RMR, length, s.u8(o + 3, "node revision"), s.u32(o + 4, "node identifier"),
        s.u32(o + 8, "ID mapping count"), s.u32(o + 12, "ID mapping offset"));
    notes.add(InputNote.note(s.source(), Position.offset(o),
        "RMR node at 0x" + Long.toHexString(o) + " ignored: the table is revision " + tableRevision
            + " and the kernel reads RMR nodes only from revision " + RMR_MIN_REVISION + " (IORT E.d) on"));
    return new IortNode.IgnoredRmr(h);
  }

  private static IortNode.Rmr rmr(TableBytes s, IortNode.Header h, List<IdMapping> maps, List<InputNote> notes)
      throws InputException {
    long o = h.offset();
    long flags = s.u32(o + 16, "RMR flags");
    long count = s.u32(o + 20, "RMR descriptor count");
    long rangeOffset = s.u32(o + 24, "RMR descriptor offset");
    List<RmrRange> ranges = new ArrayList<>();
    if (count > 0 && rangeOffset == 0) {
      notes.add(InputNote.warning(s.source(), Position.offset(o + 24),
          "RMR node declares " + count + " descriptor(s) at offset 0: the kernel ignores the node's ranges"));
    } else if (count > 0) {
      requireArray(s, o, o + rangeOffset, count, RmrRange.SIZE, "RMR descriptor array", "RMR descriptor count");
      for (long i = 0; i < count; i++) {
        long d = o + rangeOffset + i * RmrRange.SIZE;
        ranges.add(new RmrRange(s.u64(d, "RMR descriptor base address"), s.u64(d + 8, "RMR descriptor length")));
      }
    }
    return new IortNode.Rmr(h, flags, count, rangeOffset, ranges, maps);
  }

  private static List<IdMapping> mappings(TableBytes s, IortNode.Header h, List<InputNote> notes)
      throws InputException {
    List<IdMapping> out = new ArrayList<>();
    long o = h.offset();
    if (h.mappingCount() == 0) {
      return out;
    }
    if (h.mappingOffset() == 0) {
      notes.add(InputNote.warning(s.source(), Position.offset(o + 12),
          name(h.type()) + " node declares " + h.mappingCount() + " ID mapping(s) at offset 0: the kernel ignores them"));
      return out;
    }
    requireArray(s, o, o + h.mappingOffset(), h.mappingCount(), IdMapping.SIZE, "ID mapping array", "ID mapping count");
    for (long i = 0; i < h.mappingCount(); i++) {
      long m = o + h.mappingOffset() + i * IdMapping.SIZE;
      out.add(new IdMapping(s.u32(m, "ID mapping input base"), s.u32(m + 4, "ID mapping ID count"),
          s.u32(m + 8, "ID mapping output base"), s.u32(m + 12, "ID mapping output reference"),
          s.u32(m + 16, "ID mapping flags")));
    }
    return out;
  }

  /**
   * Throws unless {@code count} entries of {@code size} bytes from {@code start} lie inside the node
   * that {@code s} ends with. Counts are u32, so the size is computed in 64 bits; one that needs more
   * than 32 bits is reported as an overflow (in the kernel's u32 arithmetic it would wrap).
   */
  private static void requireArray(TableBytes s, long node, long start, long count, int size, String what,
      String countName) throws InputException {
    long bytes = count * size;
    long nodeEnd = s.limit();
    if (bytes > 0xffffffffL) {
      throw new InputException(s.source(), Position.offset(node),
          countName + " 0x" + Long.toHexString(count) + " makes the " + what + " 0x" + Long.toHexString(bytes)
              + " bytes long, which overflows 32 bits");
    }
    if (start > nodeEnd || bytes > nodeEnd - start) {
      throw new InputException(s.source(), Position.offset(node),
          what + " [0x" + Long.toHexString(start) + ", +0x" + Long.toHexString(bytes) + ") lies outside its node [0x"
              + Long.toHexString(node) + ", 0x" + Long.toHexString(nodeEnd) + ")");
    }
  }

  private static int fixedLength(int type) {
    return switch (type) {
      case IortNode.TYPE_ITS_GROUP -> 20;
      case IortNode.TYPE_NAMED_COMPONENT -> 30; // device name: at least its NUL
      case IortNode.TYPE_ROOT_COMPLEX -> 32;
      case IortNode.TYPE_SMMU -> 60;
      case IortNode.TYPE_SMMU_V3 -> 60;
      case IortNode.TYPE_PMCG -> 40;
      case IortNode.TYPE_RMR -> IortNode.Rmr.FIXED;
      default -> IortNode.Header.SIZE;
    };
  }

  /** The node type's name for messages. */
  static String name(int type) {
    return switch (type) {
      case IortNode.TYPE_ITS_GROUP -> "ITS group";
      case IortNode.TYPE_NAMED_COMPONENT -> "named component";
      case IortNode.TYPE_ROOT_COMPLEX -> "root complex";
      case IortNode.TYPE_SMMU -> "SMMU";
      case IortNode.TYPE_SMMU_V3 -> "SMMUv3";
      case IortNode.TYPE_PMCG -> "PMCG";
      case IortNode.TYPE_RMR -> "RMR";
      default -> "type 0x" + U64.digits(type, 2);
    };
  }

}
