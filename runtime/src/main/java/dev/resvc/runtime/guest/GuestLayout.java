package dev.resvc.runtime.guest;

import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A guest's physical address map. QEMU maps every guest RAM range for DMA at IOVA = guest-physical
 * address, so a reserved region that VFIO excludes and that falls in guest RAM makes the mapping
 * fail; the other ranges tell a policy what else a region collides with.
 *
 * <p>Ranges are disjoint and kept in ascending address order.
 */
public record GuestLayout(String name, List<GuestRange> ranges) {
  public GuestLayout {
    List<GuestRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparing(GuestRange::range));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).range().overlaps(sorted.get(i).range())) {
        throw new IllegalArgumentException(
            "guest ranges " + sorted.get(i - 1) + " and " + sorted.get(i) + " overlap");
      }
    }
    ranges = List.copyOf(sorted);
  }

  public List<GuestRange> ranges(GuestKind kind) {
    return ranges.stream().filter(r -> r.kind() == kind).toList();
  }

  public Optional<GuestRange> range(String rangeName) {
    return ranges.stream().filter(r -> r.name().equals(rangeName)).findFirst();
  }

  /** Total bytes of RAM. */
  public java.math.BigInteger ramSize() {
    return ranges(GuestKind.RAM).stream()
        .map(r -> r.range().size())
        .reduce(java.math.BigInteger.ZERO, java.math.BigInteger::add);
  }

  /** The ranges that overlap {@code addresses}, in address order. */
  public List<GuestRange> overlapping(AddressRange addresses) {
    return ranges.stream().filter(r -> r.range().overlaps(addresses)).toList();
  }
}
