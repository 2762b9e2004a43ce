package dev.resvc.runtime.firmware;

import dev.resvc.runtime.range.U64;
import java.util.List;
import java.util.Objects;

/**
 * One remapping structure of a DMAR table, in the form the table states it. A sealed family so that
 * callers handle every type the kernel knows, and keep unknown ones (which the kernel skips by their
 * length) instead of failing on them.
 */
public sealed interface DmarStructure {
  /** Type 0. */
  int TYPE_DRHD = 0;
  /** Type 1. */
  int TYPE_RMRR = 1;
  /** Type 2. */
  int TYPE_ATSR = 2;
  /** Type 3. */
  int TYPE_RHSA = 3;
  /** Type 4. */
  int TYPE_ANDD = 4;
  /** Type 5. */
  int TYPE_SATC = 5;
  /** Type 6 (newest ACPICA). */
  int TYPE_SIDP = 6;

  /** The structure's byte offset in the table. */
  long offset();

  /** The type field (u16). */
  int type();

  /** The length field (u16), header and device scopes included. */
  int length();

  /** The device scopes the structure carries, in table order; empty for types that have none. */
  default List<DeviceScope> scopes() {
    return List.of();
  }

  /** DMA remapping hardware unit definition: one IOMMU and the devices behind it. */
  record Drhd(long offset, int length, int flags, int size, int segment, long registerBase, List<DeviceScope> scopes)
      implements DmarStructure {
    public Drhd {
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    @Override
    public int type() {
      return TYPE_DRHD;
    }

    /** Flag bit 0: the unit covers every device of its segment not claimed by another unit. */
    public boolean includePciAll() {
      return (flags & 1) != 0;
    }
  }

  /**
   * Reserved memory region reporting: memory that the listed devices may DMA to at any time, so the
   * kernel identity-maps {@code [baseAddress, endAddress]} for them.
   *
   * @param endAddress the inclusive last byte, as the table states it (not checked against the base)
   */
  record Rmrr(long offset, int length, int segment, long baseAddress, long endAddress, List<DeviceScope> scopes)
      implements DmarStructure {
    public Rmrr {
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    @Override
    public int type() {
      return TYPE_RMRR;
    }

    /**
     * The kernel's {@code rmrr_sanity_check} without the E820 part: base and {@code end + 1} 4 KiB
     * aligned and end above base (unsigned).
     */
    public boolean isSane() {
      return (baseAddress & 0xfff) == 0 && ((endAddress + 1) & 0xfff) == 0 && U64.greaterThan(endAddress, baseAddress);
    }
  }

  /** Root port ATS capability reporting. */
  record Atsr(long offset, int length, int flags, int segment, List<DeviceScope> scopes) implements DmarStructure {
    public Atsr {
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    @Override
    public int type() {
      return TYPE_ATSR;
    }
  }

  /** Remapping hardware static affinity: the NUMA proximity domain of a remapping unit. */
  record Rhsa(long offset, int length, long registerBase, long proximityDomain) implements DmarStructure {
    @Override
    public int type() {
      return TYPE_RHSA;
    }
  }

  /** ACPI namespace device declaration: names the ACPI device behind an acpi-namespace scope. */
  record Andd(long offset, int length, int deviceNumber, String objectName) implements DmarStructure {
    public Andd {
      Objects.requireNonNull(objectName, "objectName");
    }

    @Override
    public int type() {
      return TYPE_ANDD;
    }
  }

  /** SoC integrated address translation cache: devices with an ATC built into the SoC. */
  record Satc(long offset, int length, int flags, int segment, List<DeviceScope> scopes) implements DmarStructure {
    public Satc {
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    @Override
    public int type() {
      return TYPE_SATC;
    }
  }

  /** SoC integrated device property reporting. */
  record Sidp(long offset, int length, int segment, List<DeviceScope> scopes) implements DmarStructure {
    public Sidp {
      scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    @Override
    public int type() {
      return TYPE_SIDP;
    }
  }

  /** A reserved type (7 and above): kept with its type and length, as the kernel skips it. */
  record UnknownStructure(long offset, int type, int length) implements DmarStructure {}
}
