package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.AddressRange;

/**
 * The aperture of the paging domain the AMD IOMMU driver gives VFIO: {@code dma_max_address()} in
 * drivers/iommu/amd/iommu.c. The v1 host page table (the default) spans all 64 bits ({@code ~0ULL}); the
 * v2 table ({@code amd_iommu=pgtbl_v2}) spans {@code PM_LEVEL_SHIFT(amd_iommu_gpt_level)} bits, 48 with
 * 4 levels, from v6.4 ({@link KernelEra#AMD_V2_APERTURE}, 11c439a19466 "iommu/amd/pgtbl_v2: Fix domain
 * max address"); before, the v2 domain claimed the full space too. Not modelled (kernel-eras.md §10):
 * 5-level v2 tables (EFR GLXSup and a 5-level CPU), the later removal of the v2 table's top bit, and
 * the v1 limit from EFR[HATS] (025d1371cc8c).
 */
public final class AmdAperture {
  private AmdAperture() {}

  /** {@code PM_LEVEL_SHIFT(4)}: 12 + 4 * 9 address bits of a 4-level v2 table. */
  static final int V2_FOUR_LEVEL_BITS = 48;

  /** The aperture for the v1 or (with {@code v2}) the 4-level v2 page table on {@code release}. */
  public static AddressRange of(boolean v2, KernelRelease release) {
    if (v2 && KernelEra.AMD_V2_APERTURE.in(release)) {
      return new AddressRange(0, (1L << V2_FOUR_LEVEL_BITS) - 1);
    }
    return AddressRange.FULL;
  }
}
