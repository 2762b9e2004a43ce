package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which rules can match a given input: the rules' {@linkplain Signature signatures} indexed per field
 * (for an integer field, the rules admitting each piece of the line between their bounds; for an enum
 * value or a bdf, driver or guest name, the rules admitting it), so that the rules whose signature
 * admits an input are a few AND operations over bit sets away. The answer is a superset of the rules
 * whose condition holds on the input; the interpreter decides among those.
 */
final class PointIndex {
  private final int words;
  /** Rules whose signature admits nothing: never candidates. */
  private final long[] live;
  private final List<IntIndex> ints = new ArrayList<>();
  private static final List<Field> ENUM_FIELDS = Field.of(Field.Kind.ENUM);
  /** Per enum field (by {@link Field#slot()}) and value, the rules admitting that value. */
  private final long[][][] enums = new long[ENUM_FIELDS.size()][][];
  /** Per enum field, the rules admitting every value: those an input without that part leaves. */
  private final long[][] enumsAbsent = new long[ENUM_FIELDS.size()][];
  /** Per finite-domain field ({@link Signature#FINITE_FIELDS}), its index. */
  private final FinIndex[] fins = new FinIndex[Signature.FINITE_FIELDS.size()];

  /** One integer field: cut points (unsigned, ascending) and the rules admitting each piece. */
  private record IntIndex(Field field, long[] cuts, long[][] pieces, long[] unbounded) {}

  /** One finite-domain field: the rules admitting each value named, and those not restricting it. */
  private record FinIndex(Map<Object, long[]> byValue, long[] unrestricted) {}

  PointIndex(Signature[] sigs) {
    int n = sigs.length;
    words = (n + 63) >>> 6;
    live = new long[words];
    for (int r = 0; r < n; r++) {
      if (!sigs[r].isEmpty()) set(live, r);
    }
    for (Field f : Field.of(Field.Kind.INT)) {
      if (f == Field.REGION_SIZE) continue;
      List<Long> cutList = new ArrayList<>();
      cutList.add(0L);
      long[] unbounded = new long[words];
      boolean any = false;
      for (int r = 0; r < n; r++) {
        long[] iv = sigs[r].interval(f);
        if (iv == null) {
          set(unbounded, r);
          continue;
        }
        any = true;
        cutList.add(iv[0]);
        if (iv[1] != -1L) cutList.add(iv[1] + 1);
      }
      if (!any) continue;
      long[] cuts = cutList.stream().mapToLong(Long::longValue).toArray();
      cuts = sortedDistinctUnsigned(cuts);
      long[][] pieces = new long[cuts.length][words];
      for (int r = 0; r < n; r++) {
        long[] iv = sigs[r].interval(f);
        if (iv == null) continue;
        for (int p = piece(cuts, iv[0]); p < cuts.length && Long.compareUnsigned(cuts[p], iv[1]) <= 0; p++) {
          set(pieces[p], r);
        }
      }
      ints.add(new IntIndex(f, cuts, pieces, unbounded));
    }
    for (Field f : ENUM_FIELDS) {
      int values = Integer.bitCount(f.allMask());
      long[][] byValue = new long[values][words];
      for (int r = 0; r < n; r++) {
        int mask = sigs[r].mask(f);
        for (int v = 0; v < values; v++) {
          if ((mask & (1 << v)) != 0) set(byValue[v], r);
        }
      }
      enums[f.slot()] = byValue;
      long[] all = live.clone();
      for (long[] v : byValue) {
        for (int i = 0; i < words; i++) all[i] &= v[i];
      }
      enumsAbsent[f.slot()] = all;
    }
    for (int k = 0; k < fins.length; k++) {
      Map<Object, long[]> byValue = new HashMap<>();
      long[] unrestricted = new long[words];
      for (int r = 0; r < n; r++) {
        Set<Object> values = sigs[r].values(Signature.FINITE_FIELDS.get(k));
        if (values == null) {
          set(unrestricted, r);
        } else {
          for (Object v : values) {
            set(byValue.computeIfAbsent(v, x -> new long[words]), r);
          }
        }
      }
      fins[k] = new FinIndex(byValue, unrestricted);
    }
  }

  /**
   * The rules below {@code limit} whose signature admits the input, as a bit set of {@code limit}
   * bits rounded up to whole words (bits at and above {@code limit} may be set).
   */
  long[] candidates(Interpreter.Facts facts, int limit) {
    int w = Math.min(words, (limit + 63) >>> 6);
    long[] out = Arrays.copyOf(live, w);
    TargetKernel k = facts.kernel();
    Device d = facts.device();
    Region r = facts.region();
    GuestRange g = facts.guest();
    for (IntIndex x : ints) {
      Long v = x.field().presentIn(k, d, facts.group(), r, g) ? x.field().readLong(k, d, facts.group(), r, g) : null;
      long[] admit = v == null ? null : x.pieces()[piece(x.cuts(), v)];
      long any = 0;
      for (int i = 0; i < w; i++) {
        out[i] &= x.unbounded()[i] | (admit == null ? 0 : admit[i]);
        any |= out[i];
      }
      if (any == 0) {
        return out;
      }
    }
    for (Field f : ENUM_FIELDS) {
      long[] admit = f.presentIn(k, d, facts.group(), r, g) ? enums[f.slot()][(int) f.readLong(k, d, facts.group(), r, g)] : null;
      and(out, w, admit, enumsAbsent[f.slot()]);
    }
    for (int j = 0; j < fins.length; j++) {
      fin(out, w, fins[j], Signature.FINITE_FIELDS.get(j).read(k, d, facts.group(), r, g).orElse(null));
    }
    return out;
  }

  private static void and(long[] out, int w, long[] admit, long[] whenAbsent) {
    long[] a = admit == null ? whenAbsent : admit;
    for (int i = 0; i < w; i++) {
      out[i] &= a[i];
    }
  }

  private static void fin(long[] out, int w, FinIndex x, Object value) {
    long[] named = value == null ? null : x.byValue().get(value);
    for (int i = 0; i < w; i++) {
      out[i] &= x.unrestricted()[i] | (named == null ? 0 : named[i]);
    }
  }

  /** The piece containing {@code v}: the last cut at or below it (cuts start at 0). */
  private static int piece(long[] cuts, long v) {
    int lo = 0;
    int hi = cuts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (Long.compareUnsigned(cuts[mid], v) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static long[] sortedDistinctUnsigned(long[] xs) {
    // Flipping the sign bit makes signed order unsigned order.
    long[] flipped = new long[xs.length];
    for (int i = 0; i < xs.length; i++) flipped[i] = xs[i] ^ Long.MIN_VALUE;
    Arrays.sort(flipped);
    int m = 0;
    for (int i = 0; i < flipped.length; i++) {
      if (m == 0 || flipped[i] != flipped[m - 1]) flipped[m++] = flipped[i];
    }
    long[] out = new long[m];
    for (int i = 0; i < m; i++) out[i] = flipped[i] ^ Long.MIN_VALUE;
    return out;
  }

  static void set(long[] bits, int i) {
    bits[i >>> 6] |= 1L << i;
  }
}
