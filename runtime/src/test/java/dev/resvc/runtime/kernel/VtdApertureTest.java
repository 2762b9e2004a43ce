package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.AddressRange;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link VtdAperture} against drivers/iommu/intel/iommu.c ({@code __iommu_calculate_sagaw},
 * {@code __iommu_calculate_agaw}, {@code paging_domain_alloc}, {@code first_level_by_default}) with
 * registers built to the VT-d specification's field layout ({@code cap_mgaw} bits 21:16, {@code
 * cap_sagaw} 12:8, {@code cap_fl5lp_support} 60; {@code ecap_smts} 43, {@code ecap_slts} 46,
 * {@code ecap_flts} 47; include/linux/intel-iommu.h, later drivers/iommu/intel/iommu.h).
 */
class VtdApertureTest {
  private static final KernelRelease V6_16 = KernelRelease.of(6, 16);
  private static final KernelRelease V6_12 = KernelRelease.of(6, 12);
  private static final KernelRelease V6_0 = KernelRelease.of(6, 0);
  private static final KernelRelease V5_19 = KernelRelease.of(5, 19);

  private static final long SMTS = 1L << 43;
  private static final long SLTS = 1L << 46;
  private static final long FLTS = 1L << 47;
  private static final long FL5LP = 1L << 60;

  /** A cap register with MGAW {@code mgaw} bits and SAGAW bit field {@code sagaw}. */
  private static long cap(int mgaw, int sagaw) {
    return ((long) (mgaw - 1) << 16) | ((long) sagaw << 8);
  }

  private static AddressRange upTo(int bits) {
    return new AddressRange(0, (1L << bits) - 1);
  }

  @Test
  void theRegisterFieldsDecodeAsTheKernelMacros() {
    long cap = cap(48, 0b00100) | FL5LP;
    assertThat(VtdAperture.capMgaw(cap)).isEqualTo(48);
    assertThat(VtdAperture.capSagaw(cap)).isEqualTo(0b00100);
    assertThat(VtdAperture.capFl5lpSupport(cap)).isTrue();
    assertThat(VtdAperture.ecapSmts(SMTS)).isTrue();
    assertThat(VtdAperture.ecapFlts(SLTS)).isFalse();
    assertThat(VtdAperture.widthToAgaw(57)).isEqualTo(3);
    assertThat(VtdAperture.widthToAgaw(48)).isEqualTo(2);
    assertThat(VtdAperture.widthToAgaw(39)).isEqualTo(1);
    assertThat(VtdAperture.agawToWidth(4)).isEqualTo(64);
  }

  @Test
  void aLegacyUnitGivesItsSecondStageWidthCappedAtMgaw() {
    // 3-level only (SAGAW bit 1): AGAW 1, 39 bits
    assertThat(VtdAperture.of(cap(39, 0b00010), 0, true, V6_16).orElseThrow().range()).isEqualTo(upTo(39));
    // 4-level but MGAW 46: the domain is 46 bits wide
    VtdAperture narrow = VtdAperture.of(cap(46, 0b00100), 0, true, V6_16).orElseThrow();
    assertThat(narrow.range()).isEqualTo(upTo(46));
    assertThat(narrow.firstStage()).isFalse();
    assertThat(narrow.agaw()).isEqualTo(2);
    // 4- and 5-level, MGAW 57: AGAW 3 (57 bits is DEFAULT_DOMAIN_ADDRESS_WIDTH)
    assertThat(VtdAperture.of(cap(57, 0b01100), 0, true, V6_16).orElseThrow().range()).isEqualTo(upTo(57));
  }

  @Test
  void scalableModeWithBothStagesUsesTheFirstStageFromV613AndLosesTheTopBit() {
    long cap = cap(48, 0b00100);
    long ecap = SMTS | SLTS | FLTS;
    VtdAperture now = VtdAperture.of(cap, ecap, true, V6_16).orElseThrow();
    assertThat(now.firstStage()).isTrue();
    assertThat(now.range()).isEqualTo(upTo(47));
    // before "Refactor first_level_by_default()" an UNMANAGED domain took the second stage
    VtdAperture before = VtdAperture.of(cap, ecap, true, V6_12).orElseThrow();
    assertThat(before.firstStage()).isFalse();
    assertThat(before.range()).isEqualTo(upTo(48));
  }

  @Test
  void smOffKeepsTheSecondStage() {
    VtdAperture off = VtdAperture.of(cap(48, 0b00100), SMTS | SLTS | FLTS, false, V6_16).orElseThrow();
    assertThat(off.firstStage()).isFalse();
    assertThat(off.range()).isEqualTo(upTo(48));
  }

  @Test
  void fiveLevelFirstStageNeedsFl5lp() {
    long ecap = SMTS | SLTS | FLTS;
    // second stage 4- and 5-level, first stage 5-level: 57 bits, first stage drops bit 56
    assertThat(VtdAperture.of(cap(57, 0b01100) | FL5LP, ecap, true, V6_16).orElseThrow().range())
        .isEqualTo(upTo(56));
    // without cap_fl5lp_support the first stage is 4-level: the intersection leaves AGAW 2, 48 bits
    assertThat(VtdAperture.of(cap(57, 0b01100), ecap, true, V6_16).orElseThrow().range()).isEqualTo(upTo(47));
  }

  @Test
  void aFirstStageOnlyUnitHasAnAgawOnlyFromV60() {
    // SAGAW 0 and no second stage: what 53fc7ad6edf2 ("Correctly calculate sagaw value of IOMMU") fixed
    long cap = cap(48, 0);
    long ecap = SMTS | FLTS;
    assertThat(VtdAperture.of(cap, ecap, true, V5_19)).isEqualTo(Optional.empty());
    VtdAperture fixed = VtdAperture.of(cap, ecap, true, V6_0).orElseThrow();
    assertThat(fixed.firstStage()).isTrue();
    assertThat(fixed.range()).isEqualTo(upTo(47));
  }

  @Test
  void noSupportedAgawIsEmpty() {
    assertThat(VtdAperture.of(cap(48, 0), 0, true, V6_16)).isEqualTo(Optional.empty());
    // only SAGAW bit 4 (6-level, 66 bits) lies above width_to_agaw(57) = 3
    assertThat(VtdAperture.of(cap(64, 0b10000), 0, true, V6_16)).isEqualTo(Optional.empty());
  }
}
