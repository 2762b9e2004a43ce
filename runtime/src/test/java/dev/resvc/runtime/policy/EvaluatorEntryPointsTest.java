package dev.resvc.runtime.policy;

import dev.resvc.runtime.kernel.TargetKernel;
import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The four ways into the evaluator agree with each other, and each refuses a policy built for another runtime. */
class EvaluatorEntryPointsTest {
  private static final GuestLayout GUEST = GuestPresets.q35(4L << 30);
  private static final PciDevice NIC =
      new PciDevice(PciAddress.of(0, 3, 0, 0), 0x8086, 0x10c9, 0, 0, 0x020000, Optional.empty(), false, List.of());
  private static final Region RMRR =
      Region.ofInclusive(0x3e2e0000L, 0x3e2fffffL, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
  private static final Region MSI =
      Region.ofInclusive(0xfee00000L, 0xfeefffffL, RegionType.MSI, Prot.NONE, RegionSource.MSI_WINDOW);
  private static final Host HOST = new Host("h", List.of(NIC), List.of(
      new IommuGroup(7, Optional.empty(), List.of(new IommuGroup.Member(NIC, List.of(RMRR, MSI))), List.of()),
      new IommuGroup(8, Optional.empty(), List.of(), List.of(MSI))));

  @Test
  void explainingGivesTheVerdictWithEveryDecision() {
    Policy policy = new ScatterPolicy(3);
    Verdict verdict = Evaluator.evaluate(policy, HOST, GUEST, AddressRange.FULL);
    Explanation explanation = Evaluator.explain(policy, HOST, GUEST, AddressRange.FULL);
    assertThat(explanation.verdict()).isEqualTo(verdict);
    Explanation.Group seven = explanation.group(7).orElseThrow();
    assertThat(seven.verdict()).isEqualTo(verdict.group(7).orElseThrow());
    assertThat(seven.devices()).containsExactly(NIC);
    assertThat(seven.classifications()).hasSize(2);
    assertThat(seven.effectiveRegions().stream().map(Explanation.EffectiveRegion::region).toList())
        .isEqualTo(seven.verdict().mergedRegions());
    assertThat(explanation.group(9)).isEmpty();
    for (IommuGroup g : HOST.groups()) {
      assertThat(Evaluator.evaluateGroup(policy, g, GUEST, AddressRange.FULL)).isEqualTo(verdict.group(g.id()).get());
      assertThat(Evaluator.explainGroup(policy, g, GUEST, AddressRange.FULL)).isEqualTo(explanation.group(g.id()).get());
    }
  }

  @Test
  void everyEntryPointRefusesAPolicyBuiltForAnotherRuntime() {
    Policy stale = new Policy() {
      @Override public String name() { return "stale"; }
      @Override public int apiVersion() { return Policy.API_VERSION + 1; }
      @Override public ClassifyDecision classify(TargetKernel k, Device d, int g, Region r) { throw new AssertionError(); }
      @Override public ConflictDecision conflict(TargetKernel k, Region r, GuestRange g) { throw new AssertionError(); }
    };
    IommuGroup group = HOST.groups().get(0);
    List<Runnable> calls = List.of(
        () -> Evaluator.evaluate(stale, HOST, GUEST, AddressRange.FULL),
        () -> Evaluator.explain(stale, HOST, GUEST, AddressRange.FULL),
        () -> Evaluator.evaluateGroup(stale, group, GUEST, AddressRange.FULL),
        () -> Evaluator.explainGroup(stale, group, GUEST, AddressRange.FULL));
    for (Runnable call : calls) {
      assertThat(assertThrows(IllegalArgumentException.class, call::run)).hasMessageThat()
          .contains("recompile the policy");
    }
  }
}
