package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;

/**
 * One block of an IVRS table, in the form the table states it: an IOMMU (IVHD), a memory definition
 * (IVMD), or a type the kernel does not parse (kept, since the kernel skips it by its length).
 * Every block starts with type u8, flags u8, length u16.
 */
public sealed interface IvrsBlock {
  /** IVHD type 0x10 (legacy, 24-byte header). */
  int TYPE_IVHD_10 = 0x10;
  /** IVHD type 0x11 (40-byte header with EFR image). */
  int TYPE_IVHD_11 = 0x11;
  /** IVHD type 0x40 (as 0x11, also allows ACPI HID device entries). */
  int TYPE_IVHD_40 = 0x40;
  /** {@code ACPI_IVMD_TYPE_ALL}: every device of the segment. */
  int TYPE_IVMD_ALL = 0x20;
  /** {@code ACPI_IVMD_TYPE}: one device. */
  int TYPE_IVMD_SELECT = 0x21;
  /** {@code ACPI_IVMD_TYPE_RANGE}: devices DeviceId..AuxiliaryData. */
  int TYPE_IVMD_RANGE = 0x22;

  /** The block's byte offset in the table. */
  long offset();

  int type();

  /** The flags byte at block offset 1. */
  int flags();

  /** The length field (u16 at block offset 2). */
  int length();

  /** A 16-bit requester id as {@code bb:dd.f}, the way the kernel's AMD IOMMU messages print one. */
  static String bdf(int deviceId) {
    return String.format("%02x:%02x.%x", (deviceId >> 8) & 0xff, (deviceId >> 3) & 0x1f, deviceId & 7);
  }

  /**
   * An I/O virtualization hardware definition: one IOMMU and the device entries it translates.
   *
   * @param deviceId the IOMMU's own requester id (BDF)
   * @param capabilityOffset the offset of the IOMMU capability in its PCI config space
   * @param baseAddress the MMIO register base
   * @param iommuInfo the u16 at offset 18 (MSI number, unit id)
   * @param featureReporting the u32 at offset 20: "IOMMU Feature Reporting" for type 0x10,
   *     "IOMMU Attributes" for 0x11 and 0x40 (the kernel's {@code efr_attr})
   * @param efrImage for 0x11/0x40 the copy of the Extended Feature Register (u64 at 24); 0 for 0x10
   * @param efrImage2 for 0x11/0x40 the u64 at 32 (EFR2 image in newer specs, the kernel's
   *     {@code efr_reg2}; ACPICA calls it reserved); 0 for 0x10
   */
  record Ivhd(
      long offset,
      int type,
      int flags,
      int length,
      int deviceId,
      int capabilityOffset,
      long baseAddress,
      int pciSegment,
      int iommuInfo,
      long featureReporting,
      long efrImage,
      long efrImage2,
      List<IvhdDeviceEntry> entries)
      implements IvrsBlock {
    public Ivhd {
      entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    }

    /** {@code get_ivhd_header_size}: 24 for type 0x10, 40 for 0x11 and 0x40. */
    public static int headerLength(int type) {
      return type == TYPE_IVHD_10 ? 24 : 40;
    }

    public static boolean isIvhdType(int type) {
      return type == TYPE_IVHD_10 || type == TYPE_IVHD_11 || type == TYPE_IVHD_40;
    }

    /** True for 0x11 and 0x40, whose header carries the EFR images. */
    public boolean hasEfrImage() {
      return type != TYPE_IVHD_10;
    }
  }

  /**
   * An I/O virtualization memory definition: a range the listed devices must reach untranslated
   * (unity map) or that bypasses translation (exclusion range). Always 32 bytes.
   *
   * @param deviceId the device (0x21) or first device of the range (0x22); unused for 0x20
   * @param auxiliaryData the last device of the range for 0x22
   * @param pciSegment the u16 at offset 8 (older specs: reserved)
   * @param reserved the 6 bytes at offset 10, little-endian
   * @param startAddress the range start, as stated (not page-aligned)
   * @param memoryLength the range length in bytes, as stated
   */
  record Ivmd(
      long offset,
      int type,
      int flags,
      int length,
      int deviceId,
      int auxiliaryData,
      int pciSegment,
      long reserved,
      long startAddress,
      long memoryLength)
      implements IvrsBlock {
    /** The only valid IVMD length. */
    public static final int LENGTH = 32;
    /** {@code IVMD_FLAG_UNITY_MAP}. */
    public static final int FLAG_UNITY = 0x01;
    /** {@code IVMD_FLAG_IR}. */
    public static final int FLAG_IR = 0x02;
    /** {@code IVMD_FLAG_IW}. */
    public static final int FLAG_IW = 0x04;
    /** {@code IVMD_FLAG_EXCL_RANGE}. */
    public static final int FLAG_EXCL_RANGE = 0x08;

    public static boolean isIvmdType(int type) {
      return type == TYPE_IVMD_ALL || type == TYPE_IVMD_SELECT || type == TYPE_IVMD_RANGE;
    }

    public boolean unity() {
      return (flags & FLAG_UNITY) != 0;
    }

    public boolean exclusionRange() {
      return (flags & FLAG_EXCL_RANGE) != 0;
    }

    /**
     * The devices the definition applies to, in words: {@code all} (0x20), the DeviceId (0x21) or
     * {@code DeviceId-AuxiliaryData} (0x22). Notes about the IVMD and the decoded forms both quote it.
     */
    public String devicesText() {
      return switch (type) {
        case TYPE_IVMD_ALL -> "all";
        case TYPE_IVMD_RANGE -> bdf(deviceId) + "-" + bdf(auxiliaryData);
        default -> bdf(deviceId);
      };
    }
  }

  /**
   * A block type the kernel does not parse (real tables end with type 0x51), skipped by its length.
   *
   * @param deviceIdField the u16 at block offset 4, or -1 for a block shorter than 6 bytes: the
   *     kernel's {@code get_highest_supported_ivhd_type} reads it from every block it walks
   */
  record UnknownBlock(long offset, int type, int flags, int length, int deviceIdField) implements IvrsBlock {}
}
