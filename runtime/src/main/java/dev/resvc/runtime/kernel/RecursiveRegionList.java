package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.U64;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The group list of {@code iommu_insert_resv_region} from v4.11 to v5.3, the recursive version that
 * 4dbd258ff63e replaced in v5.4 (docs/kernel-eras.md section 5), giving the same entries in the same
 * order as the kernel's list.
 *
 * <p>The kernel walks the list from the head for a new region {@code [start, end]} and an entry
 * {@code [a, b]}: {@code end < a} inserts the new region before the entry; {@code start > b} goes on;
 * a new region inside the entry is dropped if the types are equal, else the walk goes on; otherwise
 * (overlap, or the new region covers the entry) equal types remove the entry and insert the union
 * {@code [min(a, start), max(b, end)]} (keeping the entry's prot) again from the head, and other types
 * go on. At the end of the list the region is appended. All comparisons are unsigned 64-bit and
 * {@code end = start + length - 1} wraps, as {@code phys_addr_t} does. Hence adjacent regions of one
 * type stay two entries, a region overlapping an entry of another type lands after it even if it
 * starts lower, and equal starts of different types keep insertion order.
 *
 * <p>The walk stops at the first entry with {@code a > end}, or of the new region's type with {@code b
 * >= start}. The list is an implicit treap (a balanced tree ordered by list position) whose subtrees
 * know their largest start and, per type, their largest end, so that entry is found in O(log n) and
 * a list of n regions is built in O(n log n) where the kernel's walk is O(n²). Each merge removes an
 * entry for good, so there are fewer merges than insertions.
 *
 * <p>Not thread-safe.
 */
final class RecursiveRegionList {
  private static final int TYPES = RegionType.values().length;

  /** One list entry and the summary of its subtree. */
  private static final class Node {
    final Region region;
    final long priority;
    Node left;
    Node right;
    int size;
    /** Bit {@code t} set when the subtree holds an entry of type ordinal {@code t}. */
    int types;
    /** The largest start in the subtree (unsigned). */
    long maxStart;
    /** Per type present in {@link #types}, the largest end of that type in the subtree (unsigned). */
    final long[] maxEnd = new long[TYPES];

    Node(Region region, long priority) {
      this.region = region;
      this.priority = priority;
      update();
    }

    void update() {
      int t = region.type().ordinal();
      size = 1;
      types = 1 << t;
      maxStart = region.start();
      Arrays.fill(maxEnd, 0);
      maxEnd[t] = region.end();
      absorb(left);
      absorb(right);
    }

    private void absorb(Node child) {
      if (child == null) {
        return;
      }
      size += child.size;
      maxStart = U64.max(maxStart, child.maxStart);
      for (int t = 0; t < TYPES; t++) {
        if ((child.types & 1 << t) != 0) {
          maxEnd[t] = (types & 1 << t) != 0 ? U64.max(maxEnd[t], child.maxEnd[t]) : child.maxEnd[t];
        }
      }
      types |= child.types;
    }
  }

  /** Priorities only shape the tree, never the list; unpredictable so no input can unbalance it. */
  private final SplittableRandom priorities = new SplittableRandom();
  private Node root;

  /** {@code iommu_insert_resv_region(region, list)} as in v4.11 to v5.3. */
  void insert(Region region) {
    Region neu = region;
    while (true) {
      long start = neu.start();
      long end = neu.end();
      int type = neu.type().ordinal();
      int at = firstStop(start, end, type);
      if (at < 0) {
        root = merge(root, new Node(neu, priorities.nextLong()));
        return;
      }
      Region entry = get(at);
      long a = entry.start();
      long b = entry.end();
      if (Long.compareUnsigned(end, a) < 0) {
        insertAt(at, neu);
        return;
      }
      // The entry has the new region's type and start <= b.
      if (Long.compareUnsigned(start, a) >= 0 && Long.compareUnsigned(end, b) <= 0) {
        return;
      }
      removeAt(at);
      long unionStart = U64.min(a, start);
      long unionEnd = U64.max(b, end);
      neu = new Region(unionStart, unionEnd - unionStart + 1, entry.type(), entry.prot(), entry.source());
    }
  }

  /** The list in the kernel's order. */
  List<Region> regions() {
    List<Region> out = new ArrayList<>(root == null ? 0 : root.size);
    Deque<Node> path = new ArrayDeque<>();
    Node n = root;
    while (n != null || !path.isEmpty()) {
      while (n != null) {
        path.push(n);
        n = n.left;
      }
      n = path.pop();
      out.add(n.region);
      n = n.right;
    }
    return List.copyOf(out);
  }

  boolean isEmpty() {
    return root == null;
  }

  /** Whether the walk for {@code [start, end]} of type ordinal {@code type} stops in {@code n}'s subtree. */
  private static boolean stopsIn(Node n, long start, long end, int type) {
    return n != null && (Long.compareUnsigned(end, n.maxStart) < 0
        || (n.types & 1 << type) != 0 && Long.compareUnsigned(start, n.maxEnd[type]) <= 0);
  }

  /** Whether the walk stops at the entry {@code r}. */
  private static boolean stopsAt(Region r, long start, long end, int type) {
    return Long.compareUnsigned(end, r.start()) < 0
        || r.type().ordinal() == type && Long.compareUnsigned(start, r.end()) <= 0;
  }

  /** The position of the first entry the walk stops at, or -1 when it reaches the end of the list. */
  private int firstStop(long start, long end, int type) {
    if (!stopsIn(root, start, end, type)) {
      return -1;
    }
    int index = 0;
    Node n = root;
    while (true) {
      if (stopsIn(n.left, start, end, type)) {
        n = n.left;
        continue;
      }
      int leftSize = n.left == null ? 0 : n.left.size;
      if (stopsAt(n.region, start, end, type)) {
        return index + leftSize;
      }
      index += leftSize + 1;
      n = n.right; // the stop is in the right subtree, since it is in n's and not left of it
    }
  }

  private Region get(int index) {
    Node n = root;
    int i = index;
    while (true) {
      int leftSize = n.left == null ? 0 : n.left.size;
      if (i < leftSize) {
        n = n.left;
      } else if (i == leftSize) {
        return n.region;
      } else {
        i -= leftSize + 1;
        n = n.right;
      }
    }
  }

  private void insertAt(int index, Region region) {
    Node[] parts = split(root, index);
    root = merge(merge(parts[0], new Node(region, priorities.nextLong())), parts[1]);
  }

  private void removeAt(int index) {
    Node[] parts = split(root, index);
    Node[] rest = split(parts[1], 1);
    root = merge(parts[0], rest[1]);
  }

  /** The first {@code count} entries of {@code n} and the rest. */
  private static Node[] split(Node n, int count) {
    if (n == null) {
      return new Node[] {null, null};
    }
    int leftSize = n.left == null ? 0 : n.left.size;
    if (count <= leftSize) {
      Node[] parts = split(n.left, count);
      n.left = parts[1];
      n.update();
      return new Node[] {parts[0], n};
    }
    Node[] parts = split(n.right, count - leftSize - 1);
    n.right = parts[0];
    n.update();
    return new Node[] {n, parts[1]};
  }

  /** {@code first} followed by {@code second}. */
  private static Node merge(Node first, Node second) {
    if (first == null) {
      return second;
    }
    if (second == null) {
      return first;
    }
    if (first.priority > second.priority) {
      first.right = merge(first.right, second);
      first.update();
      return first;
    }
    second.left = merge(first, second.left);
    second.update();
    return second;
  }
}
