package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The O(n log n) mergers against literal transcriptions of the kernel's quadratic insertions: v5.4+
 * and, before v5.4, the recursive one (docs/kernel-eras.md section 5).
 */
class GroupRegionMergerPropertyTest {

  @Property(tries = 3000)
  void sameListAsTheKernel(@ForAll("regionLists") List<Region> input) {
    assertThat(GroupRegionMerger.merge(input)).isEqualTo(KernelInsertionReference.merge(input));
  }

  @Property(tries = 300)
  void sameListAsTheKernelForLongLists(@ForAll("longRegionLists") List<Region> input) {
    assertThat(GroupRegionMerger.merge(input)).isEqualTo(KernelInsertionReference.merge(input));
  }

  @Property(tries = 3000)
  void beforeV54SameListAsTheRecursiveKernelCode(@ForAll("regionLists") List<Region> input) {
    assertThat(GroupRegionMerger.merge(input, KernelRelease.of(5, 3))).isEqualTo(RecursiveInsertionReference.merge(input));
  }

  @Property(tries = 300)
  void beforeV54SameListAsTheRecursiveKernelCodeForLongLists(@ForAll("longRegionLists") List<Region> input) {
    assertThat(GroupRegionMerger.merge(input, KernelRelease.of(4, 19))).isEqualTo(RecursiveInsertionReference.merge(input));
  }

  @Property(tries = 1000)
  void mergingIsIdempotentAwayFromTheTop(@ForAll("lowRegionLists") List<Region> input) {
    List<Region> once = GroupRegionMerger.merge(input);
    assertThat(GroupRegionMerger.merge(once)).isEqualTo(once);
  }

  @Provide
  Arbitrary<List<Region>> regionLists() {
    return region(addresses()).list().ofMinSize(0).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Region>> longRegionLists() {
    return region(addresses()).list().ofMinSize(20).ofMaxSize(150);
  }

  @Provide
  Arbitrary<List<Region>> lowRegionLists() {
    Arbitrary<Long> low = Arbitraries.longs().between(0, 4096);
    return Combinators.combine(low, Arbitraries.longs().between(1, 512), types(), prots(), sources())
        .as(Region::new)
        .list()
        .ofMaxSize(30);
  }

  /** Addresses clustered where the kernel's arithmetic is interesting: near 0, near 2^64, in between. */
  private static Arbitrary<Long> addresses() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(0, 64)),
        net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(-64, -1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0x7fff_ffff_ffff_ffc0L, 0x7fff_ffff_ffff_ffffL)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 64)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
  }

  private static Arbitrary<Region> region(Arbitrary<Long> starts) {
    Arbitrary<Long> lengths = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(0L)),
        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(1, 40)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(-40, -1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
    return Combinators.combine(starts, lengths, types(), prots(), sources()).as(Region::new);
  }

  private static Arbitrary<RegionType> types() {
    // Fewer types than five make same-type interactions likelier; all five still occur.
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.just(RegionType.DIRECT)),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(RegionType.class)));
  }

  private static Arbitrary<Prot> prots() {
    return Arbitraries.integers().between(0, 0x3f).map(Prot::new);
  }

  private static Arbitrary<RegionSource> sources() {
    return Arbitraries.of(RegionSource.class);
  }
}
