package dev.resvc.compiler.analysis;

import dev.resvc.compiler.analysis.Formula.All;
import dev.resvc.compiler.analysis.Formula.Any;
import dev.resvc.compiler.analysis.Formula.Atom;
import dev.resvc.compiler.analysis.Formula.Const;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.IntField;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.math.BigInteger;
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

  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final int Z = 0;
  private static final int S = 1;
  private static final int E = 2;
  private static final int GS = 3;
  private static final int GE = 4;

  private final Section section;
  private final long budget;
  private long steps;

  Solver(Section section, long budget) {
    this.section = section;
    this.budget = budget;
  }

  /** A satisfying witness, or empty when there is none; throws {@link OutOfBudget}. */
  Optional<Witness> solve(Formula f) {
    steps = 0;
    return search(Cube.initial(), List.of(f));
  }

  private void tick() {
    if (++steps > budget) {
      throw new OutOfBudget();
    }
  }

  private Optional<Witness> search(Cube start, List<Formula> work0) {
    tick();
    Cube cube = start;
    List<Formula> work = new ArrayList<>(work0);
    List<List<Formula>> ors = new ArrayList<>();
    while (true) {
      while (!work.isEmpty()) {
        Formula f = work.remove(work.size() - 1);
        if (f instanceof Const c) {
          if (!c.value()) return Optional.empty();
        } else if (f instanceof Atom a) {
          cube = cube.add(a);
          if (cube == null) return Optional.empty();
        } else if (f instanceof All a) {
          work.addAll(a.terms());
        } else if (f instanceof Any a) {
          ors.add(a.terms());
        }
      }
      List<List<Formula>> kept = new ArrayList<>();
      boolean unit = false;
      for (List<Formula> or : ors) {
        tick();
        List<Formula> open = new ArrayList<>();
        boolean satisfied = false;
        for (Formula d : or) {
          Cube.Status st = status(d, cube);
          if (st == Cube.Status.TRUE) {
            satisfied = true;
            break;
          }
          if (st == Cube.Status.UNKNOWN) {
            open.add(d);
          }
        }
        if (satisfied) continue;
        if (open.isEmpty()) return Optional.empty();
        if (open.size() == 1) {
          work.add(open.get(0));
          unit = true;
        } else {
          kept.add(open);
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
    java.util.Map<Formula, Integer> counts = new java.util.HashMap<>();
    for (List<Formula> or : ors) {
      for (Formula d : or) {
        counts.merge(d, 1, Integer::sum);
      }
    }
    List<Formula> chosen = new ArrayList<>(ors.get(best));
    chosen.sort((x, y) -> Integer.compare(counts.get(y), counts.get(x)));
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

  private record Edge(int from, int to, BigInteger w) {}

  private Optional<Witness> leaf(Cube cube) {
    Boolean covers = cube.bools.get(Formula.COVERS);
    Boolean guest = section == Section.CONFLICTS ? cube.bools.get(Formula.GUEST) : Boolean.FALSE;
    for (boolean g : guest == null ? new boolean[] {false, true} : new boolean[] {guest}) {
      for (boolean c : covers == null ? new boolean[] {true, false} : new boolean[] {covers}) {
        if (g && !c) continue;
        long[] values = solveRegion(cube, c, g);
        if (values != null) {
          return Optional.of(witness(cube, values, g));
        }
      }
    }
    return Optional.empty();
  }

  /** s, e, gs, ge, or null when the region/guest constraints have no solution in this case. */
  private long[] solveRegion(Cube cube, boolean covers, boolean guest) {
    List<Edge> fixed = new ArrayList<>();
    USet diff;
    if (covers) {
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
      fixed.add(edge(E, S, BigInteger.ONE.negate()));   // e - s <= -1
      diff = null;
    }
    Boolean startIn = cube.bools.get(Formula.START_IN_GUEST);
    Boolean endIn = cube.bools.get(Formula.END_IN_GUEST);
    boolean useGuest = guest || startIn != null || endIn != null;
    if (guest) {
      fixed.add(edge(S, GE, BigInteger.ZERO));   // s <= ge
      fixed.add(edge(GS, E, BigInteger.ZERO));   // gs <= e
      fixed.add(edge(GS, GE, BigInteger.ZERO));  // gs <= ge
    }
    if (startIn != null) {
      fixed.add(startIn ? edge(GS, S, BigInteger.ZERO) : edge(S, GS, BigInteger.ONE.negate()));
    }
    if (endIn != null) {
      fixed.add(endIn ? edge(E, GE, BigInteger.ZERO) : edge(GE, E, BigInteger.ONE.negate()));
    }
    USet sd = cube.intDomain(IntField.REGION_START);
    USet ed = cube.intDomain(IntField.REGION_END);
    USet gsd = useGuest ? cube.intDomain(IntField.GUEST_START) : USet.ALL;
    USet ged = useGuest ? cube.intDomain(IntField.GUEST_END) : USet.ALL;
    USet dd = diff == null ? USet.ALL : diff;
    boolean needDiff = diff != null && !diff.isAll();
    if (covers && !needDiff) {
      fixed.add(edge(S, E, BigInteger.ZERO));   // s - e <= 0
    }
    int[] idx = new int[5];
    int[] sizes = {sd.intervals(), ed.intervals(), gsd.intervals(), ged.intervals(), needDiff ? dd.intervals() : 1};
    while (true) {
      tick();
      List<Edge> edges = new ArrayList<>(fixed);
      bound(edges, S, sd.lo(idx[0]), sd.hi(idx[0]));
      bound(edges, E, ed.lo(idx[1]), ed.hi(idx[1]));
      bound(edges, GS, gsd.lo(idx[2]), gsd.hi(idx[2]));
      bound(edges, GE, ged.lo(idx[3]), ged.hi(idx[3]));
      if (needDiff) {
        // lo <= e - s <= hi
        edges.add(edge(E, S, unsigned(dd.hi(idx[4]))));
        edges.add(edge(S, E, unsigned(dd.lo(idx[4])).negate()));
      }
      long[] sol = bellmanFord(edges);
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

  private static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  /** The constraint {@code x_a - x_b <= w}. */
  private static Edge edge(int a, int b, BigInteger w) {
    return new Edge(a, b, w);
  }

  private static void bound(List<Edge> edges, int x, long lo, long hi) {
    edges.add(edge(x, Z, unsigned(hi)));             // x - 0 <= hi
    edges.add(edge(Z, x, unsigned(lo).negate()));    // 0 - x <= -lo
  }

  /**
   * The least solution of the constraints {@code x_a - x_b <= w} with {@code x_Z = 0}: shortest paths
   * over {@code y = -x}, where each constraint is an edge a → b of weight w. Null on a negative cycle.
   */
  private static long[] bellmanFord(List<Edge> edges) {
    BigInteger[] dist = new BigInteger[5];
    dist[Z] = BigInteger.ZERO;
    for (int round = 0; round < 6; round++) {
      boolean changed = false;
      for (Edge ed : edges) {
        if (dist[ed.from()] == null) continue;
        BigInteger nd = dist[ed.from()].add(ed.w());
        if (dist[ed.to()] == null || nd.compareTo(dist[ed.to()]) < 0) {
          dist[ed.to()] = nd;
          changed = true;
        }
      }
      if (!changed) {
        long[] out = new long[4];
        for (int v = 1; v <= 4; v++) {
          BigInteger x = dist[v].negate();
          if (x.signum() < 0 || x.compareTo(MAX) > 0 || dist[Z].signum() != 0) return null;
          out[v - 1] = x.longValue();
        }
        return out;
      }
    }
    return null;
  }

  // ---- witnesses ------------------------------------------------------------------------------

  private Witness witness(Cube cube, long[] v, boolean guestPresent) {
    long s = v[0];
    long e = v[1];
    RegionType type = RegionType.values()[Integer.numberOfTrailingZeros(cube.enums[EnumField.REGION_TYPE.ordinal()])];
    RegionSource source =
        RegionSource.values()[Integer.numberOfTrailingZeros(cube.enums[EnumField.REGION_SOURCE.ordinal()])];
    int prot = 0;
    for (int i = 0; i < 6; i++) {
      if (Boolean.TRUE.equals(cube.bools.get("region.prot has " + i))) prot |= 1 << i;
    }
    Region region = new Region(s, e - s + 1, type, new Prot(prot), source);
    if (section == Section.CONFLICTS) {
      GuestRange g = null;
      if (guestPresent) {
        GuestKind kind = GuestKind.values()[Integer.numberOfTrailingZeros(cube.enums[EnumField.GUEST_KIND.ordinal()])];
        String name = (String) pick(cube.fins.get(Formula.GUEST_NAME), n -> "guest-range-" + n);
        g = new GuestRange(name, kind, new AddressRange(v[2], v[3]));
      }
      return new Witness(section, null, -1, region, g);
    }
    List<PciAddress> upstream = new ArrayList<>();
    for (Map.Entry<String, Boolean> b : cube.bools.entrySet()) {
      if (b.getKey().startsWith("device.downstream_of(") && b.getValue()) {
        String addr = b.getKey().substring("device.downstream_of(".length(), b.getKey().length() - 1);
        upstream.add(PciAddress.parse(addr));
      }
    }
    upstream.sort(null);
    Cube.Fin bdfDomain = cube.fins.get(Formula.BDF);
    PciAddress address;
    Set<Object> possible = bdfDomain == null ? null : bdfDomain.possible();
    if (possible != null) {
      address = (PciAddress) possible.stream().filter(a -> !upstream.contains(a)).findFirst()
          .orElse(possible.iterator().next());
    } else {
      address = null;
      for (int n = 0; address == null; n++) {
        PciAddress cand = PciAddress.of(0, (n >> 8) & 0xff, (n >> 3) & 0x1f, n & 7);
        if ((bdfDomain == null || !bdfDomain.out().contains(cand)) && !upstream.contains(cand)) {
          address = cand;
        }
      }
    }
    String driver = (String) pick(cube.fins.get(Formula.DRIVER), n -> n == 0 ? "" : "witness-driver-" + n);
    PciDevice device = new PciDevice(address,
        (int) cube.intDomain(IntField.DEVICE_VENDOR).min(),
        (int) cube.intDomain(IntField.DEVICE_ID).min(),
        (int) cube.intDomain(IntField.DEVICE_SUBSYSTEM_VENDOR).min(),
        (int) cube.intDomain(IntField.DEVICE_SUBSYSTEM_DEVICE).min(),
        (int) cube.intDomain(IntField.DEVICE_CLASS).min(),
        driver.isEmpty() ? Optional.empty() : Optional.of(driver),
        Boolean.TRUE.equals(cube.bools.get(Formula.BRIDGE)),
        upstream);
    return new Witness(section, device, (int) cube.intDomain(IntField.DEVICE_GROUP).min(), region, null);
  }

  private static Object pick(Cube.Fin domain, java.util.function.IntFunction<String> fresh) {
    Set<Object> possible = domain == null ? null : domain.possible();
    if (possible != null) {
      return possible.iterator().next();
    }
    for (int n = 0; ; n++) {
      String cand = fresh.apply(n);
      if (domain == null || !domain.out().contains(cand)) {
        return cand;
      }
    }
  }
}
