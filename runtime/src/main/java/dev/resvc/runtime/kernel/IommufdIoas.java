package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * An iommufd IO address space with one group attached (drivers/iommu/iommufd/io_pagetable.c,
 * docs/kernel-eras.md §8): what it reserves, whether {@code IOMMU_IOAS_MAP} at a fixed IOVA is
 * refused, and what {@code IOMMU_IOAS_IOVA_RANGES} reports.
 *
 * <p>Reserved: every region but {@code direct-relaxable}, as {@code [start, start + length - 1]}
 * ({@code iopt_table_enforce_dev_resv_regions}, v6.6+; the merged group list in v6.2–v6.5, which
 * covers the same addresses), and everything outside the domain aperture ({@code
 * iopt_table_add_domain}). A region whose end wraps below its start is kept as the kernel's interval
 * tree keeps it: it meets a range {@code [a, b]} when {@code start <= b && end >= a}; it is left out
 * of {@link #iovaRanges}, whose hole walk over such a node was not read.
 */
public final class IommufdIoas {
  private IommufdIoas() {}

  /**
   * {@code iopt_check_iova}'s reservation test: whether {@code IOMMU_IOAS_MAP} of {@code [first,
   * last]} meets a reservation of a group with merged list {@code regions} and domain {@code
   * aperture}, and so fails with -EINVAL.
   */
  public static boolean mapRefused(AddressRange aperture, List<Region> regions, long first, long last) {
    boolean inside = Long.compareUnsigned(aperture.start(), first) <= 0 && Long.compareUnsigned(last, aperture.end()) <= 0;
    return !inside || reservationMeeting(regions, first, last) >= 0;
  }

  /** The index in {@code regions} of the first reserved region that meets {@code [first, last]}, or -1. */
  public static int reservationMeeting(List<Region> regions, long first, long last) {
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      if (r.type() != RegionType.DIRECT_RELAXABLE
          && Long.compareUnsigned(r.start(), last) <= 0 && Long.compareUnsigned(r.end(), first) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code IOMMU_IOAS_IOVA_RANGES} ({@code iommufd_ioas_iova_ranges}): the holes between the
   * reservations over {@code [0, 2^64 - 1]}, overlapping and adjacent reservations joined, ascending.
   */
  public static List<AddressRange> iovaRanges(AddressRange aperture, List<Region> regions) {
    List<AddressRange> reserved = new ArrayList<>();
    if (aperture.start() != 0) {
      reserved.add(new AddressRange(0, aperture.start() - 1));
    }
    if (aperture.end() != U64.MAX) {
      reserved.add(new AddressRange(aperture.end() + 1, U64.MAX));
    }
    for (Region r : regions) {
      if (r.type() != RegionType.DIRECT_RELAXABLE) {
        r.range().ifPresent(reserved::add);
      }
    }
    reserved.sort(null);
    List<AddressRange> holes = new ArrayList<>();
    long next = 0; // the lowest address not yet known to be reserved
    boolean done = false; // everything up to 2^64 - 1 is reserved
    for (AddressRange r : reserved) {
      if (Long.compareUnsigned(r.start(), next) > 0) {
        holes.add(new AddressRange(next, r.start() - 1));
      }
      if (Long.compareUnsigned(r.end(), next) >= 0) {
        if (r.end() == U64.MAX) {
          done = true;
          break;
        }
        next = r.end() + 1;
      }
    }
    if (!done) {
      holes.add(new AddressRange(next, U64.MAX));
    }
    return List.copyOf(holes);
  }
}
