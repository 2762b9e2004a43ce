package dev.resvc.compiler.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of unsigned 64-bit values as sorted, disjoint, non-adjacent inclusive intervals. Immutable.
 * Values compare unsigned throughout.
 */
final class USet {
  static final long MAX = -1L;
  static final USet EMPTY = new USet(new long[0]);
  static final USet ALL = new USet(new long[] {0, MAX});

  /** lo0, hi0, lo1, hi1, … */
  private final long[] bounds;

  private USet(long[] bounds) {
    this.bounds = bounds;
  }

  static USet range(long lo, long hi) {
    return Long.compareUnsigned(lo, hi) > 0 ? EMPTY : new USet(new long[] {lo, hi});
  }

  static USet point(long v) {
    return range(v, v);
  }

  static USet atMost(long hi) {
    return range(0, hi);
  }

  static USet atLeast(long lo) {
    return range(lo, MAX);
  }

  /** Values below {@code 2^bits} (all values when {@code bits >= 64}). */
  static USet width(int bits) {
    return bits >= 64 ? ALL : range(0, (1L << bits) - 1);
  }

  static USet of(List<Long> values) {
    List<long[]> parts = new ArrayList<>();
    for (long v : values) {
      parts.add(new long[] {v, v});
    }
    return normalize(parts);
  }

  private static USet normalize(List<long[]> parts) {
    parts.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] p : parts) {
      if (!out.isEmpty()) {
        long[] last = out.get(out.size() - 1);
        if (last[1] == MAX || Long.compareUnsigned(p[0], last[1] + 1) <= 0) {
          if (Long.compareUnsigned(p[1], last[1]) > 0) {
            last[1] = p[1];
          }
          continue;
        }
      }
      out.add(new long[] {p[0], p[1]});
    }
    long[] b = new long[out.size() * 2];
    for (int i = 0; i < out.size(); i++) {
      b[2 * i] = out.get(i)[0];
      b[2 * i + 1] = out.get(i)[1];
    }
    return new USet(b);
  }

  boolean isEmpty() {
    return bounds.length == 0;
  }

  boolean isAll() {
    return bounds.length == 2 && bounds[0] == 0 && bounds[1] == MAX;
  }

  int intervals() {
    return bounds.length / 2;
  }

  long lo(int i) {
    return bounds[2 * i];
  }

  long hi(int i) {
    return bounds[2 * i + 1];
  }

  /** The smallest member; the set must not be empty. */
  long min() {
    return bounds[0];
  }

  boolean contains(long v) {
    int lo = 0;
    int hi = intervals() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(v, lo(mid)) < 0) {
        hi = mid - 1;
      } else if (Long.compareUnsigned(v, hi(mid)) > 0) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  USet intersect(USet o) {
    if (o.isAll()) {
      return this;
    }
    if (isAll()) {
      return o;
    }
    if (bounds.length == 2 && o.bounds.length == 2) {
      long lo = Long.compareUnsigned(bounds[0], o.bounds[0]) >= 0 ? bounds[0] : o.bounds[0];
      long hi = Long.compareUnsigned(bounds[1], o.bounds[1]) <= 0 ? bounds[1] : o.bounds[1];
      if (lo == bounds[0] && hi == bounds[1]) {
        return this;
      }
      return Long.compareUnsigned(lo, hi) <= 0 ? new USet(new long[] {lo, hi}) : EMPTY;
    }
    List<Long> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < intervals() && j < o.intervals()) {
      long lo = Long.compareUnsigned(lo(i), o.lo(j)) >= 0 ? lo(i) : o.lo(j);
      long hi = Long.compareUnsigned(hi(i), o.hi(j)) <= 0 ? hi(i) : o.hi(j);
      if (Long.compareUnsigned(lo, hi) <= 0) {
        out.add(lo);
        out.add(hi);
      }
      if (Long.compareUnsigned(hi(i), o.hi(j)) < 0) {
        i++;
      } else {
        j++;
      }
    }
    long[] b = new long[out.size()];
    for (int k = 0; k < b.length; k++) {
      b[k] = out.get(k);
    }
    return new USet(b);
  }

  USet complement() {
    List<Long> out = new ArrayList<>();
    long next = 0;
    boolean open = true;
    for (int i = 0; i < intervals(); i++) {
      if (open && Long.compareUnsigned(lo(i), next) > 0) {
        out.add(next);
        out.add(lo(i) - 1);
      }
      if (hi(i) == MAX) {
        open = false;
      } else {
        next = hi(i) + 1;
      }
    }
    if (open) {
      out.add(next);
      out.add(MAX);
    }
    long[] b = new long[out.size()];
    for (int k = 0; k < b.length; k++) {
      b[k] = out.get(k);
    }
    return new USet(b);
  }

  /** True when every member of this set is in {@code o}. */
  boolean subsetOf(USet o) {
    if (o.isAll()) {
      return true;
    }
    // Each interval of this set must lie inside one interval of o (o's intervals are non-adjacent).
    int j = 0;
    for (int i = 0; i < intervals(); i++) {
      long lo = lo(i);
      while (j < o.intervals() && Long.compareUnsigned(o.hi(j), lo) < 0) {
        j++;
      }
      if (j == o.intervals() || Long.compareUnsigned(o.lo(j), lo) > 0 || Long.compareUnsigned(hi(i), o.hi(j)) > 0) {
        return false;
      }
    }
    return true;
  }

  boolean disjoint(USet o) {
    int i = 0;
    int j = 0;
    while (i < intervals() && j < o.intervals()) {
      if (Long.compareUnsigned(hi(i), o.lo(j)) < 0) {
        i++;
      } else if (Long.compareUnsigned(o.hi(j), lo(i)) < 0) {
        j++;
      } else {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof USet u && java.util.Arrays.equals(bounds, u.bounds);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < intervals(); i++) {
      if (i > 0) sb.append(", ");
      sb.append(Long.toUnsignedString(lo(i), 16));
      if (lo(i) != hi(i)) sb.append("..").append(Long.toUnsignedString(hi(i), 16));
    }
    return sb.append('}').toString();
  }
}
