package dev.resvc.bench;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The kernel's {@code iommu_insert_resv_region} (drivers/iommu/iommu.c) transcribed for the
 * benchmark, quadratic as the original: each insertion walks the list to its (start, type) place,
 * then sweeps the whole list, moving every entry to a stack and merging each entry of the new type
 * into the last stacked entry of that type (found by walking the stack backwards) when it starts at or
 * before that entry's end + 1. An array list of mutable entries stands for the kernel's linked list;
 * the sweep compacts it in place, which is what splicing the stack back amounts to.
 */
public final class KernelInsertion {
  private static final class Entry {
    final long start;
    long length;
    final RegionType type;
    final Region original;

    Entry(Region r) {
      start = r.start();
      length = r.length();
      type = r.type();
      original = r;
    }
  }

  private final ArrayList<Entry> list = new ArrayList<>();

  public static List<Region> merge(List<Region> regions) {
    KernelInsertion k = new KernelInsertion();
    for (Region r : regions) {
      k.insert(r);
    }
    List<Region> out = new ArrayList<>(k.list.size());
    for (Entry e : k.list) {
      out.add(e.length == e.original.length() ? e.original : e.original.withLength(e.length));
    }
    return out;
  }

  public void insert(Region region) {
    Entry added = new Entry(region);
    // list_for_each_entry: the first entry that starts higher, or as high with a type not below.
    int at = list.size();
    for (int i = 0; i < list.size(); i++) {
      Entry it = list.get(i);
      int c = Long.compareUnsigned(added.start, it.start);
      if (c < 0 || (c == 0 && added.type.ordinal() <= it.type.ordinal())) {
        at = i;
        break;
      }
    }
    list.add(at, added);

    // The merge sweep: entries [0, kept) are the stack.
    int kept = 0;
    for (int i = 0; i < list.size(); i++) {
      Entry it = list.get(i);
      Entry top = null;
      if (it.type == added.type) {
        for (int j = kept - 1; j >= 0; j--) {
          if (list.get(j).type == it.type) {
            top = list.get(j);
            break;
          }
        }
      }
      if (top != null) {
        long topEnd = top.start + top.length - 1;
        if (Long.compareUnsigned(it.start, topEnd + 1) <= 0) {
          long itEnd = it.start + it.length - 1;
          long end = Long.compareUnsigned(topEnd, itEnd) >= 0 ? topEnd : itEnd;
          top.length = end - top.start + 1;
          continue;
        }
      }
      list.set(kept++, it);
    }
    while (list.size() > kept) {
      list.remove(list.size() - 1);
    }
  }

  /**
   * {@code n} regions as firmware and drivers produce them, in random order: mostly small
   * (4 KiB to 2 MiB), page-aligned, spread over 64 GiB so that some overlap or touch, of every type.
   */
  public static List<Region> regions(int n) {
    SplittableRandom random = new SplittableRandom(42 + n);
    RegionType[] types = RegionType.values();
    List<Region> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long start = random.nextLong(1L << 24) << 12;
      long length = (1L + random.nextInt(512)) << 12;
      RegionType type = types[random.nextInt(types.length)];
      out.add(new Region(start, length, type, dev.resvc.runtime.model.Prot.READ_WRITE,
          dev.resvc.runtime.model.RegionSource.SYSFS));
    }
    return out;
  }
}
