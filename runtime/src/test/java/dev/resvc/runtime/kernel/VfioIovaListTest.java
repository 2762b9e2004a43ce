package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cases worked through drivers/vfio/vfio_iommu_type1.c: {@code vfio_iommu_aper_resize}, {@code
 * vfio_iommu_resv_exclude} (skips only IOMMU_RESV_DIRECT_RELAXABLE; for each overlapping node
 * inserts {@code [n.start, start-1]} if {@code start > n.start} and {@code [end+1, n.end]} if {@code
 * end < n.end}, then deletes the node), and {@code vfio_iommu_iova_dma_valid}.
 */
class VfioIovaListTest {
  private static final long MAX = -1L;
  private static final AddressRange FULL = AddressRange.FULL;

  private static Region r(long start, long end, RegionType type) {
    return Region.ofInclusive(start, end, type, Prot.NONE, RegionSource.SYSFS);
  }

  private static AddressRange a(long start, long end) {
    return new AddressRange(start, end);
  }

  @Test
  void typicalIntelGroupWithAnRmrrAndTheMsiWindow() {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(a(0, 0xffffffffffffL), List.of(
        r(0x3e2e0000L, 0x3e2fffffL, RegionType.DIRECT),
        r(0xfee00000L, 0xfeefffffL, RegionType.MSI)));
    assertThat(result.validRanges()).containsExactly(
        a(0, 0x3e2dffffL), a(0x3e300000L, 0xfedfffffL), a(0xfef00000L, 0xffffffffffffL)).inOrder();
    assertThat(result.refused()).isFalse();
  }

  @Test
  void relaxableRegionsStayValidEverythingElseIsCarvedOut() {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(FULL, List.of(
        r(0x1000, 0x1fff, RegionType.DIRECT_RELAXABLE),
        r(0x3000, 0x3fff, RegionType.RESERVED),
        r(0x5000, 0x5fff, RegionType.SW_MSI)));
    assertThat(result.validRanges()).containsExactly(
        a(0, 0x2fff), a(0x4000, 0x4fff), a(0x6000, MAX)).inOrder();
  }

  @Test
  void adjacentPiecesAreNeverCoalesced() {
    // A zero-length region at 0x2000 (end = 0x1fff) overlaps [0, max] and splits it in two adjacent
    // pieces without removing a byte.
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(FULL, List.of(
        new Region(0x2000, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR)));
    assertThat(result.validRanges()).containsExactly(a(0, 0x1fff), a(0x2000, MAX)).inOrder();
  }

  @Test
  void aZeroLengthRegionAtZeroRemovesEverything() {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(FULL, List.of(
        new Region(0, 0, RegionType.RESERVED, Prot.NONE, RegionSource.RMRR)));
    assertThat(result.validRanges()).isEmpty();
    assertThat(result.refused()).isTrue();
  }

  @Test
  void aRegionCoveringTheApertureRefusesTheAttach() {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(a(0, 0xffffffffL), List.of(
        r(0, 0xffffffffffL, RegionType.RESERVED)));
    assertThat(result.refused()).isTrue();
  }

  @Test
  void regionsAtTheTopOfTheAddressSpace() {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(FULL, List.of(
        r(0xfffffffffffff000L, MAX, RegionType.RESERVED), r(0, 0xfff, RegionType.DIRECT)));
    assertThat(result.validRanges()).containsExactly(a(0x1000, 0xffffffffffffefffL));
  }

  @Test
  void regionsOutsideTheApertureChangeNothing() {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(a(0, 0xffffffffffffL), List.of(
        r(0xfd00000000L, 0xffffffffffL, RegionType.RESERVED), r(0x1000000000000L, 0x1ffffffffffffL, RegionType.DIRECT)));
    assertThat(result.validRanges()).containsExactly(a(0, 0xfcffffffffL), a(0x10000000000L, 0xffffffffffffL)).inOrder();
  }

  @Test
  void resizeDeletesARangeWhoseEndEqualsTheNewStart() {
    // vfio_iommu_aper_resize keeps a node only if start < node->end (strict).
    VfioIovaList list = new VfioIovaList();
    list.resize(FULL);
    list.exclude(List.of(r(0x1000, 0x1fff, RegionType.RESERVED)));
    assertThat(list.ranges()).containsExactly(a(0, 0xfff), a(0x2000, MAX)).inOrder();
    list.resize(a(0xfff, 0xffffffffL));
    assertThat(list.ranges()).containsExactly(a(0x2000, 0xffffffffL));
  }

  @Test
  void resizeClipsBothEnds() {
    VfioIovaList list = new VfioIovaList();
    list.resize(FULL);
    list.exclude(List.of(r(0x1000, 0x1fff, RegionType.RESERVED)));
    list.resize(a(0x800, 0x2800));
    assertThat(list.ranges()).containsExactly(a(0x800, 0xfff), a(0x2000, 0x2800)).inOrder();
  }

  @Test
  void resizeDeletesARangeWhoseStartEqualsTheNewEnd() {
    VfioIovaList list = new VfioIovaList();
    list.resize(FULL);
    list.exclude(List.of(r(0x1000, 0x1fff, RegionType.RESERVED)));
    list.resize(a(0, 0x2000));
    assertThat(list.ranges()).containsExactly(a(0, 0xfff));
  }

  @Test
  void mapDmaMustFitInsideOneRange() {
    VfioIovaList list = new VfioIovaList();
    list.resize(FULL);
    list.exclude(List.of(new Region(0x2000, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR)));
    assertThat(list.dmaValid(0x1000, 0x1000)).isTrue();
    assertThat(list.dmaValid(0x1000, 0x2000)).isFalse(); // spans [0,0x1fff] and [0x2000,max]
    assertThat(new VfioIovaList().dmaValid(0x1000, 0x2000)).isTrue(); // empty list accepts anything
  }

  @Test
  void swMsiCookieOnlyWithoutHardwareMsi() {
    Region swMsi = r(0x08000000L, 0x080fffffL, RegionType.SW_MSI);
    assertThat(VfioIovaList.swMsiCookieBase(List.of(swMsi))).hasValue(0x08000000L);
    assertThat(VfioIovaList.swMsiCookieBase(List.of(r(0xfee00000L, 0xfeefffffL, RegionType.MSI), swMsi))).isEmpty();
  }
}
