package dev.resvc.compiler.analysis;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random policies over small constant pools: every finding's claim is checked against the
 * interpreter (its witness, and many sampled inputs that must never refute it), and rules built to be
 * shadowed, tautological or contradictory are always found.
 */
class AnalysisPropertiesTest {
  private static final PciAddress A = PciAddress.of(0, 0, 2, 0);
  private static final PciAddress B = PciAddress.of(0, 0, 0x1c, 0);
  private int line = 1;

  private Span span() {
    return new Span("random.resv", line++, 1, 1);
  }

  private Cond atom(Random r, Section s) {
    int k = r.nextInt(s == Section.CLASSIFY ? 12 : 8);
    long[] small = {0, 1, 2, 0x10, 0x1000};
    CompareOp op = CompareOp.values()[r.nextInt(CompareOp.values().length)];
    return switch (k) {
      case 0 -> new Cond.EnumIn(span(), Field.REGION_TYPE, 1 + r.nextInt(Field.REGION_TYPE.allMask()));
      case 1 -> new Cond.EnumIn(span(), Field.REGION_SOURCE, 1 + r.nextInt(7));
      case 2 -> new Cond.IntCompare(span(), Field.REGION_SIZE, op, small[r.nextInt(small.length)]);
      case 3 -> new Cond.IntCompare(span(), Field.REGION_START, op, small[r.nextInt(small.length)]);
      case 4 -> new Cond.RegionOverlaps(span(), new AddressRange(r.nextInt(3), 2 + r.nextInt(3)));
      case 5 -> new Cond.RegionWithin(span(), new AddressRange(r.nextInt(3), 2 + r.nextInt(3)));
      case 6 -> new Cond.IntCompare(span(), Field.REGION_END, op, small[r.nextInt(small.length)]);
      case 7 -> s == Section.CONFLICTS
          ? (r.nextBoolean() ? new Cond.GuestIs(span(), 1 + r.nextInt(15)) : new Cond.WithinGuest(span(), 1 + r.nextInt(15)))
          : new Cond.ProtHas(span(), 1 << r.nextInt(2));
      case 8 -> new Cond.IntCompare(span(), Field.DEVICE_VENDOR, op, 1 + r.nextInt(3));
      case 9 -> new Cond.ClassMatch(span(), r.nextBoolean() ? 0x0c0300 : 0x030000, r.nextBoolean() ? 8 : 16);
      case 10 -> new Cond.BdfIn(span(), r.nextBoolean() ? List.of(A) : List.of(A, B));
      default -> r.nextBoolean() ? new Cond.IsTrue(span(), Field.DEVICE_BRIDGE) : new Cond.DownstreamOf(span(), B);
    };
  }

  private Cond cond(Random r, Section s, int depth) {
    if (depth == 0 || r.nextInt(3) == 0) {
      return atom(r, s);
    }
    return switch (r.nextInt(3)) {
      case 0 -> new Cond.And(span(), List.of(cond(r, s, depth - 1), cond(r, s, depth - 1)));
      case 1 -> new Cond.Or(span(), List.of(cond(r, s, depth - 1), cond(r, s, depth - 1)));
      default -> new Cond.Not(span(), cond(r, s, depth - 1));
    };
  }

  private static final List<ClassifyDecision> ACTIONS = List.of(
      ClassifyDecision.keep(new Provenance("x", "random.resv", 1)),
      ClassifyDecision.drop(new Provenance("x", "random.resv", 1)),
      ClassifyDecision.setType(RegionType.DIRECT_RELAXABLE, new Provenance("x", "random.resv", 1)));
  private static final List<ConflictDecision> VERDICTS = List.of(
      ConflictDecision.allow(new Provenance("x", "random.resv", 1)),
      ConflictDecision.report(Severity.WARN, "w", new Provenance("x", "random.resv", 1)));

  private CheckedPolicy policy(Random r, List<Cond> classify, List<Cond> conflicts) {
    List<CheckedPolicy.Rule<ClassifyDecision>> cr = new ArrayList<>();
    for (int i = 0; i < classify.size(); i++) {
      cr.add(CheckedPolicy.Rule.classify("c" + i, span(), classify.get(i), ACTIONS.get(r.nextInt(3))));
    }
    List<CheckedPolicy.Rule<ConflictDecision>> fr = new ArrayList<>();
    for (int i = 0; i < conflicts.size(); i++) {
      fr.add(CheckedPolicy.Rule.conflict("f" + i, span(), conflicts.get(i), VERDICTS.get(r.nextInt(2))));
    }
    return new CheckedPolicy("random.P", "random.resv", cr, ClassifyDecision.keep(Provenance.implicitDefault("random.resv")),
        fr, ConflictDecision.allow(Provenance.implicitDefault("random.resv")), List.of());
  }

  // ---- sampling inputs from the same small pools -------------------------------------------------

  private static long pick(Random r) {
    long[] v = {0, 1, 2, 3, 4, 5, 0xf, 0x10, 0x11, 0xfff, 0x1000, 0x1001, -1L, -2L};
    return v[r.nextInt(v.length)];
  }

  private static Interpreter.Facts sample(Random r, Section s) {
    long start = pick(r);
    long end = r.nextInt(4) == 0 ? pick(r) : start + r.nextInt(6) - 1;
    Region region = Region.ofInclusive(start, end, RegionType.values()[r.nextInt(5)], new Prot(r.nextInt(64)),
        RegionSource.values()[r.nextInt(RegionSource.values().length)]);
    if (s == Section.CLASSIFY) {
      int[] classes = {0x0c0330, 0x030000, 0x020000, 0x0c0000, 0x060400};
      PciDevice d = new PciDevice(r.nextBoolean() ? A : PciAddress.of(0, 1, r.nextInt(32), 0), r.nextInt(5), 0, 0, 0,
          classes[r.nextInt(classes.length)], Optional.empty(), r.nextBoolean(), r.nextBoolean() ? List.of(B) : List.of());
      return new Interpreter.Facts(d, r.nextInt(3), region, null);
    }
    GuestRange g = null;
    if (region.range().isPresent() && r.nextInt(4) != 0) {
      long gs = r.nextBoolean() ? 0 : region.start();
      long ge = r.nextBoolean() ? region.end() : region.end() + r.nextInt(3);
      if (Long.compareUnsigned(ge, region.end()) < 0 || Long.compareUnsigned(ge, gs) < 0) ge = region.end();
      g = new GuestRange("g", GuestKind.values()[r.nextInt(4)], new AddressRange(gs, ge));
    }
    return new Interpreter.Facts(null, -1, region, g);
  }

  private static int firstMatch(List<Cond> conds, Interpreter.Facts f) {
    for (int i = 0; i < conds.size(); i++) {
      if (Interpreter.eval(conds.get(i), f)) return i;
    }
    return conds.size();
  }

  @Test
  void everyFindingIsConfirmedByTheInterpreter() {
    Random r = new Random(20261125);
    int findings = 0;
    for (int round = 0; round < 150; round++) {
      List<Cond> classify = new ArrayList<>();
      List<Cond> conflicts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        classify.add(cond(r, Section.CLASSIFY, 3));
        conflicts.add(cond(r, Section.CONFLICTS, 3));
      }
      CheckedPolicy p = policy(r, classify, conflicts);
      for (Linter.Finding f : Linter.analyse(p)) {
        findings++;
        List<Cond> conds = f.section() == Section.CLASSIFY ? classify : conflicts;
        confirm(f, conds, r);
      }
    }
    assertThat(findings).isGreaterThan(50);
  }

  private static void confirm(Linter.Finding f, List<Cond> conds, Random r) {
    String what = f.diagnostic().toString();
    f.witness().ifPresent(w -> assertWithMessage(what).that(Analyzer.inDomain(w.facts(), f.section())).isTrue());
    int rule = f.rules().get(0);
    switch (f.code().id()) {
      case "W201", "W202" -> {
        boolean claim = f.code().id().equals("W201");
        f.witness().ifPresent(w -> assertWithMessage(what).that(Interpreter.eval(f.subject().get(), w.facts())).isEqualTo(claim));
        for (int i = 0; i < 300; i++) {
          Interpreter.Facts x = sample(r, f.section());
          assertWithMessage(what + " refuted by " + x).that(Interpreter.eval(f.subject().get(), x)).isEqualTo(claim);
        }
      }
      case "W203", "W204" -> {
        Interpreter.Facts w = f.witness().orElseThrow().facts();
        assertWithMessage(what).that(Interpreter.eval(conds.get(rule), w)).isTrue();
        assertWithMessage(what).that(firstMatch(conds, w)).isLessThan(rule);
        for (int i = 0; i < 300; i++) {
          assertWithMessage(what).that(firstMatch(conds, sample(r, f.section()))).isNotEqualTo(rule);
        }
      }
      case "W205" -> {
        for (int i = 0; i < 300; i++) {
          assertWithMessage(what).that(firstMatch(conds, sample(r, f.section()))).isLessThan(conds.size());
        }
      }
      case "I201" -> {
        Interpreter.Facts w = f.witness().orElseThrow().facts();
        int other = f.rules().get(1);
        assertWithMessage(what).that(firstMatch(conds, w)).isEqualTo(other);
        assertWithMessage(what).that(Interpreter.eval(conds.get(rule), w)).isTrue();
      }
      case "I203" -> {
        Interpreter.Facts w = f.witness().orElseThrow().facts();
        assertWithMessage(what).that(firstMatch(conds, w)).isEqualTo(rule < 0 ? conds.size() : rule);
        assertThat(w.region().source()).isEqualTo(RegionSource.RMRR);
        // a device that is not PCI has no class: neither USB nor display
        if (w.device() instanceof PciDevice pci) {
          int cls = pci.classCode();
          assertThat(cls >>> 8 == 0x0c03 || cls >>> 16 == 0x03).isFalse();
        }
      }
      case "I202" -> { }
      default -> throw new AssertionError("unexpected finding " + what);
    }
  }

  @Test
  void constructedShadowedTautologicalAndContradictoryRulesAreFound() {
    Random r = new Random(7);
    for (int round = 0; round < 100; round++) {
      Section s = round % 2 == 0 ? Section.CLASSIFY : Section.CONFLICTS;
      Cond c = cond(r, s, 2);
      Cond d = cond(r, s, 2);
      Cond taut = new Cond.Or(span(), List.of(c, new Cond.Not(span(), c)));
      Cond contra = new Cond.And(span(), List.of(d, new Cond.Not(span(), d)));
      Cond first = cond(r, s, 2);
      Cond narrower = new Cond.And(span(), List.of(cond(r, s, 1), first));
      List<Cond> rules = List.of(first, narrower, contra);
      CheckedPolicy p = s == Section.CLASSIFY ? policy(r, rules, List.of()) : policy(r, List.of(), rules);
      List<Linter.Finding> fs = Linter.analyse(p);
      boolean firstSat = new Analyzer(s).check(Analyzer.Lit.yes(first)).sat();
      boolean narrowerSat = new Analyzer(s).check(Analyzer.Lit.yes(narrower)).sat();
      if (firstSat && narrowerSat) {
        assertWithMessage(fs.toString()).that(fs.stream().anyMatch(
            f -> (f.code().id().equals("W203") || f.code().id().equals("W204")) && f.rules().get(0) == 1)).isTrue();
      }
      // The contradiction is reported on itself, or on the part of it that is constant.
      assertWithMessage(fs.toString()).that(fs.stream().anyMatch(
          f -> (f.code().id().equals("W202") || f.code().id().equals("W201")) && f.rules().get(0) == 2)).isTrue();
      Analyzer a = new Analyzer(s);
      assertThat(a.check(Analyzer.Lit.no(taut)).unsat()).isTrue();
      assertThat(a.check(Analyzer.Lit.yes(contra)).unsat()).isTrue();
      CheckedPolicy t = s == Section.CLASSIFY ? policy(r, List.of(taut), List.of()) : policy(r, List.of(), List.of(taut));
      assertThat(Linter.analyse(t).stream().anyMatch(f -> f.code().id().equals("W201") || f.code().id().equals("W205"))).isTrue();
    }
  }

  @Test
  void aThousandRulePolicyIsLinted() {
    Random r = new Random(1);
    List<Cond> rules = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rules.add(new Cond.And(span(), List.of(
          new Cond.IntCompare(span(), Field.DEVICE_VENDOR, CompareOp.EQ, i),
          new Cond.EnumIn(span(), Field.REGION_SOURCE, 1 << RegionSource.RMRR.ordinal()))));
    }
    rules.add(new Cond.IntCompare(span(), Field.DEVICE_VENDOR, CompareOp.EQ, 5));
    CheckedPolicy p = policy(r, rules, List.of());
    List<Linter.Finding> fs = Linter.analyse(p);
    assertThat(fs.stream().filter(f -> f.code().id().equals("I204")).toList()).isEmpty();
    assertThat(fs.stream().anyMatch(f -> f.code().id().startsWith("W20") && f.rules().get(0) == 1000)).isFalse();
  }
}
