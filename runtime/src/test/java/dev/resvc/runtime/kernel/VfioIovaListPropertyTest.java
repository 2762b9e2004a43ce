package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The array-backed {@link VfioIovaList} against {@link ListIovaReference}, the line-by-line
 * transcription it replaced: random sequences of {@code vfio_iommu_aper_resize} and {@code
 * vfio_iommu_resv_exclude} with regions at both ends of the address space, zero-length ones and
 * ones whose length runs past 2^64.
 */
class VfioIovaListPropertyTest {
  /** One step of a sequence: a resize to {@code aperture}, or an exclude of {@code regions}. */
  record Step(AddressRange aperture, List<Region> regions) {
    @Override
    public String toString() {
      return aperture != null ? "resize " + aperture : "exclude " + regions;
    }
  }

  @Property(tries = 3000)
  void sameListAsTheTranscription(@ForAll("steps") List<Step> steps) {
    VfioIovaList list = new VfioIovaList();
    ListIovaReference reference = new ListIovaReference();
    List<Step> done = new ArrayList<>();
    for (Step step : steps) {
      done.add(step);
      if (step.aperture() != null) {
        list.resize(step.aperture());
        reference.resize(step.aperture());
      } else if (done.size() % 2 == 0) {
        assertWithMessage("after %s", done).that(list.exclude(step.regions()))
            .isEqualTo(reference.exclude(step.regions()));
      } else { // region by region, as the evaluator does it
        boolean left = !list.isEmpty();
        for (Region region : step.regions()) {
          left = list.exclude(region);
        }
        assertWithMessage("after %s", done).that(left).isEqualTo(reference.exclude(step.regions()));
      }
      assertWithMessage("after %s", done).that(list.ranges()).isEqualTo(reference.ranges());
      assertWithMessage("after %s", done).that(list.isEmpty()).isEqualTo(reference.ranges().isEmpty());
    }
  }

  @Property(tries = 2000)
  void attachGroupIsResizeThenExclude(@ForAll("apertures") AddressRange aperture,
      @ForAll("regionLists") List<Region> regions) {
    ListIovaReference reference = new ListIovaReference();
    reference.resize(aperture);
    reference.exclude(regions);
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(aperture, regions);
    assertThat(result.validRanges()).isEqualTo(reference.ranges());
    assertThat(result.refused()).isEqualTo(reference.ranges().isEmpty());
    assertThat(result.swMsiCookieBase()).isEqualTo(VfioIovaList.swMsiCookieBase(regions));
    // the record-like result equals one made from its parts, and prints and hashes like it
    VfioIovaList.AttachResult rebuilt = new VfioIovaList.AttachResult(reference.ranges(), result.swMsiCookieBase());
    assertThat(result).isEqualTo(rebuilt);
    assertThat(result.hashCode()).isEqualTo(rebuilt.hashCode());
    assertThat(result.toString()).isEqualTo(rebuilt.toString());
  }

  @Property(tries = 1000)
  void dmaValidMeansInsideOneRange(@ForAll("steps") List<Step> steps, @ForAll("addresses") long iova,
      @ForAll("lengths") long size) {
    VfioIovaList list = new VfioIovaList();
    for (Step step : steps) {
      if (step.aperture() != null) {
        list.resize(step.aperture());
      } else {
        list.exclude(step.regions());
      }
    }
    long last = iova + size - 1;
    boolean inside = list.ranges().isEmpty() || list.ranges().stream().anyMatch(
        r -> Long.compareUnsigned(r.start(), iova) <= 0 && Long.compareUnsigned(last, r.end()) <= 0);
    assertThat(list.dmaValid(iova, size)).isEqualTo(inside);
  }

  @Property(tries = 200)
  void attachResultsDifferWhenTheirRangesOrCookieDo(@ForAll("apertures") AddressRange aperture,
      @ForAll("regionLists") List<Region> regions) {
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(aperture, regions);
    Optional<Long> otherCookie = result.swMsiCookieBase().isPresent()
        ? Optional.empty() : Optional.of(0x8000000L);
    assertThat(result).isNotEqualTo(new VfioIovaList.AttachResult(result.validRanges(), otherCookie));
    List<AddressRange> fewer = result.validRanges().isEmpty()
        ? List.of(AddressRange.FULL) : result.validRanges().subList(1, result.validRanges().size());
    assertThat(result).isNotEqualTo(new VfioIovaList.AttachResult(fewer, result.swMsiCookieBase()));
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> resize = apertures().map(a -> new Step(a, null));
    Arbitrary<Step> exclude = regionLists().map(r -> new Step(null, r));
    // The kernel's lists start with a resize; sequences that start with an exclude test the empty list.
    return Arbitraries.frequencyOf(Tuple.of(1, resize), Tuple.of(3, exclude)).list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<AddressRange> apertures() {
    return Combinators.combine(addresses(), addresses())
        .as((a, b) -> Long.compareUnsigned(a, b) <= 0 ? new AddressRange(a, b) : new AddressRange(b, a));
  }

  @Provide
  Arbitrary<List<Region>> regionLists() {
    return Combinators.combine(addresses(), lengths(), types())
        .as((start, length, type) -> new Region(start, length, type, Prot.NONE, RegionSource.SYSFS))
        .list().ofMaxSize(6);
  }

  /** Clustered near 0, near 2^64 and around the sign bit, where unsigned arithmetic goes wrong. */
  @Provide
  Arbitrary<Long> addresses() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.longs().between(0, 64)),
        Tuple.of(3, Arbitraries.longs().between(-64, -1)),
        Tuple.of(1, Arbitraries.longs().between(Long.MAX_VALUE - 64, Long.MAX_VALUE)),
        Tuple.of(1, Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 64)),
        Tuple.of(1, Arbitraries.longs()));
  }

  @Provide
  Arbitrary<Long> lengths() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(0L)),
        Tuple.of(6, Arbitraries.longs().between(1, 40)),
        Tuple.of(1, Arbitraries.longs().between(-40, -1)),
        Tuple.of(1, Arbitraries.longs()));
  }

  private static Arbitrary<RegionType> types() {
    return Arbitraries.of(RegionType.class);
  }
}
