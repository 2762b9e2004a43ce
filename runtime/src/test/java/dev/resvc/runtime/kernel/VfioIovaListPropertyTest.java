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
      } else {
        assertWithMessage("after %s", done).that(list.exclude(step.regions()))
            .isEqualTo(reference.exclude(step.regions()));
      }
      assertWithMessage("after %s", done).that(list.ranges()).isEqualTo(reference.ranges());
      assertWithMessage("after %s", done).that(list.isEmpty()).isEqualTo(reference.ranges().isEmpty());
    }
  }

  @Property(tries = 2000)
  void attachGroupIsResizeThenExclude(@ForAll("apertures") AddressRange aperture,
      @ForAll("regionLists") List<Region> regions) {
    List<AddressRange> walked = walk(aperture, regions);
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(aperture, regions);
    assertThat(result.validRanges()).isEqualTo(walked);
    assertThat(result.refused()).isEqualTo(walked.isEmpty());
    assertThat(result.swMsiCookieBase()).isEqualTo(VfioIovaList.swMsiCookieBase(regions));
    // the record-like result equals one made from its parts, and prints and hashes like it
    VfioIovaList.AttachResult rebuilt = new VfioIovaList.AttachResult(walked, result.swMsiCookieBase());
    assertThat(result).isEqualTo(rebuilt);
    assertThat(result.hashCode()).isEqualTo(rebuilt.hashCode());
    assertThat(result.toString()).isEqualTo(rebuilt.toString());
  }

  @Property(tries = 3000)
  void refusesAttachIsTheWalksAnswer(@ForAll("apertures") AddressRange aperture,
      @ForAll("regionLists") List<Region> regions) {
    List<AddressRange> walked = walk(aperture, regions);
    VfioIovaList list = new VfioIovaList();
    list.resize(new AddressRange(0, 9)); // left over from an earlier group: refusesAttach starts afresh
    assertThat(list.refusesAttach(aperture, regions)).isEqualTo(walked.isEmpty());
  }

  /** When the tally says the regions cannot cover the aperture, the walk leaves something. */
  @Property(tries = 3000)
  void aTallyThatCannotCoverMeansTheWalkLeavesSomething(@ForAll("apertures") AddressRange aperture,
      @ForAll("regionLists") List<Region> regions) {
    ExclusionTally tally = new ExclusionTally();
    tally.add(new Region(0, 0, RegionType.RESERVED, Prot.NONE, RegionSource.SYSFS)); // forgotten by clear()
    tally.clear();
    regions.forEach(tally::add);
    List<AddressRange> walked = walk(aperture, regions);
    if (!tally.mayCover(aperture)) {
      assertThat(walked).isNotEmpty();
    }
  }

  /**
   * Apertures tiled by regions, where the lengths add up to the aperture exactly, so that the answer
   * turns on every byte: tiles in any order, some overlapping their neighbour, and the variants
   * that leave a hole (a tile one byte short, a relaxable tile, which VFIO does not cut) or close one
   * with a zero-length region.
   */
  @Property(tries = 3000)
  void refusesAttachOnTiledApertures(@ForAll("tilings") Tiling tiling) {
    List<AddressRange> walked = walk(tiling.aperture(), tiling.regions());
    VfioIovaList list = new VfioIovaList();
    assertWithMessage("%s", tiling).that(list.refusesAttach(tiling.aperture(), tiling.regions()))
        .isEqualTo(walked.isEmpty());
    ExclusionTally tally = new ExclusionTally();
    tiling.regions().forEach(tally::add);
    if (!tally.mayCover(tiling.aperture())) {
      assertWithMessage("%s", tiling).that(walked).isNotEmpty();
    }
  }

  /** How often the tilings are refused and accepted: both must be common, or the property above tests little. */
  @Property(tries = 1)
  void tilingsAreRefusedAndAcceptedBoth(@ForAll("tilingSamples") List<Tiling> tilings) {
    int refused = 0;
    for (Tiling t : tilings) {
      List<AddressRange> walked = walk(t.aperture(), t.regions());
      refused += walked.isEmpty() ? 1 : 0;
    }
    assertThat(refused).isAtLeast(tilings.size() / 5);
    assertThat(tilings.size() - refused).isAtLeast(tilings.size() / 5);
  }

  record Tiling(AddressRange aperture, List<Region> regions) {}

  @Provide
  Arbitrary<List<Tiling>> tilingSamples() {
    return tilings().list().ofSize(500);
  }

  @Provide
  Arbitrary<Tiling> tilings() {
    Arbitrary<List<Long>> lengths = Arbitraries.longs().between(1, 24).list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<Integer> variant = Arbitraries.integers().between(0, 5);
    return Combinators.combine(addresses(), lengths, variant, Arbitraries.randoms()).as((at, pieces, v, random) -> {
      long total = pieces.stream().mapToLong(Long::longValue).sum();
      // the aperture [at, at + total - 1] must not wrap: move it down from the top when it would
      long start = Long.compareUnsigned(at, -total) > 0 ? -total : at;
      List<Region> regions = new ArrayList<>();
      long next = start;
      for (long length : pieces) {
        regions.add(new Region(next, length, RegionType.DIRECT, Prot.NONE, RegionSource.SYSFS));
        next += length;
      }
      int k = random.nextInt(regions.size());
      Region tile = regions.get(k);
      switch (v) {
        case 1 -> regions.set(k, tile.withLength(tile.length() - 1)); // a hole of one byte (or a zero-length tile)
        case 2 -> regions.set(k, tile.withType(RegionType.DIRECT_RELAXABLE)); // VFIO leaves it
        case 3 -> regions.add(new Region(start, 0, RegionType.RESERVED, Prot.NONE, RegionSource.SYSFS));
        case 4 -> { // a tile that overlaps the next one: the union still covers, the lengths add up to more
          if (k + 1 < regions.size()) {
            regions.set(k, tile.withLength(tile.length() + 1));
          }
        }
        default -> { }
      }
      java.util.Collections.shuffle(regions, random);
      return new Tiling(new AddressRange(start, start + total - 1), regions);
    });
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

  /** The list the kernel's walk leaves: the transcription resized to {@code aperture}, then excluding {@code regions}. */
  private static List<AddressRange> walk(AddressRange aperture, List<Region> regions) {
    ListIovaReference reference = new ListIovaReference();
    reference.resize(aperture);
    reference.exclude(regions);
    return reference.ranges();
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
