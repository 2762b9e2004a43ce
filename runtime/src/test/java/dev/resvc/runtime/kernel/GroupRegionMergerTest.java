package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hand-derived cases, each worked through {@code iommu_insert_resv_region} in drivers/iommu/iommu.c
 * (sorted insert by (start, type), then one sweep of the new entry's type with the test {@code
 * iter->start > top_end + 1} and {@code top->length = max(top_end, iter_end) - top->start + 1}).
 */
class GroupRegionMergerTest {
  private static final long MAX = -1L;

  private static Region r(long start, long end, RegionType type) {
    return Region.ofInclusive(start, end, type, Prot.NONE, RegionSource.SYSFS);
  }

  private static List<String> sysfs(List<Region> regions) {
    return regions.stream().map(Region::toSysfsLine).toList();
  }

  @Test
  void overlappingAndAdjacentSameTypeCoalesce() {
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0x2000, 0x2fff, RegionType.DIRECT),
        r(0x1000, 0x1fff, RegionType.DIRECT), // adjacent: 0x1fff + 1 == 0x2000
        r(0x2800, 0x3fff, RegionType.DIRECT))); // overlapping
    assertThat(sysfs(merged)).containsExactly("0x0000000000001000 0x0000000000003fff direct");
  }

  @Test
  void aOneByteGapKeepsRegionsApart() {
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0x1000, 0x1fff, RegionType.DIRECT), r(0x2001, 0x2fff, RegionType.DIRECT)));
    assertThat(sysfs(merged)).containsExactly(
        "0x0000000000001000 0x0000000000001fff direct",
        "0x0000000000002001 0x0000000000002fff direct").inOrder();
  }

  @Test
  void differentTypesNeverMergeAndSortByStartThenType() {
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0xfee00000L, 0xfeefffffL, RegionType.MSI),
        r(0x1000, 0x1fff, RegionType.RESERVED),
        r(0x1000, 0x1fff, RegionType.DIRECT_RELAXABLE),
        r(0x1000, 0x1fff, RegionType.DIRECT),
        r(0x1800, 0x2fff, RegionType.SW_MSI)));
    assertThat(sysfs(merged)).containsExactly(
        "0x0000000000001000 0x0000000000001fff direct",
        "0x0000000000001000 0x0000000000001fff direct-relaxable",
        "0x0000000000001000 0x0000000000001fff reserved",
        "0x0000000000001800 0x0000000000002fff msi",
        "0x00000000fee00000 0x00000000feefffff msi").inOrder();
  }

  @Test
  void nestedAndIdenticalCollapseToTheOuterOne() {
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0x1000, 0x8fff, RegionType.DIRECT),
        r(0x2000, 0x2fff, RegionType.DIRECT),
        r(0x1000, 0x8fff, RegionType.DIRECT)));
    assertThat(sysfs(merged)).containsExactly("0x0000000000001000 0x0000000000008fff direct");
  }

  @Test
  void theMsiWindowOfEveryDeviceInAGroupAppearsOnce() {
    // intel_iommu_get_resv_regions gives every device the same IOAPIC window.
    Region msi = r(0xfee00000L, 0xfeefffffL, RegionType.MSI);
    assertThat(sysfs(GroupRegionMerger.merge(List.of(msi, msi, msi))))
        .containsExactly("0x00000000fee00000 0x00000000feefffff msi");
  }

  @Test
  void aRegionEndingAtTheTopDoesNotAbsorbALaterOne() {
    // top_end + 1 wraps to 0, so iter->start > 0 keeps the second region separate.
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0xfffffffffffff000L, MAX, RegionType.RESERVED),
        r(0xfffffffffffff800L, MAX, RegionType.RESERVED)));
    assertThat(sysfs(merged)).containsExactly(
        "0xfffffffffffff000 0xffffffffffffffff reserved",
        "0xfffffffffffff800 0xffffffffffffffff reserved").inOrder();
  }

  @Test
  void aLowerRegionStillAbsorbsOneThatEndsAtTheTop() {
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0xfffffffffffff800L, MAX, RegionType.RESERVED),
        r(0xfffffffffffff000L, 0xfffffffffffff8ffL, RegionType.RESERVED)));
    assertThat(sysfs(merged)).containsExactly("0xfffffffffffff000 0xffffffffffffffff reserved");
  }

  @Test
  void mergingUpToTwoToTheSixtyFourWrapsTheLengthToZero() {
    // [0, 2^64-2] + [2^64-1, 2^64-1]: length = max - 0 + 1 = 0, printed 0x0..0xfff…f.
    List<Region> merged = GroupRegionMerger.merge(List.of(
        r(0, MAX - 1, RegionType.DIRECT), r(MAX, MAX, RegionType.DIRECT)));
    assertThat(merged).hasSize(1);
    assertThat(merged.get(0).length()).isEqualTo(0);
    assertThat(sysfs(merged)).containsExactly("0x0000000000000000 0xffffffffffffffff direct");
  }

  @Test
  void aZeroLengthRegionAtZeroSwallowsEverythingStartingAtZero() {
    // Zero length at 0: top_end = 2^64-1, so [0, 0xfff] (start 0, not > 0) merges into it and the
    // result keeps length max - 0 + 1 = 0.
    Region zero = new Region(0, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR);
    List<Region> merged = GroupRegionMerger.merge(List.of(zero, r(0, 0xfff, RegionType.DIRECT)));
    assertThat(merged).hasSize(1);
    assertThat(merged.get(0).length()).isEqualTo(0);
    assertThat(merged.get(0).source()).isEqualTo(RegionSource.SYSFS); // the newer entry sorted first
  }

  @Test
  void aZeroLengthRegionElsewhereIsAbsorbedByItsNeighbour() {
    Region zero = new Region(0x2000, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR);
    List<Region> merged = GroupRegionMerger.merge(List.of(r(0x1000, 0x1fff, RegionType.DIRECT), zero));
    assertThat(sysfs(merged)).containsExactly("0x0000000000001000 0x0000000000001fff direct");
  }

  @Test
  void theSurvivorKeepsTheProtAndSourceOfTheEntryThatSortedFirst() {
    Region first = Region.ofInclusive(0x1000, 0x1fff, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
    Region second = Region.ofInclusive(0x1800, 0x2fff, RegionType.DIRECT, Prot.NONE, RegionSource.IVMD);
    List<Region> merged = GroupRegionMerger.merge(List.of(second, first));
    assertThat(merged).containsExactly(
        Region.ofInclusive(0x1000, 0x2fff, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR));
  }

  @Test
  void largeInputsAgreeWithTheKernelTranscription() {
    Random random = new Random(20261125);
    List<Region> input = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      long start = (random.nextInt(2000)) * 0x1000L;
      long len = (1 + random.nextInt(8)) * 0x800L;
      input.add(new Region(start, len, RegionType.values()[random.nextInt(5)], Prot.NONE, RegionSource.SYSFS));
    }
    assertThat(GroupRegionMerger.merge(input)).isEqualTo(KernelInsertionReference.merge(input));
  }
}
