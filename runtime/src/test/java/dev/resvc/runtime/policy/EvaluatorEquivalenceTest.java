package dev.resvc.runtime.policy;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both paths of the evaluator against {@link EagerEvaluator}, the code they replaced, on random hosts,
 * guests, apertures and {@linkplain ScatterPolicy policies}: {@link Evaluator#explain} must give the
 * oracle's explanation (equal, printing the same, the same messages) and {@link Evaluator#evaluate}
 * its verdict; an evaluation that throws must throw the same way in all three.
 */
class EvaluatorEquivalenceTest {
  /** {start, length} pairs that meet each other and the guests' edges; length 0 at 0 is the whole space. */
  private static final long[][] REGIONS = {
      {0x3e2e0000L, 0x20000L}, {0x3e2f0000L, 0x10000L}, {0x3e300000L, 0x1000L}, {0xfee00000L, 0x100000L},
      {0, 0x1000000L}, {0x100000000L, 0x40000000L}, {0xfffffffffffff000L, 0x1000L}, {-1L, 1}, {0x1000L, 0},
      {0, 0}, {0xfffffffffff00000L, 0x200000L}, {0xfec00000L, 0x1000L}, {0x80000000L, 0x10000000L},
      {0x7ffff000L, 0x2000L}, {0xb0000000L, 0x20000000L}, {0x000e8000L, 0x1000L}};

  private static final String CONTEXT = "case %s\nhost %s\nguest %s, aperture %s, kernel %s";

  /**
   * The kernels the cases cycle through: every era and backend of the steps, MSIs isolated or not
   * (docs/kernel-eras.md §1, §2, §7, §8).
   */
  private static final TargetKernel[] KERNELS = {
      TargetKernel.newest(),
      TargetKernel.newest().withRelease(KernelRelease.of(4, 19)),
      TargetKernel.newest().withRelease(KernelRelease.of(5, 4)),
      TargetKernel.newest().withRelease(KernelRelease.of(6, 5)),
      TargetKernel.newest().withRelease(KernelRelease.of(6, 2)).withBackend(Backend.IOMMUFD),
      TargetKernel.newest().withBackend(Backend.IOMMUFD),
      new TargetKernel(KernelRelease.of(6, 8), Backend.VFIO_TYPE1, Optional.of(IommuDriver.INTEL), false, false,
          List.of())};

  @Test
  void randomHostsGiveTheVerdictsOfTheEagerEvaluator() {
    Random r = new Random(20251125L);
    int verdicts = 0;
    int findings = 0;
    int thrown = 0;
    int assignable = 0;
    int unassignable = 0;
    for (int i = 0; i < 1000; i++) {
      Policy policy = new ScatterPolicy(r.nextLong());
      Host host = host(r, i);
      GuestLayout guest = guest(r);
      AddressRange aperture = aperture(r);
      TargetKernel kernel = KERNELS[i % KERNELS.length];
      Object expected = outcome(() -> EagerEvaluator.evaluate(policy, host, guest, aperture, kernel));
      Object explained = outcome(() -> Evaluator.explain(policy, host, guest, aperture, kernel));
      Object evaluated = outcome(() -> Evaluator.evaluate(policy, host, guest, aperture, kernel));
      Object[] context = {i, host, guest.name(), aperture, kernel};
      if (expected instanceof String) {
        thrown++;
        assertWithMessage(CONTEXT, context).that(explained).isEqualTo(expected);
        assertWithMessage(CONTEXT, context).that(evaluated).isEqualTo(expected);
        continue;
      }
      Explanation e = (Explanation) expected;
      Explanation a = (Explanation) explained;
      Verdict v = (Verdict) evaluated;
      // the fast path: what a VMM reads at start
      assertWithMessage(CONTEXT, context).that(v).isEqualTo(e.verdict());
      assertWithMessage(CONTEXT, context).that(v.allAssignable()).isEqualTo(e.verdict().allAssignable());
      for (Verdict.Group g : v.groups()) {
        if (g.assignable()) {
          assignable++;
        } else {
          unassignable++;
        }
      }
      // the explaining path: every record
      assertWithMessage(CONTEXT, context).that(messages(a)).isEqualTo(messages(e));
      assertWithMessage(CONTEXT, context).that(a).isEqualTo(e);
      assertWithMessage(CONTEXT, context).that(a.hashCode()).isEqualTo(e.hashCode());
      assertWithMessage(CONTEXT, context).that(a.toString()).isEqualTo(e.toString());
      assertWithMessage(CONTEXT, context).that(a.verdict()).isEqualTo(v);
      verdicts++;
      findings += messages(e).size();
    }
    // the random cases reach what they are meant to
    assertThat(verdicts).isAtLeast(700);
    assertThat(findings).isAtLeast(1500);
    assertThat(assignable).isAtLeast(300);
    assertThat(unassignable).isAtLeast(300);
    assertThat(thrown).isEqualTo(0); // groups without members but with regions included, see below
  }

  /**
   * A group with regions but no members (a snapshot taken while its devices were unplugged) is
   * evaluated: its regions are merged and checked, and no device contributes them. Before, its merged
   * regions looked for an owner among no devices and the evaluation failed.
   */
  @Test
  void aGroupWithRegionsButNoMembersIsEvaluated() {
    Region rmrr = Region.ofInclusive(0x1000, 0x1fff, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.SYSFS);
    Host host = new Host("h", List.of(), List.of(new IommuGroup(0, Optional.empty(), List.of(), List.of(rmrr))));
    Policy p = new ScatterPolicy(1);
    GuestLayout guest = GuestPresets.q35(1L << 30);
    Explanation x = Evaluator.explain(p, host, guest, AddressRange.FULL);
    assertThat(x.groups()).hasSize(1);
    assertThat(x.groups().get(0).classifications()).isEmpty();
    assertThat(x.groups().get(0).effectiveRegions()).hasSize(1);
    assertThat(x.groups().get(0).effectiveRegions().get(0).region()).isEqualTo(rmrr);
    assertThat(x.groups().get(0).effectiveRegions().get(0).contributors()).isEmpty();
    assertThat(x.groups().get(0).conflictChecks()).isNotEmpty();
    assertThat(outcome(() -> EagerEvaluator.evaluate(p, host, guest, AddressRange.FULL))).isEqualTo(x);
    assertThat(Evaluator.evaluate(p, host, guest, AddressRange.FULL)).isEqualTo(x.verdict());
  }

  /**
   * Groups far larger than the random ones, one after the other in one evaluation, which reuses its
   * VFIO list from group to group: a group of 120 pairs to classify, a group whose 60 regions, most
   * of them kept, each take a conflicts decision. Each path answers for each group what the oracle
   * does, and one group asked for alone gets the answer it gets among the others.
   */
  @Test
  void largeGroupsInOneEvaluationGiveTheOraclesVerdicts() {
    List<PciDevice> devices = new ArrayList<>();
    List<IommuGroup> groups = new ArrayList<>();
    for (int g = 0; g < 6; g++) {
      List<IommuGroup.Member> members = new ArrayList<>();
      int memberCount = g == 1 ? 6 : 1;
      for (int m = 0; m < memberCount; m++) {
        PciDevice d = new PciDevice(PciAddress.of(0, g, 0, m), 0x8086, 0x1234, 0, 0, 0x0c0330 + g, Optional.empty(),
            false, List.of());
        devices.add(d);
        List<Region> regions = new ArrayList<>();
        int regionCount = g == 1 ? 20 : g == 3 ? 60 : 2;
        for (int k = 0; k < regionCount; k++) {
          // disjoint and not adjacent, so that every region survives the merge
          RegionType type = RegionType.values()[(k + g) % RegionType.values().length];
          regions.add(new Region(0x10000000L * (k + 1) + 0x1000L * m, 0x800, type, Prot.READ_WRITE, RegionSource.RMRR));
        }
        members.add(new IommuGroup.Member(d, regions));
      }
      groups.add(new IommuGroup(g, Optional.of("DMA"), members, List.of()));
    }
    Host host = new Host("growing", devices, groups);
    GuestLayout guest = GuestPresets.q35(8L << 30);
    for (long seed = 0; seed < 20; seed++) {
      Policy policy = new ScatterPolicy(seed);
      Explanation actual = Evaluator.explain(policy, host, guest, AddressRange.FULL);
      Explanation expected = EagerEvaluator.evaluate(policy, host, guest, AddressRange.FULL);
      assertThat(actual.groups().get(1).classifications()).hasSize(120);
      assertThat(actual.groups().get(3).conflictChecks().size()).isAtLeast(40);
      assertThat(actual).isEqualTo(expected);
      assertThat(messages(actual)).isEqualTo(messages(expected));
      assertThat(Evaluator.evaluate(policy, host, guest, AddressRange.FULL)).isEqualTo(expected.verdict());
      IommuGroup third = host.groups().get(3);
      assertThat(Evaluator.explainGroup(policy, third, guest, AddressRange.FULL)).isEqualTo(expected.groups().get(3));
      assertThat(Evaluator.evaluateGroup(policy, third, guest, AddressRange.FULL))
          .isEqualTo(expected.groups().get(3).verdict());
    }
  }

  private static List<String> messages(Explanation x) {
    List<String> out = new ArrayList<>();
    for (Explanation.Group g : x.groups()) {
      for (Explanation.Finding f : g.findings()) {
        out.add(f.message());
      }
    }
    return out;
  }

  private static Object outcome(java.util.function.Supplier<?> evaluation) {
    try {
      return evaluation.get();
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static Host host(Random r, int n) {
    List<IommuGroup> groups = new ArrayList<>();
    List<PciDevice> devices = new ArrayList<>();
    int groupCount = 1 + r.nextInt(4);
    for (int g = 0; g < groupCount; g++) {
      List<IommuGroup.Member> members = new ArrayList<>();
      // members out of address order, so that contributors must be sorted
      int memberCount = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(5);
      for (int m = 0; m < memberCount; m++) {
        PciDevice d = new PciDevice(PciAddress.of(r.nextInt(3) == 0 ? 1 : 0, g, r.nextInt(32), m), 0x8086,
            r.nextInt(0x10000), 0, 0, r.nextInt(0x1000000), Optional.empty(), false, List.of());
        devices.add(d);
        List<Region> regions = new ArrayList<>();
        for (int k = r.nextInt(5); k > 0; k--) {
          regions.add(region(r));
        }
        members.add(new IommuGroup.Member(d, regions));
      }
      List<Region> groupRegions = new ArrayList<>();
      for (int k = r.nextInt(6) < 4 ? 0 : 1 + r.nextInt(3); k > 0; k--) {
        groupRegions.add(region(r));
      }
      groups.add(new IommuGroup(g, Optional.of("DMA"), members, groupRegions));
    }
    return new Host("random-" + n, devices, groups);
  }

  private static Region region(Random r) {
    long start;
    long length;
    if (r.nextInt(5) == 0) {
      start = r.nextLong() & ~0xfffL;
      length = r.nextInt(3) == 0 ? r.nextLong() : (long) r.nextInt(0x100000) << 12;
    } else {
      long[] pick = REGIONS[r.nextInt(REGIONS.length)];
      start = pick[0];
      length = pick[1];
    }
    RegionType type = RegionType.values()[r.nextInt(RegionType.values().length)];
    RegionSource source = RegionSource.values()[r.nextInt(RegionSource.values().length)];
    return new Region(start, length, type, new Prot(r.nextInt(64)), source);
  }

  private static GuestLayout guest(Random r) {
    long[] rams = {512L << 20, 2L << 30, 4L << 30, 8L << 30, 64L << 30, 1L << 20};
    return GuestPresets.preset(GuestPresets.NAMES.get(r.nextInt(GuestPresets.NAMES.size())), rams[r.nextInt(rams.length)]);
  }

  private static AddressRange aperture(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> AddressRange.FULL;
      case 1 -> new AddressRange(0, 0xffffffffL);
      case 2 -> new AddressRange(0x1000, 0x3fffffffL); // small: refusals happen
      default -> new AddressRange(0, (1L << 39) - 1);
    };
  }
}
