package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;

/**
 * The bytes that {@code vfio_iommu_resv_exclude} cuts out of an aperture, counted region by region,
 * to tell cheaply when they cannot add up to all of it, so that the list cannot come out empty and
 * VFIO cannot refuse the attach. A caller that walks a group's merged regions anyway (the evaluator,
 * asking the conflicts rules) counts them in the same pass and runs the kernel's walk only when
 * {@link #mayCover} says it could matter.
 *
 * <p>Why that is exact: for a region of {@code length} bytes, {@code length} above 0 and the end
 * ({@code start + length - 1}, wrapping) not below the start, the kernel's walk removes from every
 * node exactly the addresses of {@code [start, end]}, so after the walk the nodes hold exactly the
 * aperture minus the union of the regions cut. The list is empty only when that union covers the
 * aperture, which takes at least as many bytes as the aperture has. So when every region cut is such
 * a region and their lengths add up, without passing 2^64, to fewer bytes than the aperture, the
 * walk leaves something. The other regions do not cut as many bytes as their length says: a
 * zero-length region at 0 ends at 2^64 - 1 and removes everything, and one that runs past 2^64 ends
 * below its start. Once one of those is added, {@link #mayCover} is always true.
 *
 * <p>Mutable; not thread-safe.
 */
public final class ExclusionTally {
  /** The lengths of the regions cut, added up (wrapping). */
  private long bytes;
  /** A region that cuts other than its length says was added, or the total passed 2^64. */
  private boolean uncounted;

  public ExclusionTally() {}

  /** Forgets every region added. */
  public void clear() {
    bytes = 0;
    uncounted = false;
  }

  /** Counts {@code region} as the walk would cut it; {@code direct-relaxable} regions are not cut. */
  public void add(Region region) {
    if (region.type() == RegionType.DIRECT_RELAXABLE) {
      return;
    }
    long start = region.start();
    long length = region.length();
    long sum = bytes + length;
    uncounted |= length == 0 || Long.compareUnsigned(start + length - 1, start) < 0
        || Long.compareUnsigned(sum, bytes) < 0;
    bytes = sum;
  }

  /**
   * False when excluding the regions added from a list holding just {@code aperture} certainly
   * leaves something; true when it might not, and only the walk can tell.
   */
  public boolean mayCover(AddressRange aperture) {
    // at least end - start + 1 bytes (which may be 2^64) are needed to cover the aperture
    return uncounted || Long.compareUnsigned(bytes, aperture.end() - aperture.start()) > 0;
  }
}
