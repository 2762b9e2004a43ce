package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately naive, line-by-line transcription of the kernel's {@code iommu_insert_resv_region}
 * (drivers/iommu/iommu.c, v5.3 and later), quadratic as the original, for comparing
 * {@link GroupRegionMerger} against. Mutable nodes stand for the kernel's list nodes.
 */
final class KernelInsertionReference {
  private static final class Node {
    final long start;
    long length;
    final Region original;

    Node(Region r) {
      this.start = r.start();
      this.length = r.length();
      this.original = r;
    }

    Region toRegion() {
      return original.withLength(length);
    }
  }

  private List<Node> regions = new ArrayList<>();

  static List<Region> merge(List<Region> input) {
    KernelInsertionReference ref = new KernelInsertionReference();
    input.forEach(ref::insert);
    return ref.regions.stream().map(Node::toRegion).toList();
  }

  void insert(Region neu) {
    Node nr = new Node(neu);
    // First add the new element based on start address sorting.
    int at = regions.size();
    for (int i = 0; i < regions.size(); i++) {
      Node iter = regions.get(i);
      int startCmp = Long.compareUnsigned(nr.start, iter.start);
      if (startCmp < 0 || (startCmp == 0 && neu.type().ordinal() <= iter.original.type().ordinal())) {
        at = i;
        break;
      }
    }
    regions.add(at, nr);

    // Merge overlapping segments of type new->type.
    List<Node> stack = new ArrayList<>();
    for (Node iter : regions) {
      long iterEnd = iter.start + iter.length - 1;
      if (iter.original.type() != neu.type()) {
        stack.add(iter);
        continue;
      }
      Node top = null;
      for (int j = stack.size() - 1; j >= 0; j--) {
        if (stack.get(j).original.type() == iter.original.type()) {
          top = stack.get(j);
          break;
        }
      }
      if (top == null) {
        stack.add(iter);
        continue;
      }
      long topEnd = top.start + top.length - 1;
      if (Long.compareUnsigned(iter.start, topEnd + 1) > 0) {
        stack.add(iter);
      } else {
        long max = Long.compareUnsigned(topEnd, iterEnd) >= 0 ? topEnd : iterEnd;
        top.length = max - top.start + 1;
      }
    }
    regions = stack;
  }
}
