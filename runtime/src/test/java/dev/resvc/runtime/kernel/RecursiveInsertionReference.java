package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * A line-by-line transcription of the recursive {@code iommu_insert_resv_region} of v4.11 to v5.3,
 * as the diff of 4dbd258ff63e removes it (docs/kernel-eras.md section 5), quadratic as the original,
 * for comparing {@link RecursiveRegionList} against.
 */
final class RecursiveInsertionReference {
  private final List<Region> regions = new ArrayList<>();

  static List<Region> merge(List<Region> input) {
    RecursiveInsertionReference ref = new RecursiveInsertionReference();
    input.forEach(ref::insert);
    return List.copyOf(ref.regions);
  }

  private void insert(Region neu) {
    long start = neu.start();
    long end = neu.start() + neu.length() - 1;
    int pos = 0;
    while (pos != regions.size()) {
      Region entry = regions.get(pos);
      long a = entry.start();
      long b = entry.start() + entry.length() - 1;
      if (Long.compareUnsigned(end, a) < 0) {
        break; // goto insert
      } else if (Long.compareUnsigned(start, b) > 0) {
        pos++;
      } else if (Long.compareUnsigned(start, a) >= 0 && Long.compareUnsigned(end, b) <= 0) {
        if (neu.type() == entry.type()) {
          return;
        }
        pos++;
      } else {
        if (neu.type() == entry.type()) {
          long newStart = Long.compareUnsigned(a, start) <= 0 ? a : start;
          long newEnd = Long.compareUnsigned(b, end) >= 0 ? b : end;
          regions.remove(pos);
          insert(new Region(newStart, newEnd - newStart + 1, entry.type(), entry.prot(), entry.source()));
          return;
        }
        pos++;
      }
    }
    regions.add(pos, neu); // list_add_tail(&region->list, pos): before pos
  }
}
