package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The group merge of v4.11 to v5.3 (docs/kernel-eras.md section 5: the recursive {@code
 * iommu_insert_resv_region} that 4dbd258ff63e removed in v5.4), on cases worked by hand through the
 * removed code, each against what v5.4+ prints for the same input.
 */
class RecursiveGroupMergeTest {
  private static final KernelRelease V5_3 = KernelRelease.of(5, 3);
  private static final KernelRelease V5_4 = KernelRelease.of(5, 4);

  private static Region r(long start, long end, RegionType type) {
    return Region.ofInclusive(start, end, type, Prot.NONE, RegionSource.SYSFS);
  }

  private static List<String> sysfs(List<Region> regions, KernelRelease release) {
    return GroupRegionMerger.merge(regions, release).stream().map(Region::toSysfsLine).toList();
  }

  @Test
  void forReleasePicksTheRecursiveMergeUpToV53() {
    List<Region> adjacent = List.of(r(0x1000, 0x1fff, RegionType.DIRECT), r(0x2000, 0x2fff, RegionType.DIRECT));
    for (KernelRelease old : List.of(KernelRelease.of(4, 11), KernelRelease.of(4, 19), KernelRelease.of(5, 2), V5_3,
        KernelRelease.of(5, 3, 18))) {
      assertThat(GroupRegionMerger.merge(adjacent, old)).hasSize(2);
    }
    for (KernelRelease now : List.of(V5_4, KernelRelease.of(5, 15), KernelRelease.of(6, 16))) {
      assertThat(GroupRegionMerger.merge(adjacent, now)).hasSize(1);
    }
  }

  @Test
  void adjacentRegionsOfOneTypePrintTwoLinesBeforeV54() {
    // end < a inserts before: 0x2000..0x2fff then 0x1000..0x1fff lands in front, not joined.
    List<Region> input = List.of(r(0x2000, 0x2fff, RegionType.DIRECT), r(0x1000, 0x1fff, RegionType.DIRECT));
    assertThat(sysfs(input, V5_3)).containsExactly(
        "0x0000000000001000 0x0000000000001fff direct",
        "0x0000000000002000 0x0000000000002fff direct").inOrder();
    assertThat(sysfs(input, V5_4)).containsExactly("0x0000000000001000 0x0000000000002fff direct");
  }

  @Test
  void overlappingAndNestedRegionsOfOneTypeJoinAsInV54() {
    List<Region> input = List.of(
        r(0x1000, 0x1fff, RegionType.DIRECT),
        r(0x3000, 0x3fff, RegionType.DIRECT),
        r(0x1800, 0x37ff, RegionType.DIRECT), // joins the first, then the union joins the second
        r(0x2000, 0x2fff, RegionType.DIRECT)); // inside: dropped
    assertThat(sysfs(input, V5_3)).containsExactly("0x0000000000001000 0x0000000000003fff direct");
    assertThat(sysfs(input, V5_4)).containsExactly("0x0000000000001000 0x0000000000003fff direct");
  }

  @Test
  void eric_augers_worked_example_of_the_v4_11_code() {
    // "Re: [PATCH v5 1/7] iommu: Fix a leak in iommu_insert_resv_region" (2019-05-29), type1 and type2.
    RegionType type1 = RegionType.DIRECT;
    RegionType type2 = RegionType.RESERVED;
    List<Region> input = List.of(
        r(0xa001000L, 0xa001fffL, type1),
        r(0xa003000L, 0xa003fffL, type1),
        r(0xa002000L, 0xa004fffL, type2),
        r(0xa0010ffL, 0xa003000L, type2));
    assertThat(sysfs(input, V5_3)).containsExactly(
        "0x000000000a001000 0x000000000a001fff direct",
        "0x000000000a003000 0x000000000a003fff direct",
        "0x000000000a0010ff 0x000000000a004fff reserved").inOrder();
    assertThat(sysfs(input, V5_4)).containsExactly(
        "0x000000000a001000 0x000000000a001fff direct",
        "0x000000000a0010ff 0x000000000a004fff reserved",
        "0x000000000a003000 0x000000000a003fff direct").inOrder();
  }

  @Test
  void aRegionOverlappingAnotherTypeGoesAfterItThoughItStartsLower() {
    List<Region> input = List.of(
        r(0xfee00000L, 0xfeefffffL, RegionType.MSI),
        r(0xfed00000L, 0xfee0ffffL, RegionType.DIRECT));
    assertThat(sysfs(input, V5_3)).containsExactly(
        "0x00000000fee00000 0x00000000feefffff msi",
        "0x00000000fed00000 0x00000000fee0ffff direct").inOrder();
    assertThat(sysfs(input, V5_4)).containsExactly(
        "0x00000000fed00000 0x00000000fee0ffff direct",
        "0x00000000fee00000 0x00000000feefffff msi").inOrder();
  }

  @Test
  void equalStartsOfDifferentTypesKeepInsertionOrder() {
    List<Region> input = List.of(r(0x1000, 0x1fff, RegionType.RESERVED), r(0x1000, 0x1fff, RegionType.DIRECT));
    assertThat(sysfs(input, V5_3)).containsExactly(
        "0x0000000000001000 0x0000000000001fff reserved",
        "0x0000000000001000 0x0000000000001fff direct").inOrder();
    assertThat(sysfs(input, V5_4)).containsExactly(
        "0x0000000000001000 0x0000000000001fff direct",
        "0x0000000000001000 0x0000000000001fff reserved").inOrder();
  }

  @Test
  void theUnionIsInsertedAgainFromTheHeadWithTheEntrysProt() {
    Region msi = r(0x1000, 0x1fff, RegionType.MSI);
    Region entry = Region.ofInclusive(0x1800, 0x27ff, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
    Region neu = Region.ofInclusive(0x0, 0x1900, RegionType.DIRECT, Prot.NONE, RegionSource.IVMD);
    // entry overlaps msi, so it goes after it; neu joins entry and the union [0, 0x27ff] is inserted
    // again from the head, after msi once more.
    assertThat(GroupRegionMerger.merge(List.of(msi, entry, neu), V5_3)).containsExactly(
        msi, Region.ofInclusive(0x0, 0x27ff, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR)).inOrder();
  }

  @Test
  void theMergerOfEachReleaseIsEmptyUntilARegionIsInserted() {
    for (KernelRelease release : List.of(V5_3, V5_4)) {
      GroupRegionMerger merger = GroupRegionMerger.forRelease(release);
      assertThat(merger.isEmpty()).isTrue();
      assertThat(merger.regions()).isEmpty();
      merger.insert(r(0, 0xfff, RegionType.DIRECT));
      assertThat(merger.isEmpty()).isFalse();
    }
  }

  @Test
  void largeInputsAgreeWithTheTranscriptionOfTheRemovedCode() {
    Random random = new Random(20190529);
    List<Region> input = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      long start = random.nextInt(2000) * 0x1000L;
      long len = (1 + random.nextInt(8)) * 0x800L;
      input.add(new Region(start, len, RegionType.values()[random.nextInt(5)], Prot.NONE, RegionSource.SYSFS));
    }
    assertThat(GroupRegionMerger.merge(input, V5_3)).isEqualTo(RecursiveInsertionReference.merge(input));
  }

  @Test
  void hostileListsStayFarFromTheKernelsQuadraticWalk() {
    // 200 000 adjacent regions never join before v5.4: the kernel walks the whole list for each.
    List<Region> input = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      input.add(new Region(i * 0x1000L, 0x1000, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR));
    }
    List<Region> merged = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> GroupRegionMerger.merge(input, V5_3));
    assertThat(merged).isEqualTo(input);
  }
}
