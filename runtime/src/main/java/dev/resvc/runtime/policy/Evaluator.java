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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs a policy over a host and a guest: the fixed pipeline of LANGUAGE.md §5, identical for compiled
 * and interpreted policies. For each IOMMU group:
 *
 * <ol>
 *   <li>classify every (device, region) pair — a device's own regions, then the group's regions read
 *       from sysfs, which belong to every device of the group;
 *   <li>merge the effective regions device by device as {@code iommu_get_group_resv_regions} does
 *       (each region the classify rules keep is inserted as it is classified);
 *   <li>take the kernel's steps for the target kernel ({@link AssignmentSteps}, told each member's
 *       effective regions as they are classified): the attach step the kernel refuses the group at,
 *       or, when it attaches, each guest RAM range it refuses to map; each is a fatal finding
 *       whatever the policy says;
 *   <li>run the conflicts rules for each merged region and each guest range it overlaps (once with no
 *       range when it overlaps none);
 *   <li>a group is assignable when the attach and every map succeed and no finding is fatal.
 * </ol>
 *
 * <p>The overloads without a {@link TargetKernel} answer for {@link TargetKernel#newest()}.
 *
 * <p>{@link #evaluate} answers with the {@link Verdict} alone; {@link #explain} runs the same walk and
 * records every decision ({@link Explanation}). The walk tells an {@link EvaluationListener} what it
 * does, and the fast path's listener ignores it, so the fast path builds no record per decision and
 * allocates nothing per rule.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Whether each group of {@code host} can be handed to {@code guest}, and its merged regions: what a
   * VMM asks at start. The kernel is the one the host's facts describe ({@link TargetKernel#resolve}:
   * the newest modelled when they do not name a release).
   *
   * @param aperture the IOMMU domain aperture VFIO starts from, for every group (per group: {@code
   *     host.HostApertures})
   * @throws IllegalArgumentException when the policy was built against another runtime API version
   */
  public static Verdict evaluate(Policy policy, Host host, GuestLayout guest, AddressRange aperture) {
    return evaluate(policy, host, guest, aperture, hostKernel(host));
  }

  /**
   * {@link #evaluate(Policy, Host, GuestLayout, AddressRange)} as {@code kernel} takes the steps.
   *
   * @throws IllegalArgumentException when the policy was built against another runtime API version,
   *     or {@code kernel} is iommufd on a release that had none
   */
  public static Verdict evaluate(Policy policy, Host host, GuestLayout guest, AddressRange aperture,
      TargetKernel kernel) {
    return evaluate(policy, host, guest, group -> aperture, kernel);
  }

  /**
   * {@link #evaluate(Policy, Host, GuestLayout, AddressRange, TargetKernel)} with each group's own
   * aperture: the kernel sets it per domain from the IOMMU unit behind the group (VT-d units may differ
   * in their registers), as {@code host.HostApertures#range} gives it.
   */
  public static Verdict evaluate(Policy policy, Host host, GuestLayout guest,
      Function<IommuGroup, AddressRange> apertureOf, TargetKernel kernel) {
    checkApiVersion(policy);
    Walk walk = new Walk(policy, guest, apertureOf, kernel);
    List<IommuGroup> hostGroups = host.groups();
    Verdict.Group[] groups = new Verdict.Group[hostGroups.size()];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = walk.group(hostGroups.get(i), EvaluationListener.IGNORE);
    }
    return new Verdict(policy.name(), host.name(), guest.name(), kernel, List.of(groups));
  }

  /**
   * The verdict of {@link #evaluate} with every decision behind it: each classification, the effective
   * regions with the devices they came from, each conflicts check and each finding with its message.
   *
   * @throws IllegalArgumentException when the policy was built against another runtime API version
   */
  public static Explanation explain(Policy policy, Host host, GuestLayout guest, AddressRange aperture) {
    return explain(policy, host, guest, aperture, hostKernel(host));
  }

  /**
   * {@link #explain(Policy, Host, GuestLayout, AddressRange)} as {@code kernel} takes the steps.
   *
   * @throws IllegalArgumentException when the policy was built against another runtime API version,
   *     or {@code kernel} is iommufd on a release that had none
   */
  public static Explanation explain(Policy policy, Host host, GuestLayout guest, AddressRange aperture,
      TargetKernel kernel) {
    return explain(policy, host, guest, group -> aperture, kernel);
  }

  /** {@link #explain(Policy, Host, GuestLayout, AddressRange, TargetKernel)} with each group's own aperture. */
  public static Explanation explain(Policy policy, Host host, GuestLayout guest,
      Function<IommuGroup, AddressRange> apertureOf, TargetKernel kernel) {
    checkApiVersion(policy);
    Walk walk = new Walk(policy, guest, apertureOf, kernel);
    List<IommuGroup> hostGroups = host.groups();
    Explanation.Group[] groups = new Explanation.Group[hostGroups.size()];
    for (int i = 0; i < groups.length; i++) {
      groups[i] = walk.explain(hostGroups.get(i));
    }
    return new Explanation(policy.name(), host.name(), guest.name(), kernel, List.of(groups));
  }

  /** The kernel {@code host}'s facts describe, with nothing overridden. */
  private static TargetKernel hostKernel(Host host) {
    return TargetKernel.resolve(host.kernel(), Optional.empty(), Optional.empty());
  }

  /** {@link #evaluate} for one group, on the newest kernel modelled (a group alone carries no kernel facts). */
  public static Verdict.Group evaluateGroup(Policy policy, IommuGroup group, GuestLayout guest, AddressRange aperture) {
    return evaluateGroup(policy, group, guest, aperture, TargetKernel.newest());
  }

  /** {@link #evaluate} for one group, as {@code kernel} takes the steps. */
  public static Verdict.Group evaluateGroup(Policy policy, IommuGroup group, GuestLayout guest, AddressRange aperture,
      TargetKernel kernel) {
    checkApiVersion(policy);
    return new Walk(policy, guest, g -> aperture, kernel).group(group, EvaluationListener.IGNORE);
  }

  /** {@link #explain} for one group, on the newest kernel modelled. */
  public static Explanation.Group explainGroup(Policy policy, IommuGroup group, GuestLayout guest,
      AddressRange aperture) {
    return explainGroup(policy, group, guest, aperture, TargetKernel.newest());
  }

  /** {@link #explain} for one group, as {@code kernel} takes the steps. */
  public static Explanation.Group explainGroup(Policy policy, IommuGroup group, GuestLayout guest,
      AddressRange aperture, TargetKernel kernel) {
    checkApiVersion(policy);
    return new Walk(policy, guest, g -> aperture, kernel).explain(group);
  }

  /** Refuses a policy compiled against another version of this interface, with a message that says what to do. */
  public static void checkApiVersion(Policy policy) {
    if (policy.apiVersion() != Policy.API_VERSION) {
      throw new IllegalArgumentException("policy " + policy.name() + " was compiled for resvc runtime API version "
          + policy.apiVersion() + ", but this runtime implements version " + Policy.API_VERSION
          + "; recompile the policy with a matching resvc, or use the runtime it was built with");
    }
  }

  /**
   * The walk over one group, and what it reuses from group to group of an evaluation (the guest's
   * ranges as arrays, the kernel's steps with their storage). Not shared between evaluations, so evaluating stays
   * thread-safe.
   *
   * <p>The loops run once per (device, region) pair and per merged region, so they use no streams or
   * {@code Optional}s. The phases are methods of their own: C2 inlines into each as much as its
   * budget allows, where one method holding all of them spent the budget on the merge and called the
   * rest out of line.
   */
  private static final class Walk {
    private final Policy policy;
    private final TargetKernel kernel;
    private final GuestOverlaps guests;
    private final List<GuestRange> guestRam;
    private final Function<IommuGroup, AddressRange> apertureOf;
    /** The steps for the last aperture seen, kept while groups share it (on real hosts they all do). */
    private AssignmentSteps steps;

    Walk(Policy policy, GuestLayout guest, Function<IommuGroup, AddressRange> apertureOf, TargetKernel kernel) {
      this.policy = policy;
      this.kernel = kernel;
      this.guests = new GuestOverlaps(guest);
      this.guestRam = guest.ranges(GuestKind.RAM);
      this.apertureOf = apertureOf;
    }

    /** Points {@link #steps} at {@code aperture}, making them anew only when it differs from the previous group's. */
    private void useAperture(AddressRange aperture) {
      if (steps == null || !steps.aperture().equals(aperture)) {
        steps = new AssignmentSteps(kernel, aperture, guestRam.stream().map(GuestRange::range).toList());
      }
    }

    Explanation.Group explain(IommuGroup group) {
      GroupRecorder recorder = new GroupRecorder(group, guestRam);
      return recorder.explanation(group(group, recorder));
    }

    Verdict.Group group(IommuGroup group, EvaluationListener listener) {
      GroupRegionMerger merger = GroupRegionMerger.forRelease(kernel.release());
      AddressRange aperture = Objects.requireNonNull(apertureOf.apply(group), "aperture");
      useAperture(aperture);
      steps.beginGroup();
      classify(group, merger, listener);
      List<Region> merged = merger.regions();
      Optional<StepFailure> attachFailure = steps.attach(merged);
      List<StepFailure> mapFailures = attachFailure.isPresent() ? List.of() : steps.map(merged);
      listener.merged(merged, attachFailure, mapFailures);
      boolean fatal = check(merged, listener);
      boolean assignable = attachFailure.isEmpty() && mapFailures.isEmpty() && !fatal;
      return new Verdict.Group(group.id(), assignable, merged, aperture, attachFailure, mapFailures);
    }

    /**
     * Classifies every (device, region) pair of the group, device by device, its own regions then the
     * group's; the regions kept go into {@code merger} in that order, which is the kernel's order of
     * insertion (a group without members has its regions inserted as they are).
     */
    private void classify(IommuGroup group, GroupRegionMerger merger, EvaluationListener listener) {
      Policy policy = this.policy;
      TargetKernel kernel = this.kernel;
      int groupId = group.id();
      List<IommuGroup.Member> members = group.members();
      List<Region> groupRegions = group.groupRegions();
      int memberCount = members.size();
      int groupRegionCount = groupRegions.size();
      for (int m = 0; m < memberCount; m++) {
        IommuGroup.Member member = members.get(m);
        Device device = member.device();
        List<Region> own = member.regions();
        int ownCount = own.size();
        int pairs = ownCount + groupRegionCount;
        steps.device(device);
        for (int i = 0; i < pairs; i++) {
          Region input = i < ownCount ? own.get(i) : groupRegions.get(i - ownCount);
          ClassifyDecision decision = policy.classify(kernel, device, groupId, input);
          Region effective = decision.applyOrNull(input);
          listener.classified(device, input, decision, effective);
          if (effective != null) {
            merger.insert(effective);
            steps.region(effective);
            listener.effective(effective, device);
          }
        }
      }
      if (memberCount == 0) {
        for (int i = 0; i < groupRegionCount; i++) {
          Region region = groupRegions.get(i);
          merger.insert(region);
          listener.effective(region, null);
        }
      }
    }

    /**
     * Asks the conflicts rules for each merged region with each guest range it overlaps, or once with
     * none. Returns whether a decision was fatal.
     */
    private boolean check(List<Region> merged, EvaluationListener listener) {
      Policy policy = this.policy;
      TargetKernel kernel = this.kernel;
      GuestOverlaps guests = this.guests;
      boolean fatal = false;
      // The merged list is sorted by start, so the first candidate range only moves forward.
      int cursor = 0;
      long previousStart = 0;
      for (int i = 0; i < merged.size(); i++) {
        Region region = merged.get(i);
        long start = region.start();
        long end = region.end();
        if (Long.compareUnsigned(start, previousStart) < 0) {
          cursor = 0; // not sorted after all: start over rather than miss a range
        }
        previousStart = start;
        cursor = guests.endingFrom(start, cursor);
        int j = guests.overlapping(start, end, cursor);
        if (j < 0) {
          ConflictDecision decision = policy.conflict(kernel, region, null);
          fatal |= decision.severity() == Severity.FATAL;
          listener.checked(i, null, decision);
        }
        for (; j >= 0; j = guests.next(end, j)) {
          GuestRange range = guests.range(j);
          ConflictDecision decision = policy.conflict(kernel, region, range);
          fatal |= decision.severity() == Severity.FATAL;
          listener.checked(i, range, decision);
        }
      }
      return fatal;
    }
  }
}
