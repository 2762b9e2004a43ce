package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.Optional;

/**
 * The aperture of the paging domain the Intel VT-d driver gives VFIO on one remapping unit, worked out
 * from the unit's capability ({@code cap}) and extended capability ({@code ecap}) registers as
 * drivers/iommu/intel/iommu.c does (read at torvalds/linux 7e3c3883c381):
 *
 * <ul>
 *   <li>{@code iommu->agaw} is {@code __iommu_calculate_agaw(iommu, DEFAULT_DOMAIN_ADDRESS_WIDTH = 57)}:
 *       the highest AGAW not above {@code width_to_agaw(57) = 3} that the unit's SAGAW has. From v6.0
 *       ({@link KernelEra#VTD_SAGAW_FIRST_STAGE}) that SAGAW is {@code __iommu_calculate_sagaw}: the
 *       second-stage {@code cap_sagaw} without scalable mode or first-stage support, 4-level (plus
 *       5-level with {@code cap_fl5lp_support}) for a first-stage-only unit, and the intersection of
 *       both otherwise; before, {@code cap_sagaw} alone.
 *   <li>the domain's {@code gaw} is {@code agaw_to_width(iommu->agaw)} capped at {@code cap_mgaw}
 *       ({@code paging_domain_alloc}; older drivers narrowed the domain to the same width at attach).
 *   <li>the aperture is {@code [0, __DOMAIN_MAX_ADDR(gaw)]}, or {@code __DOMAIN_MAX_ADDR(gaw - 1)} for a
 *       first-stage domain, whose input addresses must be canonical.
 *   <li>a VFIO domain is first-stage when scalable mode is in use ({@code sm_supported}: {@code
 *       intel_iommu_sm} and {@code ecap_smts}) and the unit has first-stage translation, unless it also
 *       has second stage and the release is before v6.13 ({@link KernelEra#VTD_FIRST_STAGE_PAGING}:
 *       {@code first_level_by_default} then gave {@code IOMMU_DOMAIN_UNMANAGED} domains the second
 *       stage).
 * </ul>
 *
 * @param range the aperture, {@code [0, 2^w - 1]}
 * @param width {@code w}, the address bits the domain translates
 * @param firstStage whether the domain uses first-stage translation
 * @param agaw the unit's adjusted guest address width code ({@code iommu->agaw})
 */
public record VtdAperture(AddressRange range, int width, boolean firstStage, int agaw) {
  /** {@code DEFAULT_DOMAIN_ADDRESS_WIDTH}: the widest AGAW the driver picks for a unit. */
  static final int DEFAULT_DOMAIN_ADDRESS_WIDTH = 57;

  /**
   * The aperture on a unit with registers {@code cap} and {@code ecap}, with scalable mode switched on
   * ({@code intel_iommu_sm}) or not, as {@code release} computes it; empty when no AGAW fits, in which
   * case the kernel fails the unit ("Cannot get a valid agaw", {@code alloc_iommu} in dmar.c).
   */
  public static Optional<VtdAperture> of(long cap, long ecap, boolean scalableModeOn, KernelRelease release) {
    boolean sm = scalableModeOn && ecapSmts(ecap);
    boolean flts = ecapFlts(ecap);
    boolean slts = ecapSlts(ecap);
    long sagaw = KernelEra.VTD_SAGAW_FIRST_STAGE.in(release) ? calculateSagaw(cap, sm, flts, slts) : capSagaw(cap);
    int agaw = -1;
    for (int a = widthToAgaw(DEFAULT_DOMAIN_ADDRESS_WIDTH); a >= 0; a--) {
      if ((sagaw & (1L << a)) != 0) {
        agaw = a;
        break;
      }
    }
    if (agaw < 0) {
      return Optional.empty();
    }
    int width = Math.min(agawToWidth(agaw), capMgaw(cap));
    boolean firstStage = firstStage(sm, flts, slts, release);
    int bits = firstStage ? width - 1 : width;
    return Optional.of(new VtdAperture(new AddressRange(0, bits >= 64 ? U64.MAX : (1L << bits) - 1), width,
        firstStage, agaw));
  }

  /**
   * {@code first_level_by_default} for the domain VFIO allocates: from v6.13 (and in v6.17's
   * {@code intel_iommu_domain_alloc_paging_flags}, b9434ba97c44, which prefers the first stage the same
   * way) first stage whenever scalable mode is in use unless only the second stage exists; before, an
   * {@code IOMMU_DOMAIN_UNMANAGED} domain took the second stage when both exist.
   */
  private static boolean firstStage(boolean sm, boolean flts, boolean slts, KernelRelease release) {
    if (!sm) {
      return false;
    }
    if (flts != slts) {
      return flts;
    }
    return KernelEra.VTD_FIRST_STAGE_PAGING.in(release);
  }

  /** {@code __iommu_calculate_sagaw} (53fc7ad6edf2, later with {@code cap_fl5lp_support}). */
  private static long calculateSagaw(long cap, boolean sm, boolean flts, boolean slts) {
    long firstStage = (1L << 2) | (capFl5lpSupport(cap) ? 1L << 3 : 0);
    long secondStage = capSagaw(cap);
    if (!sm || !flts) {
      return secondStage;
    }
    if (!slts) {
      return firstStage;
    }
    return firstStage & secondStage;
  }

  /** {@code cap_mgaw}: bits 21:16, plus one. */
  public static int capMgaw(long cap) {
    return (int) ((cap >>> 16) & 0x3f) + 1;
  }

  /** {@code cap_sagaw}: bits 12:8. */
  public static long capSagaw(long cap) {
    return (cap >>> 8) & 0x1f;
  }

  /** {@code cap_fl5lp_support}: bit 60, first-stage 5-level paging. */
  public static boolean capFl5lpSupport(long cap) {
    return ((cap >>> 60) & 1) != 0;
  }

  /** {@code ecap_smts}: bit 43, scalable mode translation. */
  public static boolean ecapSmts(long ecap) {
    return ((ecap >>> 43) & 1) != 0;
  }

  /** {@code ecap_slts}: bit 46, second-stage translation. */
  public static boolean ecapSlts(long ecap) {
    return ((ecap >>> 46) & 1) != 0;
  }

  /** {@code ecap_flts}: bit 47, first-stage translation. */
  public static boolean ecapFlts(long ecap) {
    return ((ecap >>> 47) & 1) != 0;
  }

  /** {@code width_to_agaw}: {@code DIV_ROUND_UP(width - 30, LEVEL_STRIDE)}. */
  static int widthToAgaw(int width) {
    return (width - 30 + 8) / 9;
  }

  /** {@code agaw_to_width}: {@code min(30 + agaw * LEVEL_STRIDE, MAX_AGAW_WIDTH)}. */
  static int agawToWidth(int agaw) {
    return Math.min(30 + agaw * 9, 64);
  }

  /** "48-bit second stage" and the like, for explanations. */
  public String describe() {
    return width + "-bit " + (firstStage ? "first stage (canonical: top bit unusable)" : "second stage");
  }
}
