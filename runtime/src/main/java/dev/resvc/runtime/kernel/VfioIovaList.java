package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
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
 * <p>Mutable, like the kernel's list; not thread-safe.
 */
public final class VfioIovaList {
  /** What VFIO answers to a group attach: the ranges, or -EINVAL because none remain. */
  public record AttachResult(List<AddressRange> validRanges, Optional<Long> swMsiCookieBase) {
    public AttachResult {
      validRanges = List.copyOf(validRanges);
    }

    /** {@code vfio_iommu_resv_exclude} left nothing: the attach fails with -EINVAL. */
    public boolean refused() {
      return validRanges.isEmpty();
    }
  }

  private final List<AddressRange> nodes;

  /** An empty list. */
  public VfioIovaList() {
    this(10);
  }

  private VfioIovaList(int capacity) {
    nodes = new ArrayList<>(capacity);
  }

  /**
   * The valid IOVA list after attaching one group to an empty container whose domain has {@code
   * aperture}: {@code vfio_iommu_aper_resize}, then {@code vfio_iommu_resv_exclude} with the group's
   * merged regions.
   */
  public static AttachResult attachGroup(AddressRange aperture, List<Region> groupRegions) {
    // each region cuts at most one range in two: the list never holds more than this
    VfioIovaList list = new VfioIovaList(groupRegions.size() + 1);
    list.resize(aperture);
    list.exclude(groupRegions);
    return new AttachResult(list.ranges(), swMsiCookieBase(groupRegions));
  }

  /** An immutable copy of the list. */
  public List<AddressRange> ranges() {
    // List.of with a few arguments keeps the one array it is called with; List.copyOf makes two.
    List<AddressRange> n = nodes;
    switch (n.size()) {
      case 0:
        return List.of();
      case 1:
        return List.of(n.get(0));
      case 2:
        return List.of(n.get(0), n.get(1));
      case 3:
        return List.of(n.get(0), n.get(1), n.get(2));
      case 4:
        return List.of(n.get(0), n.get(1), n.get(2), n.get(3));
      default:
        return List.copyOf(n);
    }
  }

  public boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** {@code vfio_iommu_aper_resize(iova, start, end)}. */
  public void resize(AddressRange aperture) {
    long start = aperture.start();
    long end = aperture.end();
    if (nodes.isEmpty()) {
      nodes.add(aperture);
      return;
    }
    // Adjust the list start: drop ranges below the new start, clip the one containing it.
    while (!nodes.isEmpty()) {
      AddressRange node = nodes.get(0);
      if (Long.compareUnsigned(start, node.start()) < 0) {
        break;
      }
      if (Long.compareUnsigned(start, node.end()) < 0) { // start >= node.start already holds
        nodes.set(0, new AddressRange(start, node.end()));
        break;
      }
      nodes.remove(0);
    }
    // Adjust the list end: keep ranges below it, clip the one containing it, drop the rest.
    for (int i = 0; i < nodes.size(); ) {
      AddressRange node = nodes.get(i);
      if (Long.compareUnsigned(end, node.end()) > 0) {
        i++;
      } else if (Long.compareUnsigned(end, node.start()) > 0) { // end <= node.end already holds
        nodes.set(i, new AddressRange(node.start(), end));
        i++;
      } else {
        nodes.remove(i);
      }
    }
  }

  /**
   * {@code vfio_iommu_resv_exclude(iova, regions)}.
   *
   * @return false when the list is left empty (the kernel returns -EINVAL)
   */
  public boolean exclude(List<Region> regions) {
    for (Region region : regions) {
      if (region.type() == RegionType.DIRECT_RELAXABLE) {
        continue;
      }
      long start = region.start();
      long end = region.start() + region.length() - 1;
      for (int i = 0; i < nodes.size(); ) {
        AddressRange n = nodes.get(i);
        if (Long.compareUnsigned(start, n.end()) > 0 || Long.compareUnsigned(end, n.start()) < 0) {
          i++;
          continue;
        }
        // New pieces go before the node, then the node goes: the walk continues after them.
        nodes.remove(i);
        if (Long.compareUnsigned(start, n.start()) > 0) {
          nodes.add(i++, new AddressRange(n.start(), start - 1));
        }
        if (Long.compareUnsigned(end, n.end()) < 0) {
          nodes.add(i++, new AddressRange(end + 1, n.end()));
        }
      }
    }
    return !nodes.isEmpty();
  }

  /**
   * {@code vfio_iommu_iova_dma_valid}: whether {@code VFIO_IOMMU_MAP_DMA} accepts {@code [iova, iova
   * + size - 1]}. The range must lie inside one valid range; a request spanning two adjacent ranges
   * fails. An empty list (no IOMMU-backed group) accepts anything.
   */
  public boolean dmaValid(long iova, long size) {
    if (nodes.isEmpty()) {
      return true;
    }
    long last = iova + size - 1;
    for (AddressRange n : nodes) {
      if (Long.compareUnsigned(n.start(), iova) <= 0 && Long.compareUnsigned(last, n.end()) <= 0) {
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
}
