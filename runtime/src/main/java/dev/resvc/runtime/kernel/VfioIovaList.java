package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A VFIO type1 container's list of valid IOVA ranges ({@code iommu->iova_list} in
 * drivers/vfio/vfio_iommu_type1.c), with the kernel's operations on it reproduced exactly, quirks
 * included:
 *
 * <ul>
 *   <li>{@link #resize} is {@code vfio_iommu_aper_resize}: on an empty list it creates one range; on
 *       a non-empty list its strict containment tests delete (rather than clip to one byte) a range
 *       whose end equals the new start, or whose start equals the new end.
 *   <li>{@link #exclude} is {@code vfio_iommu_resv_exclude}: every region except {@code
 *       direct-relaxable} is cut out, using {@code end = start + length - 1} in wrapping arithmetic;
 *       pieces are never re-coalesced, a zero-length region splits a range without removing
 *       anything, and a zero-length region at 0 removes everything.
 * </ul>
 *
 * <p>The nodes are kept as one array of bounds rather than a list of {@link AddressRange}s: an
 * evaluation attaches every group of a host, and most callers only ask whether the list came out
 * empty. Mutable, like the kernel's list; not thread-safe.
 */
public final class VfioIovaList {
  /** The nodes' bounds, interleaved: node {@code i} is {@code [bounds[2i], bounds[2i + 1]]}. */
  private long[] bounds;
  private int size;
  /** For {@link #refusesAttach}. */
  private final ExclusionTally tally = new ExclusionTally();

  /** An empty list. */
  public VfioIovaList() {
    this(4);
  }

  private VfioIovaList(int capacity) {
    bounds = new long[2 * capacity];
  }

  /**
   * The valid IOVA list after attaching one group to an empty container whose domain has {@code
   * aperture}: {@code vfio_iommu_aper_resize}, then {@code vfio_iommu_resv_exclude} with the group's
   * merged regions.
   */
  public static AttachResult attachGroup(AddressRange aperture, List<Region> groupRegions) {
    // A region of a merged list cuts at most one range in two, so this is enough unless a region
    // runs past 2^64 (exclude grows the array then).
    VfioIovaList list = new VfioIovaList(groupRegions.size() + 1);
    list.resize(aperture);
    list.exclude(groupRegions);
    Optional<Long> cookie = swMsiCookieBase(groupRegions);
    return new AttachResult(list.bounds, list.size, cookie.isPresent(), cookie.orElse(0L));
  }

  /**
   * Whether VFIO refuses to attach a group with the merged list {@code groupRegions} to an empty
   * container whose domain has {@code aperture}: {@code attachGroup(aperture,
   * groupRegions).refused()}. The kernel's walk runs only when an {@link ExclusionTally} of the
   * regions says that they could cover the aperture; it then reuses this list's storage, which it
   * clears first.
   */
  public boolean refusesAttach(AddressRange aperture, List<Region> groupRegions) {
    ExclusionTally tally = this.tally;
    tally.clear();
    for (int i = 0; i < groupRegions.size(); i++) {
      tally.add(groupRegions.get(i));
    }
    if (!tally.mayCover(aperture)) {
      return false;
    }
    clear();
    resize(aperture);
    exclude(groupRegions);
    return isEmpty();
  }

  /** An immutable copy of the list. */
  public List<AddressRange> ranges() {
    return toList(bounds, size);
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Empties the list and keeps its storage, for a caller that works through many lists in turn. */
  public void clear() {
    size = 0;
  }

  /** {@code vfio_iommu_aper_resize(iova, start, end)}. */
  public void resize(AddressRange aperture) {
    long start = aperture.start();
    long end = aperture.end();
    long[] b = bounds;
    if (size == 0) {
      b[0] = start;
      b[1] = end;
      size = 1;
      return;
    }
    // Adjust the list start: drop ranges below the new start, clip the one containing it.
    int first = 0;
    while (first < size) {
      if (Long.compareUnsigned(start, b[2 * first]) < 0) {
        break;
      }
      if (Long.compareUnsigned(start, b[2 * first + 1]) < 0) { // start >= node.start already holds
        b[2 * first] = start;
        break;
      }
      first++;
    }
    // Adjust the list end: keep ranges below it, clip the one containing it, drop the rest.
    int kept = 0;
    for (int i = first; i < size; i++) {
      long s = b[2 * i];
      long e = b[2 * i + 1];
      if (Long.compareUnsigned(end, e) > 0) {
        // kept as it is
      } else if (Long.compareUnsigned(end, s) > 0) { // end <= node.end already holds
        e = end;
      } else {
        continue;
      }
      b[2 * kept] = s;
      b[2 * kept + 1] = e;
      kept++;
    }
    size = kept;
  }

  /**
   * {@code vfio_iommu_resv_exclude(iova, regions)}.
   *
   * @return false when the list is left empty (the kernel returns -EINVAL)
   */
  public boolean exclude(List<Region> regions) {
    for (int r = 0; r < regions.size(); r++) {
      Region region = regions.get(r);
      if (region.type() != RegionType.DIRECT_RELAXABLE) {
        exclude(region.start(), region.start() + region.length() - 1);
      }
    }
    return size != 0;
  }

  /** Cuts {@code [start, end]} (with the kernel's wrapping {@code end}) out of every node it overlaps. */
  private void exclude(long start, long end) {
    long[] b = bounds;
    for (int i = 0; i < size; ) {
      long s = b[2 * i];
      long e = b[2 * i + 1];
      if (Long.compareUnsigned(start, e) > 0 || Long.compareUnsigned(end, s) < 0) {
        i++;
        continue;
      }
      // The pieces around the region take the node's place, and the walk goes on after them.
      boolean below = Long.compareUnsigned(start, s) > 0;
      boolean above = Long.compareUnsigned(end, e) < 0;
      if (below && above) {
        if (2 * size == b.length) {
          b = bounds = Arrays.copyOf(b, 2 * b.length);
        }
        if (i + 1 < size) { // a merged list's regions ascend, so the node cut is mostly the last
          System.arraycopy(b, 2 * i + 2, b, 2 * i + 4, 2 * (size - i - 1));
        }
        b[2 * i + 1] = start - 1;
        b[2 * i + 2] = end + 1;
        b[2 * i + 3] = e;
        size++;
        i += 2;
      } else if (below) {
        b[2 * i + 1] = start - 1;
        i++;
      } else if (above) {
        b[2 * i] = end + 1;
        i++;
      } else {
        if (i + 1 < size) {
          System.arraycopy(b, 2 * i + 2, b, 2 * i, 2 * (size - i - 1));
        }
        size--;
      }
    }
  }

  /**
   * {@code vfio_iommu_iova_dma_valid}: whether {@code VFIO_IOMMU_MAP_DMA} accepts {@code [iova, iova
   * + size - 1]}. The range must lie inside one valid range; a request spanning two adjacent ranges
   * fails. An empty list (no IOMMU-backed group) accepts anything.
   */
  public boolean dmaValid(long iova, long size) {
    if (this.size == 0) {
      return true;
    }
    long last = iova + size - 1;
    for (int i = 0; i < this.size; i++) {
      if (Long.compareUnsigned(bounds[2 * i], iova) <= 0 && Long.compareUnsigned(last, bounds[2 * i + 1]) <= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code vfio_iommu_has_sw_msi}: with no hardware {@code msi} region, the start of the last {@code
   * sw-msi} region becomes the base of the MSI cookie VFIO maps doorbells at.
   */
  public static Optional<Long> swMsiCookieBase(List<Region> groupRegions) {
    Optional<Long> base = Optional.empty();
    for (Region r : groupRegions) {
      if (r.type() == RegionType.MSI) {
        return Optional.empty();
      }
      if (r.type() == RegionType.SW_MSI) {
        base = Optional.of(r.start());
      }
    }
    return base;
  }

  private static List<AddressRange> toList(long[] bounds, int size) {
    AddressRange[] ranges = new AddressRange[size];
    for (int i = 0; i < size; i++) {
      ranges[i] = new AddressRange(bounds[2 * i], bounds[2 * i + 1]);
    }
    return List.of(ranges);
  }

  /**
   * What VFIO answers to a group attach: the ranges, or -EINVAL because none remain.
   *
   * <p>Behaves as a record of its two accessors ({@code equals}, {@code hashCode}, {@code
   * toString}). The ranges are kept as bounds and made into {@link AddressRange}s when {@link
   * #validRanges()} is first called: an evaluation attaches every group of the host and is mostly
   * read for {@link #refused()} alone. Immutable; two threads racing on the first call build equal
   * lists.
   */
  public static final class AttachResult {
    /** Interleaved, as in the list. */
    private final long[] bounds;
    private final int count;
    private final boolean hasSwMsiCookie;
    private final long swMsiCookieBase;
    /** The ranges, once built; a benign race, like {@link String#hashCode()}. */
    private List<AddressRange> validRanges;

    public AttachResult(List<AddressRange> validRanges, Optional<Long> swMsiCookieBase) {
      this.validRanges = List.copyOf(validRanges);
      this.count = this.validRanges.size();
      this.bounds = new long[2 * count];
      for (int i = 0; i < count; i++) {
        bounds[2 * i] = this.validRanges.get(i).start();
        bounds[2 * i + 1] = this.validRanges.get(i).end();
      }
      this.hasSwMsiCookie = swMsiCookieBase.isPresent();
      this.swMsiCookieBase = hasSwMsiCookie ? swMsiCookieBase.get() : 0;
    }

    /** Takes the array of a list that is discarded after this call. */
    private AttachResult(long[] bounds, int count, boolean hasSwMsiCookie, long swMsiCookieBase) {
      this.bounds = bounds;
      this.count = count;
      this.hasSwMsiCookie = hasSwMsiCookie;
      this.swMsiCookieBase = swMsiCookieBase;
    }

    /** The valid IOVA ranges in the kernel's list order. */
    public List<AddressRange> validRanges() {
      List<AddressRange> v = validRanges;
      if (v == null) {
        v = toList(bounds, count);
        validRanges = v;
      }
      return v;
    }

    /** The base of the MSI cookie, when the group has a {@code sw-msi} region and no {@code msi} one. */
    public Optional<Long> swMsiCookieBase() {
      return hasSwMsiCookie ? Optional.of(swMsiCookieBase) : Optional.empty();
    }

    /** {@code vfio_iommu_resv_exclude} left nothing: the attach fails with -EINVAL. */
    public boolean refused() {
      return count == 0;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof AttachResult a
          && count == a.count
          && Arrays.equals(bounds, 0, 2 * count, a.bounds, 0, 2 * count)
          && hasSwMsiCookie == a.hasSwMsiCookie
          && swMsiCookieBase == a.swMsiCookieBase;
    }

    @Override
    public int hashCode() {
      return 31 * validRanges().hashCode() + swMsiCookieBase().hashCode();
    }

    /** As a record prints itself: {@code AttachResult[validRanges=[...], swMsiCookieBase=Optional.empty]}. */
    @Override
    public String toString() {
      return "AttachResult[validRanges=" + validRanges() + ", swMsiCookieBase=" + swMsiCookieBase() + "]";
    }
  }
}
