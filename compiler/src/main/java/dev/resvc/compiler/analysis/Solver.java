package dev.resvc.compiler.analysis;

import dev.resvc.compiler.analysis.Formula.All;
import dev.resvc.compiler.analysis.Formula.Any;
import dev.resvc.compiler.analysis.Formula.Atom;
import dev.resvc.compiler.analysis.Formula.Const;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.FieldValues;
import dev.resvc.compiler.check.Scope;
import dev.resvc.compiler.check.Section;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides satisfiability of a formula exactly, by case splitting over disjunctions with per-variable
 * domains, and at each leaf solving the difference constraints that link region start, end and size
 * and the guest range. Each call has a step budget; running out throws {@link OutOfBudget}.
 */
final class Solver {
  /** Thrown when a query needs more steps than its budget. */
  static final class OutOfBudget extends RuntimeException {
    OutOfBudget() {
      super("analysis budget exceeded", null, false, false);
    }
  }

  // The variables of a leaf's difference constraints. A solution (least or greatest) holds the four after
  // ZERO, variable x at index x - 1; SOLVED_* name those indices.
  /** The constant 0 that bounds are written against. */
  private static final int ZERO = 0;
  private static final int START = 1;
  private static final int END = 2;
  private static final int GUEST_START = 3;
  private static final int GUEST_END = 4;
  private static final int SOLVED_START = START - 1;
  private static final int SOLVED_END = END - 1;
  private static final int SOLVED_GUEST_START = GUEST_START - 1;
  private static final int SOLVED_GUEST_END = GUEST_END - 1;

  private final Section section;
  private final long budget;
  private long steps;
  /** False while only satisfiability is asked: a feasible leaf then answers {@link #FEASIBLE}. */
  private boolean witnesses = true;
  /** True while {@link #solveTight} runs. */
  private boolean tight;
  /** The leaf's constraints, reused from one leaf to the next. */
  private Edges fixed;
  private Edges edges;
  private final long[] distHi = new long[5];
  private final long[] distLo = new long[5];
  private final boolean[] distSet = new boolean[5];
  /** The solutions, valid until the next leaf. */
  private final long[] leastOut = new long[4];
  private final long[] greatestOut = new long[4];

  /** The answer of a feasible leaf when no witness is wanted (never returned by {@link #solve}). */
  private static final Optional<Witness> FEASIBLE = Optional.of(new Witness(Section.CLASSIFY, null, null, 0, null, null));

  Solver(Section section, long budget) {
    this.section = section;
    this.budget = budget;
  }

  /** A satisfying witness, or empty when there is none; throws {@link OutOfBudget}. */
  Optional<Witness> solve(Formula f) {
    steps = 0;
    return search(Cube.initial(), List.of(f));
  }

  /**
   * A satisfying witness of the formulas within {@code start}, or empty; throws {@link OutOfBudget}.
   * Its region is the shortest one ending where the least solution ends (not the least solution,
   * which starts at the lowest start allowed and so often spans many other ranges): a witness that
   * other rules' address tests are less likely to match.
   */
  Optional<Witness> solveTight(Cube start, List<Formula> work) {
    steps = 0;
    tight = true;
    try {
      return search(start, work);
    } finally {
      tight = false;
    }
  }

  /** Whether the formulas can hold together within {@code start}, without building a witness. */
  boolean satisfiable(Cube start, List<Formula> work) {
    steps = 0;
    witnesses = false;
    try {
      return search(start, work).isPresent();
    } finally {
      witnesses = true;
    }
  }

  /**
   * A formula split into the cube of its top-level atoms ({@code null} when they conflict) and the
   * disjunctions left to search: what a condition contributes to every query, worked out once.
   */
  record Flat(Cube cube, List<Formula> ors) {}

  static Flat flatten(Formula f) {
    Cube cube = Cube.initial();
    List<Formula> ors = new ArrayList<>();
    List<Formula> work = new ArrayList<>(List.of(f));
    while (!work.isEmpty()) {
      Formula x = work.remove(work.size() - 1);
      if (x instanceof Const c) {
        if (!c.value()) return new Flat(null, List.of());
      } else if (x instanceof Atom a) {
        cube = cube.add(a);
        if (cube == null) return new Flat(null, List.of());
      } else if (x instanceof All a) {
        work.addAll(a.terms());
      } else {
        ors.add(x);
      }
    }
    return new Flat(cube, List.copyOf(ors));
  }

  private void tick() {
    if (++steps > budget) {
      throw new OutOfBudget();
    }
  }

  private Optional<Witness> search(Cube start, List<Formula> work0) {
    tick();
    return work0.isEmpty() ? leaf(start) : split(start, work0);
  }

  /** {@link #search} with work to do: propagate, then split on a disjunction. */
  private Optional<Witness> split(Cube start, List<Formula> work0) {
    Cube cube = start;
    List<Formula> work = new ArrayList<>(work0);
    List<List<Formula>> ors = new ArrayList<>();
    List<Atom> atoms = new ArrayList<>();
    while (true) {
      // The atoms are added together once the work is flattened (the same cube, with fewer copies).
      atoms.clear();
      while (!work.isEmpty()) {
        Formula f = work.remove(work.size() - 1);
        if (f instanceof Const c) {
          if (!c.value()) return Optional.empty();
        } else if (f instanceof Atom a) {
          atoms.add(a);
        } else if (f instanceof All a) {
          work.addAll(a.terms());
        } else if (f instanceof Any a) {
          ors.add(a.terms());
        }
      }
      cube = cube.addAll(atoms);
      if (cube == null) return Optional.empty();
      List<List<Formula>> kept = new ArrayList<>();
      boolean unit = false;
      for (List<Formula> or : ors) {
        tick();
        // The disjuncts still open: all of them (the list itself), one, or a new shorter list.
        int size = or.size();
        int open = 0;
        int first = -1;
        boolean satisfied = false;
        for (int k = 0; k < size; k++) {
          Cube.Status st = status(or.get(k), cube);
          if (st == Cube.Status.TRUE) {
            satisfied = true;
            break;
          }
          if (st == Cube.Status.UNKNOWN) {
            if (open++ == 0) first = k;
          }
        }
        if (satisfied) continue;
        if (open == 0) return Optional.empty();
        if (open == 1) {
          work.add(or.get(first));
          unit = true;
        } else if (open == size) {
          kept.add(or);
        } else {
          List<Formula> still = new ArrayList<>(open);
          for (int k = first; k < size; k++) {
            if (status(or.get(k), cube) == Cube.Status.UNKNOWN) still.add(or.get(k));
          }
          kept.add(still);
        }
      }
      ors = kept;
      if (!unit) break;
    }
    if (ors.isEmpty()) {
      return leaf(cube);
    }
    int best = 0;
    for (int i = 1; i < ors.size(); i++) {
      if (ors.get(i).size() < ors.get(best).size()) best = i;
    }
    // Try first the disjunct that occurs in most open disjunctions: it settles the most at once.
    // Equal formulas are one object (Analyzer interns them), so they are counted by identity.
    List<Formula> chosen = new ArrayList<>(ors.get(best));
    Formula[] options = chosen.toArray(new Formula[0]);
    int[] counts = new int[options.length];
    for (List<Formula> or : ors) {
      for (int k = 0; k < or.size(); k++) {
        Formula d = or.get(k);
        for (int c = 0; c < options.length; c++) {
          if (options[c] == d) counts[c]++;
        }
      }
    }
    // Most shared first; a stable insertion sort, as there are only a few.
    for (int a = 1; a < options.length; a++) {
      Formula x = options[a];
      int n = counts[a];
      int b = a - 1;
      while (b >= 0 && counts[b] < n) {
        options[b + 1] = options[b];
        counts[b + 1] = counts[b];
        b--;
      }
      options[b + 1] = x;
      counts[b + 1] = n;
    }
    chosen = notPciLast(options);
    List<Formula> rest = new ArrayList<>();
    for (int i = 0; i < ors.size(); i++) {
      if (i != best) rest.add(new Any(ors.get(i)));
    }
    for (Formula d : chosen) {
      List<Formula> w = new ArrayList<>(rest);
      w.add(d);
      Optional<Witness> r = search(cube, w);
      if (r.isPresent()) return r;
    }
    return Optional.empty();
  }

  /**
   * {@code options} with the disjuncts that make the device other than a PCI function moved last, in
   * order: a negated test of a PCI-only field offers one, and since they are all the same atom it would
   * otherwise come first, making witnesses of rules about PCI functions platform devices.
   */
  private static List<Formula> notPciLast(Formula[] options) {
    List<Formula> out = new ArrayList<>(options.length);
    List<Formula> last = new ArrayList<>(1);
    for (Formula d : options) {
      boolean notPci = d instanceof Formula.EnumAtom e && e.field() == Field.DEVICE_KIND
          && (e.mask() & ~Formula.NOT_PCI) == 0;
      (notPci ? last : out).add(d);
    }
    out.addAll(last);
    return out;
  }

  static Cube.Status status(Formula f, Cube cube) {
    if (f instanceof Const c) {
      return c.value() ? Cube.Status.TRUE : Cube.Status.FALSE;
    } else if (f instanceof Atom a) {
      return cube.status(a);
    } else if (f instanceof All a) {
      Cube.Status out = Cube.Status.TRUE;
      for (Formula t : a.terms()) {
        Cube.Status s = status(t, cube);
        if (s == Cube.Status.FALSE) return s;
        if (s == Cube.Status.UNKNOWN) out = s;
      }
      return out;
    } else if (f instanceof Any a) {
      Cube.Status out = Cube.Status.FALSE;
      for (Formula t : a.terms()) {
        Cube.Status s = status(t, cube);
        if (s == Cube.Status.TRUE) return s;
        if (s == Cube.Status.UNKNOWN) out = s;
      }
      return out;
    }
    throw new AssertionError(f);
  }

  // ---- the leaf: region start/end/size and the guest range -------------------------------------

  /**
   * Difference constraints {@code x_from - x_to <= w} over {0, s, e, gs, ge}. Weights and distances are
   * 128-bit two's complement numbers kept as (high, low) longs: sums of a few unsigned 64-bit bounds
   * need more than 64 bits, and BigInteger here cost more than the rest of the search.
   */
  private static final class Edges {
    int size;
    final int[] from = new int[24];
    final int[] to = new int[24];
    final long[] hi = new long[24];
    final long[] lo = new long[24];

    /** {@code x_a - x_b <= v} (v unsigned). */
    void add(int a, int b, long v) {
      put(a, b, 0, v);
    }

    /** {@code x_a - x_b <= -v} (v unsigned). */
    void addNeg(int a, int b, long v) {
      put(a, b, v == 0 ? 0 : -1, -v);
    }

    private void put(int a, int b, long h, long l) {
      from[size] = a;
      to[size] = b;
      hi[size] = h;
      lo[size] = l;
      size++;
    }

    /** lo <= x <= hi. */
    void bound(int x, long lo, long hi) {
      add(x, ZERO, hi);
      addNeg(ZERO, x, lo);
    }
  }

  private Optional<Witness> leaf(Cube cube) {
    Boolean covers = cube.bools.get(Formula.COVERS);
    Boolean guest = section == Section.CONFLICTS ? cube.bools.get(Formula.GUEST) : Boolean.FALSE;
    for (boolean g : guest == null ? new boolean[] {false, true} : new boolean[] {guest}) {
      for (boolean c : covers == null ? new boolean[] {true, false} : new boolean[] {covers}) {
        if (g && !c) continue;
        long[] values = solveRegion(cube, c, g);
        if (values != null) {
          return witnesses ? Optional.of(witness(cube, values, g)) : FEASIBLE;
        }
      }
    }
    return Optional.empty();
  }

  /** s, e, gs, ge, or null when the region/guest constraints have no solution in this case. */
  private long[] solveRegion(Cube cube, boolean covers, boolean guest) {
    if (fixed == null) {
      fixed = new Edges();
      edges = new Edges();
    }
    fixed.size = 0;
    USet diff;
    if (covers && cube.sizeFull && cube.sizeLow.isAll()) {
      diff = USet.ALL;   // any size from 1 to 2^64: end - start is anything
    } else if (covers) {
      USet low = cube.sizeLow.intersect(USet.atLeast(1));
      List<long[]> parts = new ArrayList<>();
      for (int i = 0; i < low.intervals(); i++) {
        parts.add(new long[] {low.lo(i) - 1, low.hi(i) - 1});
      }
      if (cube.sizeFull) {
        parts.add(new long[] {USet.MAX, USet.MAX});
      }
      diff = USet.EMPTY;
      for (long[] p : parts) {
        diff = union(diff, USet.range(p[0], p[1]));
      }
      if (diff.isEmpty()) return null;
    } else {
      if (!cube.sizeLow.contains(0)) return null;
      fixed.addNeg(END, START, 1);   // e - s <= -1
      diff = null;
    }
    Boolean startIn = cube.bools.get(Formula.START_IN_GUEST);
    Boolean endIn = cube.bools.get(Formula.END_IN_GUEST);
    boolean useGuest = guest || startIn != null || endIn != null;
    if (guest) {
      fixed.add(START, GUEST_END, 0);   // s <= ge
      fixed.add(GUEST_START, END, 0);   // gs <= e
      fixed.add(GUEST_START, GUEST_END, 0);  // gs <= ge
    }
    if (startIn != null) {
      if (startIn) fixed.add(GUEST_START, START, 0); else fixed.addNeg(START, GUEST_START, 1);
    }
    if (endIn != null) {
      if (endIn) fixed.add(END, GUEST_END, 0); else fixed.addNeg(GUEST_END, END, 1);
    }
    USet sd = cube.intDomain(Field.REGION_START);
    USet ed = cube.intDomain(Field.REGION_END);
    USet gsd = useGuest ? cube.intDomain(Field.GUEST_START) : USet.ALL;
    USet ged = useGuest ? cube.intDomain(Field.GUEST_END) : USet.ALL;
    USet dd = diff == null ? USet.ALL : diff;
    boolean needDiff = diff != null && !diff.isAll();
    if (covers && !needDiff) {
      fixed.add(START, END, 0);   // s - e <= 0
    }
    int[] idx = new int[5];
    int[] sizes = {sd.intervals(), ed.intervals(), gsd.intervals(), ged.intervals(), needDiff ? dd.intervals() : 1};
    while (true) {
      tick();
      edges.size = 0;
      for (int k = 0; k < fixed.size; k++) {
        edges.put(fixed.from[k], fixed.to[k], fixed.hi[k], fixed.lo[k]);
      }
      edges.bound(START, sd.lo(idx[0]), sd.hi(idx[0]));
      edges.bound(END, ed.lo(idx[1]), ed.hi(idx[1]));
      if (useGuest) {
        // Otherwise nothing ties the guest range to the region: its least values are 0, as unconstrained.
        edges.bound(GUEST_START, gsd.lo(idx[2]), gsd.hi(idx[2]));
        edges.bound(GUEST_END, ged.lo(idx[3]), ged.hi(idx[3]));
      }
      if (needDiff) {
        // lo <= e - s <= hi
        edges.add(END, START, dd.hi(idx[4]));
        edges.addNeg(START, END, dd.lo(idx[4]));
      }
      long[] sol = bellmanFord(edges, false);
      if (sol != null && tight) {
        // The shortest region ending at the least end: the latest start with end and guest range kept.
        edges.bound(END, sol[SOLVED_END], sol[SOLVED_END]);
        if (useGuest) {
          edges.bound(GUEST_START, sol[SOLVED_GUEST_START], sol[SOLVED_GUEST_START]);
          edges.bound(GUEST_END, sol[SOLVED_GUEST_END], sol[SOLVED_GUEST_END]);
        }
        long[] late = bellmanFord(edges, true);
        if (late != null) sol[SOLVED_START] = late[SOLVED_START];
      }
      if (sol != null) return sol;
      int k = 0;
      while (k < 5 && ++idx[k] == sizes[k]) {
        idx[k] = 0;
        k++;
      }
      if (k == 5) return null;
    }
  }

  private static USet union(USet a, USet b) {
    return a.complement().intersect(b.complement()).complement();
  }

  /**
   * The least solution of the constraints {@code x_a - x_b <= w} with {@code x_Z = 0}: shortest paths
   * over {@code y = -x}, where each constraint is an edge a → b of weight w. Null on a negative cycle.
   * With {@code greatest}, the greatest solution: shortest paths over x, each constraint an edge b → a.
   */
  private long[] bellmanFord(Edges edges, boolean greatest) {
    long[] dHi = distHi;
    long[] dLo = distLo;
    boolean[] set = distSet;
    java.util.Arrays.fill(dHi, 0);
    java.util.Arrays.fill(dLo, 0);
    java.util.Arrays.fill(set, false);
    set[ZERO] = true;
    for (int round = 0; round < 6; round++) {
      boolean changed = false;
      for (int k = 0; k < edges.size; k++) {
        int f = greatest ? edges.to[k] : edges.from[k];
        int t = greatest ? edges.from[k] : edges.to[k];
        if (!set[f]) continue;
        long lo = dLo[f] + edges.lo[k];
        long hi = dHi[f] + edges.hi[k] + (Long.compareUnsigned(lo, dLo[f]) < 0 ? 1 : 0);
        if (!set[t] || hi < dHi[t] || (hi == dHi[t] && Long.compareUnsigned(lo, dLo[t]) < 0)) {
          dHi[t] = hi;
          dLo[t] = lo;
          set[t] = true;
          changed = true;
        }
      }
      if (!changed) {
        if (dHi[ZERO] != 0 || dLo[ZERO] != 0) return null;
        long[] out = greatest ? greatestOut : leastOut;
        for (int v = 1; v <= 4; v++) {
          // x (-dist for the least solution, dist for the greatest) must lie in [0, 2^64 - 1]: its high half is zero.
          long xLo = greatest ? dLo[v] : -dLo[v];
          long xHi = greatest ? dHi[v] : ~dHi[v] + (dLo[v] == 0 ? 1 : 0);
          if (xHi != 0) return null;
          out[v - 1] = xLo;
        }
        return out;
      }
    }
    return null;
  }

  // ---- witnesses ------------------------------------------------------------------------------

  /** The boolean variables of {@code region.prot has} bits 0 to 5 (the bits a witness can show). */
  private static final String[] PROT_BITS = {"region.prot has 0", "region.prot has 1", "region.prot has 2",
      "region.prot has 3", "region.prot has 4", "region.prot has 5"};
  private static final List<Field> DEVICE_NUMBERS =
      Field.of(Field.Kind.INT).stream().filter(f -> f.scope() == Scope.DEVICE).toList();
  private static final List<Field> REGION_ENUMS =
      Field.of(Field.Kind.ENUM).stream().filter(f -> f.scope() == Scope.REGION).toList();
  private static final List<Field> GUEST_ENUMS =
      Field.of(Field.Kind.ENUM).stream().filter(f -> f.scope() == Scope.GUEST).toList();
  private static final List<Field> KERNEL_ENUMS =
      Field.of(Field.Kind.ENUM).stream().filter(f -> f.scope() == Scope.KERNEL).toList();

  /** The witness of a feasible leaf: each field's least value in the cube, the region and guest range solved as {@code v}. */
  private Witness witness(Cube cube, long[] v, boolean guestPresent) {
    FieldValues values = enums(FieldValues.NONE, cube, REGION_ENUMS)
        .with(Field.REGION_START, v[SOLVED_START])
        .with(Field.REGION_END, v[SOLVED_END])
        .with(Field.REGION_PROT, cube.bools.isEmpty() ? 0 : prot(cube));
    if (section == Section.CONFLICTS) {
      return new Witness(section, kernel(cube), null, -1, values.region(), guestPresent ? guest(values, cube, v) : null);
    }
    for (Field f : DEVICE_NUMBERS) {
      values = values.with(f, cube.intDomain(f).min());
    }
    values = deviceIdentity(values, cube);
    List<PciAddress> upstream = cube.bools.isEmpty() ? List.of() : upstream(cube);
    Cube.Fin bdfDomain = cube.fins.get(Formula.BDF);
    PciAddress address = bdfDomain == null && upstream.isEmpty() ? FIRST_ADDRESS : address(bdfDomain, upstream);
    Cube.Fin drivers = cube.fins.get(Field.DEVICE_DRIVER.spelling());
    values = values
        .with(Field.DEVICE_BDF, address)
        .with(Field.DEVICE_DRIVER, drivers == null ? "" : pick(drivers, n -> n == 0 ? "" : "witness-driver-" + n))
        .with(Field.DEVICE_BRIDGE, Boolean.TRUE.equals(cube.bools.get(Formula.BRIDGE)));
    return new Witness(section, kernel(cube), values.device(upstream), values.group(), values.region(), null);
  }

  /**
   * {@code values} with the device's kind, name and HID: the first kind the cube allows, but not PCI
   * when the name must be one of some values (a PCI function's name is its address) and another kind
   * may be had; a HID only where the cube asks for one.
   */
  private static FieldValues deviceIdentity(FieldValues values, Cube cube) {
    int kinds = cube.enums[Field.DEVICE_KIND.slot()];
    Cube.Fin names = cube.fins.get(Field.DEVICE_NAME.spelling());
    if (names != null && names.in() != null && (kinds & Formula.NOT_PCI) != 0) {
      kinds &= Formula.NOT_PCI;
    }
    values = values.with(Field.DEVICE_KIND, Field.DEVICE_KIND.runtimeConstants().get(Integer.numberOfTrailingZeros(kinds)))
        .with(Field.DEVICE_NAME, pick(names, n -> "witness-device-" + n));
    if (Boolean.TRUE.equals(cube.bools.get(Formula.HID_KNOWN))) {
      values = values.with(Field.DEVICE_HID, pick(cube.fins.get(Field.DEVICE_HID.spelling()), n -> "WTNS000" + n));
    }
    return values;
  }

  /**
   * The witness's kernel: the release the cube allows nearest below or at {@link TargetKernel#NEWEST}
   * (else its least), the first backend and driver it allows (no driver unless a test needs one), MSIs
   * isolated unless it says otherwise; built through {@link FieldValues} like the rest of the witness.
   */
  private static TargetKernel kernel(Cube cube) {
    USet versions = cube.intDomain(Field.KERNEL_VERSION);
    FieldValues values = enums(FieldValues.NONE, cube, KERNEL_ENUMS)
        .with(Field.KERNEL_VERSION, nearestBelow(versions, TargetKernel.NEWEST.key()))
        .with(Field.HOST_MSI_ISOLATED, !Boolean.FALSE.equals(cube.bools.get(Field.HOST_MSI_ISOLATED.spelling())));
    int drivers = cube.enums[Field.KERNEL_DRIVER.slot()];
    Boolean known = cube.bools.get(Formula.DRIVER_KNOWN);
    if (Boolean.FALSE.equals(known) || (known == null && drivers == Field.KERNEL_DRIVER.allMask())) {
      values = values.with(Field.KERNEL_DRIVER, null);
    }
    return values.kernel();
  }

  /**
   * The largest release of {@code set} at or below {@code target}, moved down to its series' X.Y.0 where
   * the set holds that too (so a witness reads 6.5, not 6.5.1048575); else the set's least.
   */
  private static long nearestBelow(USet set, long target) {
    long best = set.min();
    for (int i = 0; i < set.intervals(); i++) {
      if (Long.compareUnsigned(set.lo(i), target) > 0) {
        break;
      }
      long top = Long.compareUnsigned(set.hi(i), target) < 0 ? set.hi(i) : target;
      long seriesStart = top & ~(long) KernelRelease.MAX_PART;
      best = Long.compareUnsigned(seriesStart, set.lo(i)) >= 0 ? seriesStart : top;
    }
    return best;
  }

  /** {@code values} with each of the enum {@code fields} set to the first constant the cube allows. */
  private static FieldValues enums(FieldValues values, Cube cube, List<Field> fields) {
    for (Field f : fields) {
      values = values.with(f, f.runtimeConstants().get(Integer.numberOfTrailingZeros(cube.enums[f.slot()])));
    }
    return values;
  }

  // The less common parts of a witness are kept out of witness(), which runs for every query.

  /** The address a witness's device gets when nothing is asked of it. */
  private static final PciAddress FIRST_ADDRESS = PciAddress.of(0, 0, 0, 0);

  private static int prot(Cube cube) {
    int prot = 0;
    for (int i = 0; i < PROT_BITS.length; i++) {
      if (Boolean.TRUE.equals(cube.bools.get(PROT_BITS[i]))) prot |= 1 << i;
    }
    return prot;
  }

  private static GuestRange guest(FieldValues values, Cube cube, long[] v) {
    return enums(values, cube, GUEST_ENUMS)
        .with(Field.GUEST_NAME, pick(cube.fins.get(Field.GUEST_NAME.spelling()), n -> "guest-range-" + n))
        .with(Field.GUEST_START, v[SOLVED_GUEST_START])
        .with(Field.GUEST_END, v[SOLVED_GUEST_END])
        .guest();
  }

  private static List<PciAddress> upstream(Cube cube) {
    List<PciAddress> upstream = new ArrayList<>();
    for (Map.Entry<String, Boolean> b : cube.bools.entrySet()) {
      if (b.getKey().startsWith("device.downstream_of(") && b.getValue()) {
        String addr = b.getKey().substring("device.downstream_of(".length(), b.getKey().length() - 1);
        upstream.add(PciAddress.parse(addr));
      }
    }
    if (upstream.size() > 1) upstream.sort(null);
    return upstream;
  }

  /** The first possible address (in minus out, in order) that is not an upstream bridge, else the first. */
  private static PciAddress address(Cube.Fin bdfDomain, List<PciAddress> upstream) {
    if (bdfDomain != null && bdfDomain.in() != null) {
      PciAddress first = null;
      for (Object a : bdfDomain.in()) {
        if (bdfDomain.out().contains(a)) continue;
        if (first == null) first = (PciAddress) a;
        if (!upstream.contains(a)) {
          return (PciAddress) a;
        }
      }
      return first;
    }
    for (int n = 0; ; n++) {
      PciAddress cand = PciAddress.of(0, (n >> 8) & 0xff, (n >> 3) & 0x1f, n & 7);
      if ((bdfDomain == null || !bdfDomain.out().contains(cand)) && !upstream.contains(cand)) {
        return cand;
      }
    }
  }

  private static Object pick(Cube.Fin domain, java.util.function.IntFunction<String> fresh) {
    if (domain != null && domain.in() != null) {
      for (Object v : domain.in()) {
        if (!domain.out().contains(v)) return v;
      }
    }
    for (int n = 0; ; n++) {
      String cand = fresh.apply(n);
      if (domain == null || !domain.out().contains(cand)) {
        return cand;
      }
    }
  }
}
