package dev.resvc.compiler.analysis;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
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
 * The linter's indexed path (signatures, the point index, lazy overlap queries) against its reference
 * path (every pair through the solver, every query with all earlier rules): the same findings, in the
 * same order, with the same messages, notes and witnesses, except that an I201 or I203 witness may be
 * another input, which the interpreter must confirm. Also the soundness of what the index rests on: a
 * signature admits every input its condition holds on.
 */
class IndexedLintTest {
  private static final PciAddress A = PciAddress.of(0, 0, 2, 0);
  private static final PciAddress B = PciAddress.of(0, 0, 0x1c, 0);
  private static final PciAddress C = PciAddress.of(0, 3, 0, 1);
  private static final long[] SMALL = {0, 1, 2, 3, 0x10, 0x1000, -2L, -1L};
  private int line = 1;

  private Span span() {
    return new Span("random.resv", line++, 1, 1);
  }

  // ---- random conditions over small pools of constants, every kind of test ---------------------

  private Cond atom(Random r, Section s) {
    CompareOp op = CompareOp.values()[r.nextInt(CompareOp.values().length)];
    long v = SMALL[r.nextInt(SMALL.length)];
    int k = r.nextInt(s == Section.CLASSIFY ? 19 : 12);
    return switch (k) {
      case 0 -> new Cond.EnumIn(span(), Field.REGION_TYPE, r.nextInt(Field.REGION_TYPE.allMask() + 1));
      case 1 -> new Cond.EnumIn(span(), Field.REGION_SOURCE, 1 + r.nextInt(7));
      case 2 -> new Cond.IntCompare(span(), Field.REGION_SIZE, op, v);
      case 3 -> new Cond.IntCompare(span(), Field.REGION_START, op, v);
      case 4 -> new Cond.IntCompare(span(), Field.REGION_END, op, v);
      case 5 -> new Cond.RegionOverlaps(span(), new AddressRange(r.nextInt(3), 2 + r.nextInt(3)));
      case 6 -> new Cond.RegionWithin(span(), new AddressRange(r.nextInt(3), 2 + r.nextInt(3)));
      case 7 -> new Cond.IntInRange(span(), Field.REGION_START, r.nextInt(3), 1 + r.nextInt(3));
      case 8 -> new Cond.ProtHas(span(), 1 << r.nextInt(2));
      case 9 -> new Cond.GuestIs(span(), 1 + r.nextInt(15));
      case 10 -> new Cond.WithinGuest(span(), 1 + r.nextInt(15));
      case 11 -> switch (r.nextInt(3)) {
        case 0 -> new Cond.StringIn(span(), Field.GUEST_NAME, List.of("g"));
        case 1 -> new Cond.EnumIn(span(), Field.GUEST_KIND, 1 + r.nextInt(Field.GUEST_KIND.allMask()));
        default -> new Cond.IntCompare(span(), r.nextBoolean() ? Field.GUEST_START : Field.GUEST_END, op, v);
      };
      case 12 -> new Cond.IntCompare(span(), Field.DEVICE_VENDOR, op, r.nextInt(4));
      case 13 -> new Cond.IntInSet(span(), Field.DEVICE_VENDOR, r.nextBoolean() ? List.of(1L, 2L) : List.of(0L, 3L));
      case 14 -> new Cond.ClassMatch(span(), r.nextBoolean() ? 0x0c0300 : 0x030000, r.nextBoolean() ? 8 : 16);
      case 15 -> new Cond.BdfIn(span(), r.nextBoolean() ? List.of(A) : List.of(A, B));
      case 16 -> new Cond.StringIn(span(), Field.DEVICE_DRIVER, r.nextBoolean() ? List.of("x") : List.of("", "x"));
      case 17 -> new Cond.IntInRange(span(), r.nextBoolean() ? Field.DEVICE_ID : Field.DEVICE_GROUP, r.nextInt(3),
          1 + r.nextInt(3));
      default -> r.nextBoolean() ? new Cond.IsTrue(span(), Field.DEVICE_BRIDGE) : new Cond.DownstreamOf(span(), B);
    };
  }

  private Cond cond(Random r, Section s, int depth) {
    if (depth == 0 || r.nextInt(3) == 0) {
      return atom(r, s);
    }
    return switch (r.nextInt(5)) {
      case 0, 1 -> new Cond.And(span(), List.of(cond(r, s, depth - 1), cond(r, s, depth - 1)));
      case 2 -> new Cond.Or(span(), List.of(cond(r, s, depth - 1), cond(r, s, depth - 1)));
      case 3 -> new Cond.PredicateRef(span(), "p", cond(r, s, depth - 1));
      default -> new Cond.Not(span(), cond(r, s, depth - 1));
    };
  }

  private static final Provenance AT = new Provenance("x", "random.resv", 1);
  private static final List<ClassifyDecision> ACTIONS = List.of(ClassifyDecision.keep(AT), ClassifyDecision.drop(AT),
      ClassifyDecision.setType(RegionType.DIRECT_RELAXABLE, AT), ClassifyDecision.setType(RegionType.RESERVED, AT));
  private static final List<ConflictDecision> VERDICTS = List.of(ConflictDecision.allow(AT),
      ConflictDecision.report(Severity.WARN, "w", AT));

  private static CheckedPolicy policy(Random r, List<Cond> classify, List<Cond> conflicts) {
    List<CheckedPolicy.Rule<ClassifyDecision>> cr = new ArrayList<>();
    for (int i = 0; i < classify.size(); i++) {
      cr.add(CheckedPolicy.Rule.classify("c" + i, new Span("random.resv", 10_000 + i, 3, 4), classify.get(i),
          ACTIONS.get(r.nextInt(ACTIONS.size()))));
    }
    List<CheckedPolicy.Rule<ConflictDecision>> fr = new ArrayList<>();
    for (int i = 0; i < conflicts.size(); i++) {
      fr.add(CheckedPolicy.Rule.conflict("f" + i, new Span("random.resv", 20_000 + i, 3, 4), conflicts.get(i),
          VERDICTS.get(r.nextInt(VERDICTS.size()))));
    }
    return new CheckedPolicy("random.P", "random.resv", cr, ClassifyDecision.keep(Provenance.implicitDefault("random.resv")),
        fr, ConflictDecision.allow(Provenance.implicitDefault("random.resv")), List.of());
  }

  // ---- inputs from the same pools ----------------------------------------------------------------

  private static Interpreter.Facts sample(Random r, Section s) {
    long start = SMALL[r.nextInt(SMALL.length)];
    long end = r.nextInt(3) == 0 ? SMALL[r.nextInt(SMALL.length)] : start + r.nextInt(6) - 1;
    Region region = Region.ofInclusive(start, end, RegionType.values()[r.nextInt(RegionType.values().length)],
        new Prot(r.nextInt(64)), RegionSource.values()[r.nextInt(RegionSource.values().length)]);
    if (s == Section.CLASSIFY) {
      int[] classes = {0x0c0330, 0x030000, 0x020000, 0x0c0000, 0x060400};
      PciAddress[] addresses = {A, B, C, PciAddress.of(0, 1, 0, 0)};
      PciDevice d = new PciDevice(addresses[r.nextInt(addresses.length)], r.nextInt(4), r.nextInt(5), 0, 0,
          classes[r.nextInt(classes.length)], r.nextBoolean() ? Optional.empty() : Optional.of(r.nextBoolean() ? "x" : "y"),
          r.nextBoolean(), r.nextBoolean() ? List.of(B) : List.of());
      return new Interpreter.Facts(d, r.nextInt(4), region, null);
    }
    GuestRange g = null;
    if (region.range().isPresent() && r.nextInt(4) != 0) {
      long gs = r.nextBoolean() ? 0 : region.start();
      long ge = r.nextBoolean() ? region.end() : region.end() + r.nextInt(3);
      if (Long.compareUnsigned(ge, region.end()) < 0 || Long.compareUnsigned(ge, gs) < 0) ge = region.end();
      g = new GuestRange(r.nextBoolean() ? "g" : "h", GuestKind.values()[r.nextInt(GuestKind.values().length)],
          new AddressRange(gs, ge));
    }
    return new Interpreter.Facts(null, -1, region, g);
  }

  // ---- the comparison ----------------------------------------------------------------------------

  private static void assertSameFindings(CheckedPolicy p) {
    List<Linter.Finding> indexed = Linter.analyse(p, Analyzer.DEFAULT_BUDGET, false);
    List<Linter.Finding> reference = Linter.analyse(p, Analyzer.DEFAULT_BUDGET, true);
    assertWithMessage("findings of " + p.name()).that(indexed.size()).isEqualTo(reference.size());
    for (int k = 0; k < indexed.size(); k++) {
      Linter.Finding x = indexed.get(k);
      Linter.Finding y = reference.get(k);
      if (!x.code().equals(Code.ORDER_DECIDES) && !x.code().equals(Code.REVIEW_RELAXED_RMRR)) {
        assertThat(x).isEqualTo(y);
        continue;
      }
      // Everything but the witness is the same; the last note is the witness.
      Diagnostic dx = x.diagnostic();
      Diagnostic dy = y.diagnostic();
      int last = dx.notes().size() - 1;
      assertThat(List.of(dx.code(), dx.severity(), dx.span(), dx.message(), dx.notes().subList(0, last), last))
          .isEqualTo(List.of(dy.code(), dy.severity(), dy.span(), dy.message(), dy.notes().subList(0, last),
              dy.notes().size() - 1));
      assertThat(List.of(x.section(), x.subject(), x.rules())).isEqualTo(List.of(y.section(), y.subject(), y.rules()));
      Interpreter.Facts w = x.witness().orElseThrow().facts();
      assertThat(Analyzer.inDomain(w, x.section())).isTrue();
      List<Cond> conds = x.section() == Section.CLASSIFY
          ? p.classifyRules().stream().map(CheckedPolicy.Rule::condition).toList()
          : p.conflictRules().stream().map(CheckedPolicy.Rule::condition).toList();
      int first = 0;
      while (first < conds.size() && !Interpreter.eval(conds.get(first), w)) first++;
      int rule = x.rules().get(0);
      if (x.code().equals(Code.ORDER_DECIDES)) {
        // Rule i decides the witness and rule j matches it.
        assertThat(dx.notes().get(last).message()).isEqualTo("witness (both match): " + x.witness().get().text());
        assertWithMessage(dx.toString()).that(first).isEqualTo(x.rules().get(1));
        assertWithMessage(dx.toString()).that(Interpreter.eval(conds.get(rule), w)).isTrue();
      } else {
        // The rule (or the default) decides an RMRR of a device neither USB nor display.
        assertThat(dx.notes().get(last).message()).isEqualTo("witness (relaxed): " + x.witness().get().text());
        assertWithMessage(dx.toString()).that(first).isEqualTo(rule < 0 ? conds.size() : rule);
        assertThat(w.region().source()).isEqualTo(RegionSource.RMRR);
        // a device that is not PCI has no class: neither USB nor display
        if (w.device() instanceof PciDevice pci) {
          int cls = pci.classCode();
          assertThat(cls >>> 8 == 0x0c03 || cls >>> 16 == 0x03).isFalse();
        }
      }
    }
  }

  @Test
  void randomPoliciesHaveTheSameFindingsIndexedAndNot() {
    Random r = new Random(20261126);
    int findings = 0;
    for (int round = 0; round < 300; round++) {
      int n = 2 + r.nextInt(round < 200 ? 8 : 24);
      List<Cond> classify = new ArrayList<>();
      List<Cond> conflicts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        classify.add(cond(r, Section.CLASSIFY, 1 + r.nextInt(3)));
        conflicts.add(cond(r, Section.CONFLICTS, 1 + r.nextInt(3)));
      }
      CheckedPolicy p = policy(r, classify, conflicts);
      assertSameFindings(p);
      findings += Linter.analyse(p).size();
    }
    assertThat(findings).isGreaterThan(2000);
  }

  /** Rules like the benchmark's rule mix: vendor, device, class, bdf, source and range tests. */
  @Test
  void aRuleMixHasTheSameFindingsIndexedAndNot() {
    Random r = new Random(5);
    int[] vendors = {0x8086, 0x10de, 0x1002, 0x14e4};
    int[] classes = {0x0c0300, 0x030000, 0x010800, 0x0c0500, 0x020000};
    int rmrr = 1 << RegionSource.RMRR.ordinal();
    int ivmd = 1 << RegionSource.IVMD.ordinal();
    List<Cond> rules = new ArrayList<>();
    for (int i = 0; i < 180; i++) {
      Span s = span();
      Cond vendor = new Cond.IntCompare(s, Field.DEVICE_VENDOR, CompareOp.EQ, vendors[r.nextInt(vendors.length)]);
      Cond device = new Cond.IntCompare(s, Field.DEVICE_ID, CompareOp.EQ, 0x1000 + i * 7);
      int cls = classes[r.nextInt(classes.length)];
      long window = 0x1_0000_0000L + i * 0x10_0000L;
      AddressRange range = new AddressRange(window, window + 0xf_ffffL);
      rules.add(switch (i % 7) {
        case 0 -> new Cond.And(s, List.of(new Cond.EnumIn(s, Field.REGION_SOURCE, rmrr), vendor,
            new Cond.ClassMatch(s, cls, 16), device));
        case 1 -> new Cond.And(s, List.of(vendor, device));
        case 2 -> new Cond.And(s, List.of(new Cond.EnumIn(s, Field.REGION_SOURCE, rmrr | ivmd),
            new Cond.BdfIn(s, List.of(PciAddress.of(0, i / 32, i % 32, r.nextInt(8))))));
        case 3 -> new Cond.And(s, List.of(new Cond.EnumIn(s, Field.REGION_SOURCE, rmrr), new Cond.RegionWithin(s, range)));
        case 4 -> new Cond.And(s, List.of(vendor, new Cond.IntInRange(s, Field.REGION_START, range.start(), range.end())));
        case 5 -> new Cond.And(s, List.of(new Cond.ClassMatch(s, cls, 8),
            new Cond.EnumIn(s, Field.REGION_TYPE, 1 << RegionType.DIRECT.ordinal()), new Cond.RegionOverlaps(s, range)));
        // Copies of earlier rules (shadowed or redundant), and an `or` with a `not`.
        default -> i % 14 == 6 ? rules.get(i - 5) : new Cond.Or(s, List.of(new Cond.And(s, List.of(vendor, device)),
            new Cond.And(s, List.of(new Cond.ClassMatch(s, cls, 16), new Cond.Not(s,
                new Cond.EnumIn(s, Field.REGION_SOURCE, rmrr)), device))));
      });
    }
    CheckedPolicy p = policy(r, rules, List.of());
    assertSameFindings(p);
    List<Linter.Finding> fs = Linter.analyse(p);
    assertThat(fs.stream().filter(f -> f.code().equals(Code.ORDER_DECIDES)).count()).isGreaterThan(1000L);
    assertThat(fs.stream().filter(f -> f.code().equals(Code.RULE_NEVER_FIRES) || f.code().equals(Code.REDUNDANT_RULE)).count())
        .isGreaterThan(0L);
  }

  // ---- what the index rests on -------------------------------------------------------------------

  @Test
  void aSignatureAdmitsEveryInputItsConditionHoldsOn() {
    Random r = new Random(11);
    for (int round = 0; round < 200; round++) {
      Section s = round % 2 == 0 ? Section.CLASSIFY : Section.CONFLICTS;
      List<Cond> conds = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        conds.add(cond(r, s, 1 + r.nextInt(3)));
      }
      Signature[] sigs = conds.stream().map(Signature::of).toArray(Signature[]::new);
      PointIndex index = new PointIndex(sigs);
      for (int k = 0; k < 200; k++) {
        Interpreter.Facts f = sample(r, s);
        long[] candidates = index.candidates(f, conds.size());
        List<Integer> holding = new ArrayList<>();
        for (int i = 0; i < conds.size(); i++) {
          if (Interpreter.eval(conds.get(i), f)) holding.add(i);
        }
        for (int i : holding) {
          if ((candidates[i >>> 6] & (1L << i)) == 0) {
            assertWithMessage("not a candidate: " + conds.get(i) + " on " + f).fail();
          }
          for (int j : holding) {
            if (Signature.disjoint(sigs[i], sigs[j])) {
              assertWithMessage("disjoint: " + conds.get(i) + " and " + conds.get(j) + " on " + f).fail();
            }
          }
        }
      }
    }
  }
}
