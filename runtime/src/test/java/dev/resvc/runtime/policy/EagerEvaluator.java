package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.AssignmentSteps;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The evaluator as it was before findings rendered their messages lazily (commit df086b3), kept as
 * the oracle both paths of the current {@link Evaluator} are compared with: straight-line code with
 * streams and {@code Optional} chains that builds every record at once, its own guest search ({@link
 * GuestLayout#overlapping}) and VFIO's list made anew per group. Only the record types it fills in
 * have changed since (the {@link Explanation}'s), and the kernel's steps, which it takes from {@link
 * AssignmentSteps#of} with every member's effective regions collected first. Test code only.
 */
public final class EagerEvaluator {
  private EagerEvaluator() {}

  /**
   * On the kernel the host's facts describe, as {@link Evaluator#evaluate(Policy, Host, GuestLayout, AddressRange)}.
   *
   * @param aperture the IOMMU domain aperture VFIO starts from (VT-d: {@code [0, 2^haw - 1]})
   * @throws IllegalArgumentException when the policy was built against another runtime API version
   */
  public static Explanation evaluate(Policy policy, Host host, GuestLayout guest, AddressRange aperture) {
    return evaluate(policy, host, guest, aperture, TargetKernel.resolve(host.kernel(), Optional.empty(), Optional.empty()));
  }

  public static Explanation evaluate(Policy policy, Host host, GuestLayout guest, AddressRange aperture,
      TargetKernel kernel) {
    Evaluator.checkApiVersion(policy);
    // refuses an impossible kernel before any rule runs, as the evaluator does
    new AssignmentSteps(kernel, aperture, List.of());
    List<Explanation.Group> groups = new ArrayList<>();
    for (IommuGroup group : host.groups()) {
      groups.add(evaluateGroup(policy, group, guest, aperture, kernel));
    }
    return new Explanation(policy.name(), host.name(), guest.name(), kernel, groups);
  }

  public static Explanation.Group evaluateGroup(Policy policy, IommuGroup group, GuestLayout guest,
      AddressRange aperture, TargetKernel kernel) {
    List<GuestRange> ram = guest.ranges(GuestKind.RAM);
    List<AddressRange> ramRanges = ram.stream().map(GuestRange::range).toList();
    List<IommuGroup.Member> effectiveMembers = new ArrayList<>();
    List<Explanation.Classification> classifications = new ArrayList<>();
    List<Region> effectiveInOrder = new ArrayList<>();
    List<Device> ownerInOrder = new ArrayList<>();
    for (IommuGroup.Member member : group.members()) {
      List<Region> inputs = new ArrayList<>(member.regions());
      inputs.addAll(group.groupRegions());
      List<Region> kept = new ArrayList<>();
      for (Region input : inputs) {
        ClassifyDecision decision = policy.classify(kernel, member.device(), group.id(), input);
        Optional<Region> effective = decision.apply(input);
        classifications.add(new Explanation.Classification(member.device(), input, decision, effective));
        effective.ifPresent(r -> {
          effectiveInOrder.add(r);
          ownerInOrder.add(member.device());
          kept.add(r);
        });
      }
      effectiveMembers.add(new IommuGroup.Member(member.device(), kept));
    }
    if (group.members().isEmpty()) {
      effectiveInOrder.addAll(group.groupRegions());
    }

    GroupRegionMerger merger = GroupRegionMerger.forRelease(kernel.release());
    effectiveInOrder.forEach(merger::insert);
    List<Region> merged = merger.regions();
    List<Explanation.EffectiveRegion> effectiveRegions = new ArrayList<>();
    for (Region m : merged) {
      effectiveRegions.add(new Explanation.EffectiveRegion(m, contributors(m, effectiveInOrder, ownerInOrder)));
    }

    AssignmentSteps.Outcome steps = AssignmentSteps.of(kernel, effectiveMembers, merged, aperture, ramRanges);
    List<Explanation.ConflictCheck> checks = new ArrayList<>();
    List<Explanation.Finding> findings = new ArrayList<>();
    List<StepFailure> failed = new ArrayList<>();
    steps.attach().ifPresent(failed::add);
    failed.addAll(steps.maps());
    for (StepFailure step : failed) {
      findings.add(GroupRecorder.stepFinding(group.id(), step, merged, ram));
    }
    for (Explanation.EffectiveRegion er : effectiveRegions) {
      Region region = er.region();
      List<GuestRange> overlapping = region.range().map(guest::overlapping).orElse(List.of());
      if (overlapping.isEmpty()) {
        check(policy, kernel, group.id(), er, null, checks, findings);
      }
      for (GuestRange g : overlapping) {
        check(policy, kernel, group.id(), er, g, checks, findings);
      }
    }
    List<Device> devices = group.devices();
    boolean assignable = findings.stream().noneMatch(f -> f.severity() == Severity.FATAL);
    return new Explanation.Group(new Verdict.Group(group.id(), assignable, merged, aperture, steps.attach(),
        steps.maps()), devices, classifications, effectiveRegions, checks, findings);
  }

  private static void check(Policy policy, TargetKernel kernel, int groupId, Explanation.EffectiveRegion er, GuestRange g,
      List<Explanation.ConflictCheck> checks, List<Explanation.Finding> findings) {
    Region region = er.region();
    ConflictDecision decision = policy.conflict(kernel, region, g);
    Optional<GuestRange> guestRange = Optional.ofNullable(g);
    Optional<AddressRange> overlap = guestRange.flatMap(x -> region.range().flatMap(r -> r.intersection(x.range())));
    checks.add(new Explanation.ConflictCheck(er, guestRange, overlap, decision));
    if (decision.severity() != Severity.ALLOW) {
      String[] values = new String[MessageTemplate.Placeholder.values().length];
      values[MessageTemplate.Placeholder.REGION.ordinal()] =
          U64.hex16(region.start()) + ".." + U64.hex16(region.end()) + " " + region.type().resvName();
      values[MessageTemplate.Placeholder.DEVICE.ordinal()] = er.contributors().isEmpty()
          ? "the group" : String.join(", ", er.contributors().stream().map(Device::name).toList());
      values[MessageTemplate.Placeholder.GUEST.ordinal()] =
          guestRange.map(x -> x.name() + " (" + x.kind() + " " + x.range() + ")").orElse("no guest range");
      values[MessageTemplate.Placeholder.OVERLAP.ordinal()] = overlap.map(AddressRange::toString).orElse("nothing");
      findings.add(new Explanation.Finding(groupId, decision.severity(), decision.message().render(values),
          decision.provenance(), region, guestRange, overlap, Optional.empty()));
    }
  }

  /**
   * The devices whose effective regions a merged region covers: same type, starting inside it (or, for
   * a region that covers nothing, at its start). Sorted by address.
   */
  private static List<Device> contributors(Region merged, List<Region> effective, List<Device> owners) {
    TreeSet<Device> out = new TreeSet<>(Device.ORDER);
    Optional<AddressRange> span = merged.range();
    for (int i = 0; i < effective.size(); i++) {
      Region r = effective.get(i);
      if (r.type() != merged.type()) {
        continue;
      }
      boolean inside = span.isPresent() ? span.get().contains(r.start()) : r.start() == merged.start();
      if (inside && i < owners.size()) { // the regions of a group without members belong to no device
        out.add(owners.get(i));
      }
    }
    return List.copyOf(out);
  }
}
