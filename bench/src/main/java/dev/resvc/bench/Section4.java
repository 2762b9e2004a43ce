package dev.resvc.bench;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import java.util.List;

/** The four implementations of the LANGUAGE.md §4 policy (examples/policies/intel-vtd-kernel-default.resv). */
public final class Section4 {
  private Section4() {}

  public static Policies.Front front() {
    return Policies.front("intel-vtd-kernel-default.resv", Policies.resource(Policies.SECTION4_RESOURCE));
  }

  /** The §4 rules in CEL, written by hand, with the checked policy's decisions. */
  public static Policy cel(CheckedPolicy p) {
    List<String> classify = List.of(
        "source == 'rmrr' && cls / 256 == 0x0c03",
        "source == 'rmrr' && cls / 65536 == 0x03");
    List<String> conflicts = List.of(
        "type == 'msi' && guest_kind == 'ram'",
        "type == 'direct'",
        "type == 'direct-relaxable' && guest_kind == 'ram'");
    List<CelPolicy.Rule<ClassifyDecision>> c = new java.util.ArrayList<>();
    for (int i = 0; i < classify.size(); i++) {
      CheckedPolicy.Rule<ClassifyDecision> r = p.classifyRules().get(i);
      c.add(new CelPolicy.Rule<>(r.name(), classify.get(i), r.decision()));
    }
    List<CelPolicy.Rule<ConflictDecision>> k = new java.util.ArrayList<>();
    for (int i = 0; i < conflicts.size(); i++) {
      CheckedPolicy.Rule<ConflictDecision> r = p.conflictRules().get(i);
      k.add(new CelPolicy.Rule<>(r.name(), conflicts.get(i), r.decision()));
    }
    return new CelPolicy(p.name(), c, p.classifyDefault(), k, p.conflictDefault());
  }

  /** The generated policy's CEL twin: one program per rule, the rules' own decisions. */
  public static Policy cel(RuleMix mix) {
    List<CelPolicy.Rule<ClassifyDecision>> c = new java.util.ArrayList<>();
    for (RuleMix.Rule r : mix.rules()) {
      c.add(new CelPolicy.Rule<>(r.name(), RuleMix.celCondition(r), HandRuleTable.decision(r)));
    }
    return new CelPolicy("bench.Mix" + mix.rules().size(), c,
        ClassifyDecision.keep(new dev.resvc.runtime.policy.Provenance("default", "cel", 0)), List.of(),
        ConflictDecision.allow(new dev.resvc.runtime.policy.Provenance("default", "cel", 0)));
  }
}
