package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The first {@link VfioIovaList}: the kernel's {@code iommu->iova_list} as a list of {@link
 * AddressRange} nodes, transcribed line by line from drivers/vfio/vfio_iommu_type1.c. Kept as the
 * oracle the array-backed list is compared with.
 */
final class ListIovaReference {
  private final List<AddressRange> nodes = new ArrayList<>();

  List<AddressRange> ranges() {
    return List.copyOf(nodes);
  }

  /** {@code vfio_iommu_aper_resize(iova, start, end)}. */
  void resize(AddressRange aperture) {
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
  boolean exclude(List<Region> regions) {
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

}
