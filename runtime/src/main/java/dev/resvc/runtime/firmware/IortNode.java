package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;

/**
 * One node of an IORT table, in the form the table states it. A sealed family so that callers handle
 * every node type the kernel knows and keep unknown ones (which the kernel walks over by their
 * length) instead of failing on them.
 *
 * <p>Every node starts with the same 16-byte header ({@link Header}) and may carry an array of
 * {@link IdMapping}s; the type-specific fields follow the header.
 */
public sealed interface IortNode {
  /** Type 0. */
  int TYPE_ITS_GROUP = 0;
  /** Type 1. */
  int TYPE_NAMED_COMPONENT = 1;
  /** Type 2. */
  int TYPE_ROOT_COMPLEX = 2;
  /** Type 3 (SMMUv1/v2). */
  int TYPE_SMMU = 3;
  /** Type 4. */
  int TYPE_SMMU_V3 = 4;
  /** Type 5 (PMU counter group). */
  int TYPE_PMCG = 5;
  /** Type 6 (reserved memory range, IORT revision E.d and later). */
  int TYPE_RMR = 6;

  /**
   * The common node header.
   *
   * @param offset the node's byte offset in the table (what ID mappings reference)
   * @param mappingCount the number of ID mappings as stored (u32)
   * @param mappingOffset the mapping array's offset from the node start (u32); the kernel treats 0 as
   *     "no mappings" whatever the count
   */
  record Header(long offset, int type, int length, int revision, long identifier, long mappingCount, long mappingOffset) {
    /** Size of the header in bytes. */
    public static final int SIZE = 16;
  }

  Header header();

  /** The decoded ID mappings, in table order (empty when the mapping offset or count is 0). */
  List<IdMapping> mappings();

  default long offset() {
    return header().offset();
  }

  default int type() {
    return header().type();
  }

  default int length() {
    return header().length();
  }

  default int revision() {
    return header().revision();
  }

  default long identifier() {
    return header().identifier();
  }

  /** GICv3 ITS group: the ITS units MSIs of mapped devices go to. */
  record ItsGroup(Header header, List<Long> itsIdentifiers, List<IdMapping> mappings) implements IortNode {
    public ItsGroup {
      Objects.requireNonNull(header, "header");
      itsIdentifiers = List.copyOf(itsIdentifiers);
      mappings = List.copyOf(mappings);
    }
  }

  /**
   * A platform device named by its ACPI path ({@code \_SB_.DPU0}): its ID mappings give its stream IDs.
   *
   * @param memoryProperties the 8-byte memory access properties (cache coherency u32, hints u8,
   *     reserved u16, memory flags u8), little-endian as one u64
   * @param memoryAddressLimit the device's DMA address width in bits
   * @param deviceName the ACPI path without its terminating NUL
   */
  record NamedComponent(
      Header header, long nodeFlags, long memoryProperties, int memoryAddressLimit, String deviceName,
      List<IdMapping> mappings) implements IortNode {
    public NamedComponent {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(deviceName, "deviceName");
      mappings = List.copyOf(mappings);
    }
  }

  /**
   * A PCI root complex (one per PCI segment): maps requester IDs to stream IDs.
   *
   * <p>{@code memoryAddressLimit} (revision 1+), {@code pasidCapabilities} and {@code flags}
   * (revision 4+) are read when the node is long enough to hold them and are 0 otherwise.
   */
  record RootComplex(
      Header header, long memoryProperties, long atsAttribute, long pciSegment, int memoryAddressLimit,
      int pasidCapabilities, long flags, List<IdMapping> mappings) implements IortNode {
    public RootComplex {
      Objects.requireNonNull(header, "header");
      mappings = List.copyOf(mappings);
    }

    /** ATS attribute bit 0: the root complex supports ATS. */
    public boolean atsSupported() {
      return (atsAttribute & 1) != 0;
    }
  }

  /** An SMMUv1/v2; interrupt arrays are kept as their offsets and counts. */
  record Smmu(
      Header header, long baseAddress, long span, long model, long flags, long globalInterruptOffset,
      long contextInterruptCount, long contextInterruptOffset, long pmuInterruptCount, long pmuInterruptOffset,
      List<IdMapping> mappings) implements IortNode {
    public Smmu {
      Objects.requireNonNull(header, "header");
      mappings = List.copyOf(mappings);
    }
  }

  /**
   * An SMMUv3. {@code proximityDomain} and {@code idMappingIndex} are read when the node is long
   * enough (revision 1+ layouts) and are 0 otherwise.
   *
   * @param model 0 generic, 1 HiSilicon Hi161x, 2 Cavium CN99xx (the kernel's errata switches)
   */
  record SmmuV3(
      Header header, long baseAddress, long flags, long vatosAddress, long model, long eventGsiv, long priGsiv,
      long gerrGsiv, long syncGsiv, long proximityDomain, long idMappingIndex, List<IdMapping> mappings)
      implements IortNode {
    /** {@code ACPI_IORT_SMMU_V3_HISILICON_HI161X}: the kernel adds HW MSI regions for this model. */
    public static final long MODEL_HISILICON_HI161X = 1;

    public SmmuV3 {
      Objects.requireNonNull(header, "header");
      mappings = List.copyOf(mappings);
    }
  }

  /** An SMMUv3 PMU counter group. */
  record Pmcg(
      Header header, long page0BaseAddress, long overflowGsiv, long nodeReference, long page1BaseAddress,
      List<IdMapping> mappings) implements IortNode {
    public Pmcg {
      Objects.requireNonNull(header, "header");
      mappings = List.copyOf(mappings);
    }
  }

  /**
   * Reserved memory ranges that the devices whose stream IDs its ID mappings name must keep reaching
   * through the SMMU: the Arm counterpart of an Intel RMRR.
   *
   * @param flags bit 0 remapping permitted, bit 1 access privileged, bits 9:2 access attributes
   * @param rangeCount the descriptor count as stored
   * @param rangeOffset the descriptor array's offset from the node start; 0 means none to the kernel
   */
  record Rmr(Header header, long flags, long rangeCount, long rangeOffset, List<RmrRange> ranges,
      List<IdMapping> mappings) implements IortNode {
    /** Size of one RMR node's fixed part: header plus flags, count and offset. */
    public static final int FIXED = 28;

    public Rmr {
      Objects.requireNonNull(header, "header");
      ranges = List.copyOf(ranges);
      mappings = List.copyOf(mappings);
    }

    /** Flag bit 0: the OS may drop the identity mapping when it gives the device away. */
    public boolean remapPermitted() {
      return (flags & 1) != 0;
    }

    /** Flag bit 1: accesses are privileged. */
    public boolean accessPrivileged() {
      return (flags & 2) != 0;
    }

    /** Flag bits 9:2: 0..3 device memory (nGnRnE, nGnRE, nGRE, GRE), 4 normal non-cacheable, 5 normal write-back. */
    public int accessAttributes() {
      return (int) ((flags >>> 2) & 0xff);
    }

    /** The byte offset in the table of descriptor {@code index}. */
    public long rangeTableOffset(int index) {
      return offset() + rangeOffset + (long) index * RmrRange.SIZE;
    }
  }

  /**
   * An RMR node in a table below revision 5 (spec E.d). The kernel reads RMR nodes only from
   * revision 5 on ({@code iort_find_rmrs}), and earlier firmware used layouts that predate the
   * specification, so nothing past the header is decoded: the node has no flags, descriptors or
   * ID mappings that anyone reads.
   */
  record IgnoredRmr(Header header) implements IortNode {
    public IgnoredRmr {
      Objects.requireNonNull(header, "header");
    }

    /** None: the kernel never reads them. */
    @Override
    public List<IdMapping> mappings() {
      return List.of();
    }
  }

  /** A node of a type this reader does not know (7 and above); kept with its header. */
  record UnknownNode(Header header, List<IdMapping> mappings) implements IortNode {
    public UnknownNode {
      Objects.requireNonNull(header, "header");
      mappings = List.copyOf(mappings);
    }
  }
}
