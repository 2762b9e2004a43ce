package dev.resvc.runtime.guest;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Which reserved regions of a group collide with which ranges of a guest's physical map. This is the
 * raw material of policy conflict rules and of QEMU's {@code -EINVAL} on {@code VFIO_IOMMU_MAP_DMA}.
 */
public final class GuestConflicts {
  private GuestConflicts() {}

  /** One region overlapping one guest range, and the addresses they share. */
  public record Overlap(Region region, GuestRange guestRange, AddressRange overlap) {}

  /**
   * Every (region, guest range, overlap) triple, ordered by the region's place in {@code regions}
   * (the kernel's group order), then by guest address. Regions that cover nothing (zero-length or
   * inverted) overlap nothing.
   */
  public static List<Overlap> find(List<Region> regions, GuestLayout layout) {
    List<Overlap> out = new ArrayList<>();
    for (Region region : regions) {
      region.range().ifPresent(span -> {
        for (GuestRange g : layout.overlapping(span)) {
          out.add(new Overlap(region, g, span.intersection(g.range()).orElseThrow()));
        }
      });
    }
    return out;
  }
}
