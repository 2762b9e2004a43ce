package dev.resvc.bench;

import dev.resvc.runtime.kernel.TargetKernel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The four implementations the benchmarks compare decide the same, so they measure the same work. */
class AgreementTest {
  @Test
  void section4ImplementationsAgreeOnWholeHosts() {
    Policies.Front front = Section4.front();
    List<Policy> all = List.of(Policies.compiled(front), new HandIntelVtdKernelDefault(), Section4.cel(front.checked()),
        Policies.interpreted(front));
    for (int groups : new int[] {8, 64}) {
      Host host = Hosts.host(groups);
      Explanation expected = Evaluator.explain(all.get(3), host, Hosts.GUEST, Hosts.APERTURE);
      for (Policy p : all) {
        assertEquals(summary(expected), summary(Evaluator.explain(p, host, Hosts.GUEST, Hosts.APERTURE)),
            p.getClass().getName());
        assertEquals(expected.verdict(), Evaluator.evaluate(p, host, Hosts.GUEST, Hosts.APERTURE), p.getClass().getName());
      }
    }
  }

  /** Per group: assignable, and the rules behind each classification and finding. */
  private static String summary(Explanation x) {
    StringBuilder b = new StringBuilder();
    for (Explanation.Group g : x.groups()) {
      b.append(g.verdict().id()).append(g.verdict().assignable() ? " ok" : " no");
      g.classifications().forEach(c -> b.append(' ').append(c.decision().provenance().rule()));
      g.findings().forEach(f -> b.append(" !").append(f.provenance().rule()).append(f.severity()));
      b.append('\n');
    }
    return b.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 100, 1000})
  void generatedPolicyImplementationsAgree(int n) {
    RuleMix mix = RuleMix.generate(n);
    Policies.Front front = Policies.front("mix.resv", mix.toResv());
    List<Policy> all = List.of(Policies.compiled(front), new HandRuleTable(mix), Section4.cel(mix), Policies.interpreted(front));
    List<Policy> withChain = n <= 100 ? List.of(HandChainWriter.load(mix)) : List.of();
    RuleMix.Sample[] samples = ClassifyBench.samples(mix);
    int matched = 0;
    for (RuleMix.Sample s : samples) {
      String expected = all.get(3).classify(TargetKernel.newest(), s.device(), s.group(), s.region()).provenance().rule();
      if (!expected.equals("default")) {
        matched++;
      }
      for (Policy p : all) {
        assertEquals(expected, p.classify(TargetKernel.newest(), s.device(), s.group(), s.region()).provenance().rule(), p.getClass().getName());
      }
      for (Policy p : withChain) {
        assertEquals(expected, p.classify(TargetKernel.newest(), s.device(), s.group(), s.region()).provenance().rule());
      }
    }
    assertEquals(true, matched >= 4, "the aimed samples hit rules");
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 1000, 5000})
  void kernelTranscriptionMatchesTheMerger(int n) {
    List<Region> regions = KernelInsertion.regions(n);
    assertEquals(GroupRegionMerger.merge(regions), KernelInsertion.merge(regions));
  }
}
