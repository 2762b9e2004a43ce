package dev.resvc.runtime.firmware;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes little-endian IORT tables for tests. Nodes are appended one after the other from offset
 * 0x30; each node method returns the builder, and {@link #offset()} before the call is the node's
 * offset (what mappings reference). {@link #build()} fills in the length and node count and fixes
 * the checksum.
 */
public final class IortBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int nodes;

  /** A 48-byte IORT header of the given revision, node array at 0x30. */
  public static IortBuilder iort(int revision) {
    IortBuilder b = new IortBuilder();
    b.ascii("IORT").u32(0).u8(revision).u8(0).ascii("RESVC ").ascii("TESTTBL ").u32(1).ascii("RSVC").u32(0x20260101);
    b.u32(0).u32(0x30).u32(0);
    return b;
  }

  /** An ID mapping (20 bytes). */
  public static byte[] map(long inputBase, long idCount, long outputBase, long outputReference, long flags) {
    return new IortBuilder().u32(inputBase).u32(idCount).u32(outputBase).u32(outputReference).u32(flags).bytes();
  }

  /** A single mapping to {@code streamId} on the node at {@code ref}. */
  public static byte[] single(long streamId, long ref) {
    return map(0, 0, streamId, ref, 1);
  }

  /** An RMR descriptor (20 bytes). */
  public static byte[] range(long base, long length) {
    return new IortBuilder().u64(base).u64(length).u32(0).bytes();
  }

  public int offset() {
    return out.size();
  }

  public IortBuilder u8(int v) {
    out.write(v);
    return this;
  }

  public IortBuilder u16(int v) {
    return u8(v).u8(v >>> 8);
  }

  public IortBuilder u32(long v) {
    return u16((int) v).u16((int) (v >>> 16));
  }

  public IortBuilder u64(long v) {
    return u32(v).u32(v >>> 32);
  }

  public IortBuilder ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    return this;
  }

  public IortBuilder raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  /**
   * A node whose type-specific part is {@code data}, with its mappings right after it; the header
   * carries the real mapping count and offset.
   */
  public IortBuilder node(int type, int revision, byte[] data, byte[]... mappings) {
    int mapOffset = 16 + data.length;
    int length = mapOffset + 20 * mappings.length;
    u8(type).u16(length).u8(revision).u32(nodes).u32(mappings.length).u32(mappings.length == 0 ? 0 : mapOffset);
    raw(data);
    for (byte[] m : mappings) {
      raw(m);
    }
    nodes++;
    return this;
  }

  /** Counts a node written with the raw methods. */
  public IortBuilder countNode() {
    nodes++;
    return this;
  }

  /** An ITS group with one ITS of identifier 0. */
  public IortBuilder its() {
    return its(0);
  }

  /** An ITS group naming the ITS units {@code identifiers} (MADT GIC ITS IDs). */
  public IortBuilder its(long... identifiers) {
    IortBuilder data = new IortBuilder().u32(identifiers.length);
    for (long id : identifiers) {
      data.u32(id);
    }
    return node(IortNode.TYPE_ITS_GROUP, 0, data.bytes());
  }

  /** An SMMUv3 (revision 2 layout, 68 bytes before mappings) with all four GSIVs set. */
  public IortBuilder smmuV3(long base, byte[]... mappings) {
    return smmuV3(base, 0, mappings);
  }

  public IortBuilder smmuV3(long base, long model, byte[]... mappings) {
    byte[] data = new IortBuilder().u64(base).u32(1).u32(0).u64(0).u32(model)
        .u32(0x6b).u32(0x74).u32(0x70).u32(0x6c).u32(0).u32(0).bytes();
    return node(IortNode.TYPE_SMMU_V3, 2, data, mappings);
  }

  /** An SMMUv1/v2 with no interrupts. */
  public IortBuilder smmu(long base, byte[]... mappings) {
    byte[] data = new IortBuilder().u64(base).u64(0x10000).u32(0).u32(0).u32(0).u32(0).u32(0).u32(0).u32(0).bytes();
    return node(IortNode.TYPE_SMMU, 0, data, mappings);
  }

  /** A root complex (revision 0 layout, 24 bytes of data) for PCI segment {@code segment}. */
  public IortBuilder rootComplex(int segment, byte[]... mappings) {
    byte[] data = new IortBuilder().u64(0x0300000000000001L).u32(1).u32(segment).u32(0).u32(0).bytes();
    return node(IortNode.TYPE_ROOT_COMPLEX, 0, data, mappings);
  }

  /** A named component called {@code name}, padded to 4 bytes. */
  public IortBuilder namedComponent(String name, byte[]... mappings) {
    IortBuilder d = new IortBuilder().u32(0).u64(0x0300000000000001L).u8(0x28).ascii(name).u8(0);
    while ((d.offset() + 16) % 4 != 0) {
      d.u8(0);
    }
    return node(IortNode.TYPE_NAMED_COMPONENT, 0, d.bytes(), mappings);
  }

  /** An RMR node (revision 3): mappings right after the fixed part, then the descriptors. */
  public IortBuilder rmr(long flags, byte[][] ranges, byte[]... mappings) {
    int mapOffset = IortNode.Rmr.FIXED;
    int rangeOffset = mapOffset + 20 * mappings.length;
    int length = rangeOffset + 20 * ranges.length;
    u8(IortNode.TYPE_RMR).u16(length).u8(3).u32(nodes).u32(mappings.length).u32(mapOffset);
    u32(flags).u32(ranges.length).u32(rangeOffset);
    for (byte[] m : mappings) {
      raw(m);
    }
    for (byte[] r : ranges) {
      raw(r);
    }
    nodes++;
    return this;
  }

  public static byte[][] ranges(byte[]... ranges) {
    return ranges;
  }

  /** The bytes so far, as they are. */
  public byte[] bytes() {
    return out.toByteArray();
  }

  /** The table with its length, node count and checksum filled in. */
  public byte[] build() {
    byte[] t = bytes();
    if (t.length >= 48) {
      put32(t, 4, t.length);
      put32(t, 36, nodes);
    }
    return DmarBuilder.fixChecksum(t);
  }

  /** Overwrites a u32 at {@code at} and fixes the checksum again. */
  public static byte[] patch32(byte[] t, int at, long value) {
    byte[] c = t.clone();
    put32(c, at, value);
    return DmarBuilder.fixChecksum(c);
  }

  /** Overwrites a u16 at {@code at} and fixes the checksum again. */
  public static byte[] patch16(byte[] t, int at, int value) {
    byte[] c = t.clone();
    c[at] = (byte) value;
    c[at + 1] = (byte) (value >>> 8);
    return DmarBuilder.fixChecksum(c);
  }

  private static void put32(byte[] t, int at, long v) {
    t[at] = (byte) v;
    t[at + 1] = (byte) (v >>> 8);
    t[at + 2] = (byte) (v >>> 16);
    t[at + 3] = (byte) (v >>> 24);
  }
}
