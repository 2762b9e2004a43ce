package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.KernelRelease;

/**
 * Every kernel release boundary resvc's answers depend on, each stated once: the first mainline
 * release with the behaviour, and the commit that brought it. The region builders, the group merge,
 * the attach and map steps and the snapshot reader ask {@link #in} instead of comparing release
 * numbers of their own; docs/kernel-eras.md holds the evidence for each, and KernelEraTest checks that
 * every commit named here is cited there.
 */
public enum KernelEra {
  /** Intel: USB and display RMRRs are {@code direct-relaxable} (1c5c59fbad20, §3); before, every RMRR is {@code direct}. */
  RMRR_RELAXABLE(5, 3, "1c5c59fbad20"),
  /** Intel: an RMRR bound to a bridge covers the devices below it ("Handle RMRR with PCI bridge device scopes", §1.2). */
  RMRR_BRIDGE_SCOPES(5, 3, "1c5c59fbad20"),
  /**
   * Intel: a BRIDGE device scope entry may name a normal-header device of any bridge class 0x06xx, not
   * only an NTB (0x0680) ("iommu/vt-d: Don't reject nvme host due to scope mismatch", §3; id and release
   * derived, see there).
   */
  DMAR_BRIDGE_SCOPE_BASE_CLASS(5, 6, ""),
  /**
   * Intel: an RMRR outside E820 Reserved memory gets "No firmware reserved region can cover this RMRR"
   * and "Your BIOS is broken; bad RMRR", and is kept (f036c7fa0ab6, f5a68bb0752e; §3).
   */
  RMRR_E820_CHECK(5, 5, "f036c7fa0ab6"),
  /** Intel: that check also accepts ACPI NVS, and any chain of entries ending in one ("Allow NVS regions", §3). */
  RMRR_E820_NVS(6, 1, ""),
  /** Intel: the ISA-bridge floppy range {@code [0, 16 MiB)} is a reserved region, {@code direct} (d850c2ee5fe2, §3). */
  ISA_FLOPPY_REGION(5, 3, "d850c2ee5fe2"),
  /** Intel: the floppy range is {@code direct-relaxable} (d8018a0e9195, §3). */
  ISA_FLOPPY_RELAXABLE(5, 5, "d8018a0e9195"),
  /** AMD: exclusion IVMDs are reported, as {@code reserved} (8aafaaf22121, §4); before, not at all. */
  AMD_EXCLUSION_RESERVED(5, 1, "8aafaaf22121"),
  /** AMD: exclusion IVMDs are r/w unity maps, {@code direct} (387caf0b759a, §4). */
  AMD_EXCLUSION_DIRECT(5, 6, "387caf0b759a"),
  /** AMD: sysfs {@code features} shows EFR2 too, as {@code EFR2:EFR} (1e98a35da49e, §4). */
  AMD_FEATURES_EFR2(6, 0, "1e98a35da49e"),
  /** AMD: sysfs {@code features} prints {@code EFR:EFR2} (7b7563a93437, release from the v6.7 pull). */
  AMD_FEATURES_EFR_FIRST(6, 7, "7b7563a93437"),
  /** AMD: no HyperTransport window when EFR2 has HTRangeIgnore (94a9921e2c25, §4). */
  AMD_HT_RANGE_IGNORE(6, 16, "94a9921e2c25"),
  /** Arm: IORT RMRs are reserved regions (491cf4a6735a, §6). */
  IORT_RMR(6, 0, "491cf4a6735a"),
  /** Arm: RMR ID mappings of a single ID count (003e6b56d780, §6). */
  IORT_RMR_SINGLE_ID(6, 5, "003e6b56d780"),
  /** The group merge joins adjacent regions and sorts by start, then type (4dbd258ff63e, §5). */
  MERGE_JOINS_ADJACENT(5, 4, "4dbd258ff63e"),
  /** VFIO type1 keeps a valid IOVA list: an empty one refuses the attach, a map outside it fails (9b77e5c79840, §2). */
  VFIO_IOVA_LIST(5, 4, "9b77e5c79840"),
  /** iommufd exists (§8). */
  IOMMUFD(6, 2, ""),
  /** iommufd reserves each device's regions, checks MSI isolation at bind; the VFIO cdev exists (§7, §8). */
  IOMMUFD_PER_DEVICE(6, 6, ""),
  /** Any device with a {@code direct} region is refused the blocking domain, -EINVAL (a48ce36e2786, §1.1). */
  REQUIRE_DIRECT(6, 6, "a48ce36e2786"),
  /**
   * Intel: a unit's AGAW also counts the first-stage levels (4, 5 with {@code cap_fl5lp_support}) when
   * scalable mode and first-stage translation are in use ("iommu/vt-d: Correctly calculate sagaw value of
   * IOMMU", 53fc7ad6edf2, §10); before, {@code cap_sagaw} alone.
   */
  VTD_SAGAW_FIRST_STAGE(6, 0, "53fc7ad6edf2"),
  /**
   * Intel: VFIO's paging domain uses the first stage when the unit has both stages in scalable mode
   * ("iommu/vt-d: Refactor first_level_by_default()", §10; release from the v6.13 series, id
   * UNVERIFIED); before, an UNMANAGED domain took the second stage.
   */
  VTD_FIRST_STAGE_PAGING(6, 13, ""),
  /**
   * AMD: a v2 page-table domain ({@code amd_iommu=pgtbl_v2}) has the table's width as aperture, 48 bits
   * with 4 levels ("iommu/amd/pgtbl_v2: Fix domain max address", 11c439a19466, §10); before, all 64 bits.
   */
  AMD_V2_APERTURE(6, 4, "11c439a19466");

  private final KernelRelease since;
  private final String commit;

  KernelEra(int major, int minor, String commit) {
    this.since = KernelRelease.of(major, minor);
    this.commit = commit;
  }

  /** The first mainline release with the behaviour. */
  public KernelRelease since() {
    return since;
  }

  /** The 12-hex abbreviation of the commit that brought it; empty where a series did (named in kernel-eras.md). */
  public String commit() {
    return commit;
  }

  /** Whether {@code release} has the behaviour. */
  public boolean in(KernelRelease release) {
    return release.compareTo(since) >= 0;
  }

  /** {@code "v6.6 (a48ce36e2786)"}, for explanations. */
  public String cite() {
    return commit.isEmpty() ? "v" + since.version() : "v" + since.version() + " (" + commit + ")";
  }
}
