package dev.resvc.runtime.kernel;

import dev.resvc.runtime.firmware.IvhdDeviceEntry;
import dev.resvc.runtime.firmware.IvrsBlock;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The regions the AMD IOMMU driver reports for each device ({@code amd_iommu_get_resv_regions},
 * drivers/iommu/amd/iommu.c), built from the unity-map list that {@code init_memory_definitions} and
 * {@code init_unity_map_range} (drivers/iommu/amd/init.c) derive from the IVMD blocks.
 *
 * <p>Unity maps: every IVMD (type 0x20, 0x21 or 0x22; other block types fall into the switch's
 * default and are dropped) whose flags carry UNITY (bit 0) or EXCL_RANGE (bit 3) becomes one entry on
 * the IVMD's PCI segment; an IVMD with neither flag is ignored. Devices: 0x21 its DeviceId, 0x22
 * DeviceId..AuxiliaryData, 0x20 {@code 0..pci_seg->last_bdf}, where last_bdf is what {@code
 * find_last_devid_acpi} finds in the IVHDs of the driver's target type on that segment (0xffff as soon
 * as one has a DEV_ALL entry, else the highest id of a select, range-end, alias or extended-select
 * entry, 0 for a segment no such IVHD names). Addresses: {@code address_start = PAGE_ALIGN(start)}
 * (rounds up, 4 KiB) and {@code address_end = address_start + PAGE_ALIGN(length)} (exclusive), both
 * wrapping at 2^64. Protection: {@code flags >> 1} (bit 0 IR, bit 1 IW, bit 2 EXCL).
 *
 * <p>Exclusion ranges (EXCL_RANGE set, with or without UNITY) depend on the release
 * (docs/kernel-eras.md section 4): up to v5.0 they only program the IOMMU's exclusion registers and
 * are not on the unity list, so no device gets a region from them; v5.1 to v5.5 (8aafaaf22121) they
 * are on the list with the EXCL bit kept, so {@code amd_iommu_get_resv_regions} reports them {@code
 * reserved} with IR/IW from the flags; from v5.6 (387caf0b759a) their protection is forced to IR|IW,
 * so they are {@code direct}. Unity IVMDs are {@code direct} in every era. Exclusion ranges carry
 * {@link RegionSource#IVMD_EXCLUSION}, unity maps {@link RegionSource#IVMD}.
 *
 * <p>Order: {@code init_unity_map_range} appends with {@code list_add_tail} to the segment's list, and
 * {@code amd_iommu_get_resv_regions} walks that list and appends each region with {@code
 * list_add_tail}: a device's unity maps come in table order, then the MSI window {@code
 * [0xfee00000, 0xfeefffff]}, then the HyperTransport window {@code [0xfd00000000, 0xffffffffff]}
 * (reserved), which from v6.16 (94a9921e2c25) is left out when EFR2 has HTRangeIgnore ({@code
 * amd_iommu_ht_range_ignore}).
 *
 * <p>When the driver does not initialise from this table, no device gets any region from it: a bad
 * checksum ({@code check_ivrs_checksum} in {@code early_amd_iommu_init}), a target IVHD type that is
 * not an IVHD type, an IVHD of the target type with no device entry naming an id ({@code
 * find_last_devid_from_ivhd} returns -EINVAL, so the segment cannot be allocated), or a table with no
 * block at all (no IOMMU is set up).
 *
 * <p>The builder does not decide which devices an IOMMU translates: {@link #regionsFor} assumes the
 * device is behind an AMD IOMMU (it has an IOMMU group).
 */
public final class AmdRegionBuilder {
  /** {@code MSI_RANGE_START}. */
  public static final long MSI_RANGE_START = 0xfee00000L;
  /** {@code MSI_RANGE_END}. */
  public static final long MSI_RANGE_END = 0xfeefffffL;
  /** {@code HT_RANGE_START}: 12 GiB below 1 TiB. */
  public static final long HT_RANGE_START = 0xfd00000000L;
  /** {@code HT_RANGE_END}. */
  public static final long HT_RANGE_END = 0xffffffffffL;
  /** The x86 {@code PAGE_SIZE} that {@code PAGE_ALIGN} rounds to. */
  public static final long PAGE_SIZE = 4096;
  /** {@code ACPI_IVHD_TYPE_MAX_SUPPORTED}. */
  public static final int IVHD_TYPE_MAX_SUPPORTED = 0x40;
  /** {@code FEATURE_HT_RANGE_IGNORE}: EFR2 bit 11. */
  public static final long EFR2_HT_RANGE_IGNORE = 1L << 11;

  /**
   * One {@code struct unity_map_entry}.
   *
   * @param ivmd the IVMD it comes from
   * @param segment the PCI segment whose list holds it
   * @param devidStart first requester id covered
   * @param devidEnd last requester id covered (below {@code devidStart} for a 0x22 range stated
   *     backwards, which then covers nothing, as in the kernel)
   * @param addressStart {@code PAGE_ALIGN(start)}
   * @param addressEnd {@code addressStart + PAGE_ALIGN(length)}, exclusive
   * @param prot the kernel's {@code e->prot}: bit 0 IR, bit 1 IW, bit 2 EXCL (never left set)
   */
  public record UnityMap(
      IvrsBlock.Ivmd ivmd, int segment, int devidStart, int devidEnd, long addressStart, long addressEnd, int prot) {
    /** {@code IOMMU_PROT_IR}. */
    public static final int PROT_IR = 0x01;
    /** {@code IOMMU_PROT_IW}. */
    public static final int PROT_IW = 0x02;
    /** {@code IOMMU_UNITY_MAP_FLAG_EXCL_RANGE}. */
    public static final int PROT_EXCL = 0x04;

    /** True when the entry applies to requester id {@code devid} on {@code segment}. */
    public boolean covers(int segment, int devid) {
      return segment == this.segment && devid >= devidStart && devid <= devidEnd;
    }

    /** {@code address_end - address_start}, as the kernel's region length (mod 2^64). */
    public long length() {
      return addressEnd - addressStart;
    }

    /** The region {@code amd_iommu_get_resv_regions} makes of it. */
    public Region region() {
      int bits = ((prot & PROT_IR) != 0 ? Prot.READ : 0) | ((prot & PROT_IW) != 0 ? Prot.WRITE : 0);
      RegionType type = (prot & PROT_EXCL) != 0 ? RegionType.RESERVED : RegionType.DIRECT;
      RegionSource source = ivmd.exclusionRange() ? RegionSource.IVMD_EXCLUSION : RegionSource.IVMD;
      return new Region(addressStart, length(), type, new Prot(bits), source);
    }
  }

  private final Optional<String> notInitialised;
  private final int targetIvhdType;
  private final boolean htRangeIgnore;
  private final List<UnityMap> unityMaps;
  private final IvrsTable table;

  private AmdRegionBuilder(
      IvrsTable table, Optional<String> notInitialised, int targetIvhdType, boolean htRangeIgnore,
      List<UnityMap> unityMaps) {
    this.table = table;
    this.notInitialised = notInitialised;
    this.targetIvhdType = targetIvhdType;
    this.htRangeIgnore = htRangeIgnore;
    this.unityMaps = List.copyOf(unityMaps);
  }

  /**
   * Builds the unity-map list the driver of {@code release} derives from {@code table}.
   *
   * @param release the kernel release whose driver is modelled (exclusion IVMDs, the HT window)
   * @param efr2 the IOMMUs' common Extended Feature 2 register, when known; HTRangeIgnore in it drops
   *     the HyperTransport window from v6.16
   * @param source the table's name for notes
   * @return the builder, with notes saying why the driver would not initialise, and which IVMDs the
   *     kernel treats in a way worth knowing (ignored, page-rounded, empty)
   */
  public static Read<AmdRegionBuilder> from(IvrsTable table, KernelRelease release, Optional<Long> efr2,
      String source) {
    boolean htRangeIgnore = KernelEra.AMD_HT_RANGE_IGNORE.in(release) && efr2.filter(v -> (v & EFR2_HT_RANGE_IGNORE) != 0).isPresent();
    List<InputNote> notes = new ArrayList<>();
    int target = highestSupportedIvhdType(table);
    Optional<String> failure = initFailure(table, target, source, notes);
    if (failure.isPresent()) {
      notes.add(InputNote.warning(source, failurePosition(table, target), failure.get()));
      return new Read<>(new AmdRegionBuilder(table, failure, target, htRangeIgnore, List.of()), notes);
    }
    List<UnityMap> maps = new ArrayList<>();
    for (IvrsBlock.Ivmd m : table.ivmds()) {
      if ((m.flags() & (IvrsBlock.Ivmd.FLAG_UNITY | IvrsBlock.Ivmd.FLAG_EXCL_RANGE)) == 0) {
        notes.add(InputNote.note(source, Position.offset(m.offset()), "IVMD flags 0x" + hex2(m.flags())
            + " have neither UNITY nor EXCL_RANGE: the kernel ignores the block (init_memory_definitions)"));
        continue;
      }
      if (m.exclusionRange() && !KernelEra.AMD_EXCLUSION_RESERVED.in(release)) {
        notes.add(InputNote.note(source, Position.offset(m.offset()), "IVMD with EXCL_RANGE: before v5.1 the"
            + " kernel only programs the IOMMU exclusion registers and reports no reserved region for it"
            + " (init_exclusion_range)"));
        continue;
      }
      UnityMap u = unityMap(m, lastBdf(table, target, m.pciSegment()), release);
      describe(u, source, notes);
      maps.add(u);
    }
    return new Read<>(new AmdRegionBuilder(table, Optional.empty(), target, htRangeIgnore, maps), notes);
  }

  /**
   * The type {@code release} reports an exclusion IVMD with, which the EXCL bit of the unity map
   * decides below: none before v5.1, {@code reserved} in v5.1-v5.5, {@code direct} from v5.6.
   */
  public static Optional<RegionType> exclusionType(KernelRelease release) {
    if (!KernelEra.AMD_EXCLUSION_RESERVED.in(release)) {
      return Optional.empty();
    }
    return Optional.of(KernelEra.AMD_EXCLUSION_DIRECT.in(release) ? RegionType.DIRECT : RegionType.RESERVED);
  }

  /** {@code init_unity_map_range} of {@code release} for one IVMD it puts on the unity list. */
  private static UnityMap unityMap(IvrsBlock.Ivmd m, int lastBdf, KernelRelease release) {
    int start;
    int end;
    switch (m.type()) {
      case IvrsBlock.TYPE_IVMD_ALL -> {
        start = 0;
        end = lastBdf;
      }
      case IvrsBlock.TYPE_IVMD_RANGE -> {
        start = m.deviceId();
        end = m.auxiliaryData();
      }
      default -> {
        start = m.deviceId();
        end = m.deviceId();
      }
    }
    long addressStart = pageAlign(m.startAddress());
    long addressEnd = addressStart + pageAlign(m.memoryLength());
    int prot = m.flags() >>> 1;
    if (m.exclusionRange() && KernelEra.AMD_EXCLUSION_DIRECT.in(release)) {
      // 387caf0b759a "Treat per-device exclusion ranges as r/w unity-mapped regions"; before it the
      // EXCL bit stays in prot and the region is reported reserved (8aafaaf22121).
      prot = UnityMap.PROT_IR | UnityMap.PROT_IW;
    }
    return new UnityMap(m, m.pciSegment(), start, end, addressStart, addressEnd, prot);
  }

  private static void describe(UnityMap u, String source, List<InputNote> notes) {
    IvrsBlock.Ivmd m = u.ivmd();
    Position at = Position.offset(m.offset());
    if (u.devidEnd() < u.devidStart()) {
      notes.add(InputNote.warning(source, at, "IVMD device range " + m.devicesText()
          + " ends before it starts: the kernel's unity map covers no device"));
    }
    if (u.length() == 0) {
      notes.add(InputNote.note(source, at, "IVMD length " + U64.hex16(m.memoryLength())
          + " page-aligns to 0 (mod 2^64): the kernel reports a zero-length region"));
    } else if (u.addressStart() != m.startAddress() || pageAlign(m.memoryLength()) != m.memoryLength()) {
      notes.add(InputNote.note(source, at, "IVMD range start " + U64.hex16(m.startAddress()) + " length "
          + U64.hex16(m.memoryLength()) + " is not 4 KiB aligned: the kernel rounds start and length up"
          + " (PAGE_ALIGN) and maps [" + U64.hex16(u.addressStart()) + ", " + U64.hex16(u.addressEnd() - 1) + "]"));
    }
  }

  /** {@code get_highest_supported_ivhd_type}. */
  static int highestSupportedIvhdType(IvrsTable table) {
    List<IvrsBlock> blocks = table.blocks();
    if (blocks.isEmpty()) {
      return -1;
    }
    int last = blocks.get(0).type();
    int devid = deviceIdField(blocks.get(0));
    for (IvrsBlock b : blocks) {
      if (b.type() > IVHD_TYPE_MAX_SUPPORTED) {
        break;
      }
      if (deviceIdField(b) == devid) {
        last = b.type();
      }
    }
    return last;
  }

  /** The u16 at block offset 4, which the kernel reads as {@code ivhd->devid} from any block. */
  private static int deviceIdField(IvrsBlock b) {
    if (b instanceof IvrsBlock.Ivhd h) {
      return h.deviceId();
    } else if (b instanceof IvrsBlock.Ivmd m) {
      return m.deviceId();
    }
    return ((IvrsBlock.UnknownBlock) b).deviceIdField();
  }

  private static Optional<String> initFailure(IvrsTable table, int target, String source, List<InputNote> notes) {
    if (!table.header().checksumOk()) {
      return Optional.of("IVRS checksum is bad: the AMD IOMMU driver does not initialise (check_ivrs_checksum,"
          + " \"IVRS invalid checksum\"), so no device gets reserved regions from it");
    }
    if (target < 0) {
      return Optional.of("the IVRS table has no blocks: no AMD IOMMU is set up, so no device gets reserved regions");
    }
    if (!IvrsBlock.Ivhd.isIvhdType(target)) {
      return Optional.of("get_highest_supported_ivhd_type picks type 0x" + hex2(target) + " (the last block up to"
          + " type 0x40 with the first block's device id), which is not an IVHD type: the driver fails to"
          + " initialise (\"Unsupported IVHD type\")");
    }
    for (IvrsBlock.Ivhd h : table.ivhds()) {
      if (h.type() == target && lastDevid(h) < 0) {
        return Optional.of("IVHD type 0x" + hex2(target) + " at offset 0x" + Long.toHexString(h.offset())
            + " has no all, select, range-end, alias or extended-select entry: find_last_devid_from_ivhd"
            + " fails, the PCI segment cannot be allocated and the driver does not initialise");
      }
    }
    return Optional.empty();
  }

  private static Position failurePosition(IvrsTable table, int target) {
    if (!table.header().checksumOk()) {
      return Position.offset(9);
    }
    for (IvrsBlock.Ivhd h : table.ivhds()) {
      if (h.type() == target && lastDevid(h) < 0) {
        return Position.offset(h.offset());
      }
    }
    return Position.whole();
  }

  /** {@code find_last_devid_from_ivhd}: -1 where the kernel returns -EINVAL. */
  private static int lastDevid(IvrsBlock.Ivhd h) {
    int last = -1;
    for (IvhdDeviceEntry e : h.entries()) {
      switch (e.type()) {
        case IvhdDeviceEntry.TYPE_ALL -> {
          return 0xffff;
        }
        case IvhdDeviceEntry.TYPE_SELECT, IvhdDeviceEntry.TYPE_RANGE_END, IvhdDeviceEntry.TYPE_ALIAS_SELECT,
            IvhdDeviceEntry.TYPE_EXT_SELECT -> last = Math.max(last, e.deviceId());
        default -> {
          // other entries do not raise last_bdf
        }
      }
    }
    return last;
  }

  /** {@code find_last_devid_acpi}: the highest device id of the target-type IVHDs on {@code segment}, or 0. */
  private static int lastBdf(IvrsTable table, int target, int segment) {
    int last = 0;
    for (IvrsBlock.Ivhd h : table.ivhds()) {
      if (h.type() == target && h.pciSegment() == segment) {
        last = Math.max(last, lastDevid(h));
      }
    }
    return last;
  }

  /** {@code PAGE_ALIGN}: rounds up to 4 KiB, wrapping at 2^64. */
  public static long pageAlign(long value) {
    return U64.alignUp(value, PAGE_SIZE);
  }

  /** True unless the driver gives up on this table (then {@link #regionsFor} is always empty). */
  public boolean driverInitialised() {
    return notInitialised.isEmpty();
  }

  /** Why the driver does not initialise from this table, when it does not. */
  public Optional<String> whyNotInitialised() {
    return notInitialised;
  }

  /** The IVHD type the driver uses ({@code amd_iommu_target_ivhd_type}); -1 for a table without blocks. */
  public int targetIvhdType() {
    return targetIvhdType;
  }

  /** {@code pci_seg->last_bdf} of {@code segment}: the upper bound of a type-0x20 IVMD there. */
  public int lastBdf(int segment) {
    return lastBdf(table, targetIvhdType, segment);
  }

  public boolean htRangeIgnore() {
    return htRangeIgnore;
  }

  /** The unity maps in the kernel's list order (table order), all segments together. */
  public List<UnityMap> unityMaps() {
    return unityMaps;
  }

  /** {@code amd_iommu_get_resv_regions(device)}: the device's regions, in the driver's order. */
  public List<Region> regionsFor(PciDevice device) {
    return regionsFor(device.address());
  }

  /** The same for a PCI address: segment and 16-bit requester id. */
  public List<Region> regionsFor(PciAddress address) {
    return regionsFor(address.segment(), address.requesterId());
  }

  /** The same for the device id the driver gives a device: a PCI requester id, or an ACPI-HID entry's id. */
  public List<Region> regionsFor(int segment, int devid) {
    if (!driverInitialised()) {
      return List.of();
    }
    List<Region> out = new ArrayList<>();
    for (UnityMap u : unityMaps) {
      if (u.covers(segment, devid)) {
        out.add(u.region());
      }
    }
    out.add(Region.ofInclusive(MSI_RANGE_START, MSI_RANGE_END, RegionType.MSI, Prot.NONE, RegionSource.MSI_WINDOW));
    if (!htRangeIgnore) {
      out.add(Region.ofInclusive(HT_RANGE_START, HT_RANGE_END, RegionType.RESERVED, Prot.NONE, RegionSource.HT_WINDOW));
    }
    return out;
  }

  /** The device id an IVHD ACPI-HID entry gives a device that is not PCI, on the IVHD's segment. */
  public record AcpiHidDevice(int segment, int devid, IvhdDeviceEntry.AcpiHid entry) {}

  /**
   * {@code get_acpihid_device_id} (drivers/iommu/amd/iommu.c): the first entry of {@code acpihid_map}
   * whose HID is the device's _HID and whose UID, unless empty, is its _UID ({@code
   * acpi_dev_hid_uid_match}). The map holds the ACPI-HID (0xf0) entries of the IVHDs the driver parses
   * (its target type), in table order, and only of type-0x40 IVHDs ({@code init_iommu_from_acpi}:
   * "Invalid IVHD device type"), each UID as {@link #acpiHidUid} spells it. Empty when none matches or
   * the driver does not initialise: the device then has no AMD IOMMU.
   */
  public Optional<AcpiHidDevice> acpiHidDevice(String hid, Optional<String> uid) {
    if (!driverInitialised() || targetIvhdType != 0x40) {
      return Optional.empty();
    }
    for (IvrsBlock.Ivhd h : table.ivhds()) {
      if (h.type() != targetIvhdType) {
        continue;
      }
      for (IvhdDeviceEntry e : h.entries()) {
        if (e instanceof IvhdDeviceEntry.AcpiHid a && a.hid().equals(hid)) {
          String want = acpiHidUid(a);
          if (want.isEmpty() || uid.filter(want::equals).isPresent()) {
            return Optional.of(new AcpiHidDevice(h.pciSegment(), a.deviceId(), a));
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The UID {@code init_iommu_from_acpi} stores for an ACPI-HID entry: none for format 0, {@code
   * sprintf("%d")} of the integer for format 1 (the kernel reads a u64 at the UID and prints its low 32
   * bits as a signed int; resvc takes the entry's UID bytes, little-endian, as that u64), the
   * characters up to the first NUL for format 2, none for another format.
   */
  public static String acpiHidUid(IvhdDeviceEntry.AcpiHid entry) {
    String raw = entry.uid();
    switch (entry.uidFormat()) {
      case 1 -> {
        long value = 0;
        for (int i = Math.min(raw.length(), 8) - 1; i >= 0; i--) {
          value = value << 8 | (raw.charAt(i) & 0xff);
        }
        return Integer.toString((int) value);
      }
      case 2 -> {
        int nul = raw.indexOf('\0');
        return nul < 0 ? raw : raw.substring(0, nul);
      }
      default -> {
        return "";
      }
    }
  }

  private static String hex2(int v) {
    return String.format("%02x", v);
  }
}
