package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.U64;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The group list of {@code iommu_get_group_resv_regions} (drivers/iommu/iommu.c): regions inserted
 * one at a time with {@code iommu_insert_resv_region}, giving exactly the kernel's list — same
 * entries, same order, same surviving start/length/prot/source — in O(n log n) instead of the
 * kernel's O(n²).
 *
 * <p>{@link #forRelease} picks the algorithm of a release (docs/kernel-eras.md section 5): the one
 * below, of v5.4 and later (4dbd258ff63e), or for v4.11 to v5.3 the recursive insertion of {@link
 * RecursiveRegionList}, which does not join adjacent regions and does not keep the list sorted by
 * start. {@code new GroupRegionMerger()} is the v5.4+ merger.
 *
 * <p>The kernel inserts each region in (start, type) order, a new entry going before an existing one
 * with the same start and type, then sweeps the whole list once for the new entry's type: each entry
 * of that type is compared with the last kept one ({@code top}); it is kept when {@code start >
 * top_end + 1} and otherwise absorbed ({@code top.length = max(top_end, it_end) - top.start + 1}),
 * all in wrapping 64-bit arithmetic. Types never merge with each other.
 *
 * <p>Why this shortcut is exact: after every insertion each type's sub-list is a fixed point of the
 * sweep (every entry satisfies {@code start > previous_end + 1}). Inserting one entry can therefore
 * only change the entry before it (which may absorb it) and a run of entries after it (absorbed
 * until the first one that is kept); everything else is untouched. Each insertion is then a binary
 * search plus removals, and each entry is removed at most once. The wrap-around quirks (an entry
 * ending at 2^64-1 never absorbs a later one, because {@code top_end + 1} wraps to 0; lengths that
 * wrap to 0; zero-length entries) fall out of doing the same arithmetic as the kernel.
 *
 * <p>Not thread-safe; use one merger per list being built.
 */
public final class GroupRegionMerger {
  /** Orders entries of one type: unsigned start, then newest first among equal starts. */
  private record Key(long start, long seq) {}

  private static final Comparator<Key> KEY_ORDER = (a, b) -> {
    int c = Long.compareUnsigned(a.start, b.start);
    return c != 0 ? c : Long.compare(a.seq, b.seq);
  };

  private static final Comparator<Region> START_ORDER = (a, b) -> Long.compareUnsigned(a.start(), b.start());

  private static final int TYPES = RegionType.values().length;

  /**
   * One sorted map per region type, made when the first region of the type is inserted (a group has
   * regions of two or three types, mostly); values are the entries' current state.
   */
  @SuppressWarnings("unchecked")
  private final TreeMap<Key, Region>[] byType = new TreeMap[TYPES];
  /**
   * Decreasing, so that a newer entry sorts before older ones with the same start. An int, which keeps
   * the merger at 24 bytes with {@link #beforeV54}: no list sees 2^31 insertions (every input is
   * capped by {@code InputLimits}, 16 MiB at most).
   */
  private int nextSeq = 0;
  /**
   * The list of a release before v5.4, which then holds every entry ({@link #byType} stays empty);
   * null from v5.4, so the merger of current kernels allocates nothing more than it needs.
   */
  private final RecursiveRegionList beforeV54;

  /** The merger of v5.4 and later. */
  public GroupRegionMerger() {
    this.beforeV54 = null;
  }

  private GroupRegionMerger(RecursiveRegionList beforeV54) {
    this.beforeV54 = beforeV54;
  }

  /** An empty group list merged as {@code release} merges it: recursively before v5.4. */
  public static GroupRegionMerger forRelease(KernelRelease release) {
    return KernelEra.MERGE_JOINS_ADJACENT.in(release) ? new GroupRegionMerger() : new GroupRegionMerger(new RecursiveRegionList());
  }

  /** The v5.4+ kernel's group list for {@code regions} inserted in order into an empty list. */
  public static List<Region> merge(List<Region> regions) {
    return merge(regions, new GroupRegionMerger());
  }

  /** The group list of {@code release} for {@code regions} inserted in order into an empty list. */
  public static List<Region> merge(List<Region> regions, KernelRelease release) {
    return merge(regions, forRelease(release));
  }

  private static List<Region> merge(List<Region> regions, GroupRegionMerger merger) {
    for (Region r : regions) {
      merger.insert(r);
    }
    return merger.regions();
  }

  /** {@code iommu_insert_resv_region(region, list)} of the merger's release. */
  public void insert(Region region) {
    if (beforeV54 == null) {
      insertSorted(region);
    } else {
      beforeV54.insert(region);
    }
  }

  /** The v5.4+ insertion; a method of its own so that {@link #insert} stays small enough to inline. */
  private void insertSorted(Region region) {
    int type = region.type().ordinal();
    TreeMap<Key, Region> list = byType[type];
    if (list == null) {
      list = new TreeMap<>(KEY_ORDER);
      byType[type] = list;
    }
    Key key = new Key(region.start(), --nextSeq);
    // Sorts before every entry with the new one's start: the bound of both searches below.
    Key startBound = new Key(region.start(), Long.MIN_VALUE);

    // The entry before the new one in the sweep: the last one that starts strictly lower.
    Map.Entry<Key, Region> before = list.lowerEntry(startBound);
    Key topKey;
    Region top;
    if (before != null && !keptAfter(before.getValue(), region)) {
      topKey = before.getKey();
      top = absorb(before.getValue(), region);
    } else {
      topKey = key;
      top = region;
    }
    // Absorb following entries until one is kept; the rest of the list is a fixed point already.
    Map.Entry<Key, Region> next = list.ceilingEntry(startBound);
    while (next != null && !keptAfter(top, next.getValue())) {
      top = absorb(top, next.getValue());
      list.remove(next.getKey());
      next = list.higherEntry(next.getKey());
    }
    list.put(topKey, top);
  }

  /** The kernel's keep test: {@code it.start > top_end + 1}, with the kernel's wrap-around. */
  private static boolean keptAfter(Region top, Region it) {
    long topEndPlusOne = top.start() + top.length();
    return Long.compareUnsigned(it.start(), topEndPlusOne) > 0;
  }

  /** {@code top.length = max(top_end, it_end) - top.start + 1}; {@code top} keeps its other fields. */
  private static Region absorb(Region top, Region it) {
    long end = U64.max(top.end(), it.end());
    return top.withLength(end - top.start() + 1);
  }

  /**
   * The list as the kernel holds it. From v5.4: by start (unsigned), then type in enum order; entries
   * with equal start and type in the kernel's order (newest insertion first). Before v5.4: in the
   * recursive insertion's order.
   */
  public List<Region> regions() {
    if (beforeV54 != null) {
      return beforeV54.regions();
    }
    int size = 0;
    for (TreeMap<Key, Region> list : byType) {
      size += list == null ? 0 : list.size();
    }
    Region[] all = new Region[size];
    int n = 0;
    for (TreeMap<Key, Region> list : byType) {
      if (list != null) {
        for (Region r : list.values()) {
          all[n++] = r;
        }
      }
    }
    // Types in enum order, each in its map's order (start, then newest first; an entry's key has the
    // start of its region): sorting by start alone, stably, gives (start, type, newest first).
    Arrays.sort(all, START_ORDER);
    return List.of(all);
  }

  public boolean isEmpty() {
    if (beforeV54 != null) {
      return beforeV54.isEmpty();
    }
    for (TreeMap<Key, Region> list : byType) {
      if (list != null && !list.isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
