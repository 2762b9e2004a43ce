package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.kernel.ExclusionTally;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a policy over a host and a guest: the fixed pipeline of LANGUAGE.md §5, identical for compiled
 * and interpreted policies.
 *
 * <ol>
 *   <li>classify every (device, region) pair — a device's own regions, then the group's regions read
 *       from sysfs, which belong to every device of the group;
 *   <li>merge the effective regions device by device as {@code iommu_get_group_resv_regions} does
 *       (each region the classify rules keep is inserted as it is classified);
 *   <li>run the conflicts rules for each merged region and each guest range it overlaps (once with no
 *       range when it overlaps none);
 *   <li>find out whether VFIO's valid IOVA list comes out empty: the conflicts pass counts what VFIO
 *       would cut ({@link ExclusionTally}), and the kernel's walk runs only when that could cover
 *       the aperture ({@link VfioIovaList#refusesAttach}). When nothing remains the kernel refuses
 *       the attach, which is a fatal finding whatever the policy says;
 *   <li>a group is assignable when no finding is fatal.
 * </ol>
 *
 * <p>The evaluator takes every decision but builds no records: a group's verdict keeps the rules'
 * decisions in the order they were asked, the merged list and whether VFIO refuses the attach, and
 * builds its IOVA ranges and lists of records (and renders finding messages) only when they are
 * read. The loops here run once per (device, region) pair and per merged region, so they use no
 * streams or {@code Optional}s and fill working arrays reused from group to group; the decisions of
 * all groups go into one array, a slice each, since copying references into a new array per group
 * (with the collector's card marking) cost more than the policy's decisions themselves.
 */
public final class Evaluator {
  private Evaluator() {}

  /** The finding the kernel itself raises when VFIO's valid IOVA list comes out empty. */
  public static final Provenance NO_IOVA = Provenance.kernel("vfio_iommu_resv_exclude");

  /**
   * @param aperture the IOMMU domain aperture VFIO starts from (VT-d: {@code [0, 2^haw - 1]})
   * @throws IllegalArgumentException when the policy was built against another runtime API version
   */
  public static Verdict evaluate(Policy policy, Host host, GuestLayout guest, AddressRange aperture) {
    checkApiVersion(policy);
    List<IommuGroup> hostGroups = host.groups();
    Verdict.Group[] groups = new Verdict.Group[hostGroups.size()];
    // A first guess (the benchmark hosts take about eight decisions a group); the array grows when short.
    Work work = new Work(guest, 8 * groups.length);
    for (int i = 0; i < groups.length; i++) {
      groups[i] = work.evaluateGroup(policy, hostGroups.get(i), aperture);
    }
    return new Verdict(policy.name(), host.name(), guest.name(), List.of(groups));
  }

  /** Refuses a policy compiled against another version of this interface, with a message that says what to do. */
  public static void checkApiVersion(Policy policy) {
    if (policy.apiVersion() != Policy.API_VERSION) {
      throw new IllegalArgumentException("policy " + policy.name() + " was compiled for resvc runtime API version "
          + policy.apiVersion() + ", but this runtime implements version " + Policy.API_VERSION
          + "; recompile the policy with a matching resvc, or use the runtime it was built with");
    }
  }

  public static Verdict.Group evaluateGroup(Policy policy, IommuGroup group, GuestLayout guest, AddressRange aperture) {
    return new Work(guest, 16).evaluateGroup(policy, group, aperture);
  }

  /**
   * One evaluation's working state. Every group's decisions go into one array, a slice per group in
   * host order, which the groups' verdicts share: no group copies its decisions out. The tally and
   * the IOVA list are reused from group to group. Not shared between evaluations, so evaluating stays
   * thread-safe.
   */
  private static final class Work {
    private final GuestOverlaps guests;
    /**
     * The decisions taken so far, {@link #decided} of them. When it grows, the groups already made
     * keep the array they were made with, which holds their slices unchanged.
     */
    private Object[] decisions;
    private int decided;
    /** What VFIO would cut out of the aperture, counted by {@link #check}. */
    private final ExclusionTally cuts = new ExclusionTally();
    /** Storage for VFIO's walk, when a group needs it to tell whether the attach is refused. */
    private final VfioIovaList iovaList = new VfioIovaList();
    /** Set by {@link #check}: whether a decision was fatal. */
    private boolean anyFatal;

    Work(GuestLayout guest, int decisionCapacity) {
      guests = new GuestOverlaps(guest);
      decisions = new Object[Math.max(16, decisionCapacity)];
    }

    /*
     * The phases are methods of their own: C2 inlines into each as much as its budget allows, where one
     * method holding all of them spent the budget on the merge and called the rest out of line.
     */
    Verdict.Group evaluateGroup(Policy policy, IommuGroup group, AddressRange aperture) {
      int offset = decided;
      GroupRegionMerger merger = new GroupRegionMerger();
      int classified = classify(policy, group, merger);
      List<Region> merged = merger.regions();
      int checked = check(policy, merged);
      // Only whether VFIO refuses is needed now: the group's verdict works the ranges out when read.
      boolean refused = cuts.mayCover(aperture) && iovaList.refusesAttach(aperture, merged);
      return new Verdict.Group(group, decisions, offset, classified, checked, merged, guests, aperture,
          !refused && !anyFatal);
    }

    /**
     * Classifies every (device, region) pair of the group, device by device, its own regions then the
     * group's, appending the decisions to {@link #decisions}; the regions kept go into {@code merger}
     * in that order, which is the kernel's order of insertion (a group without members has its
     * regions inserted as they are). Returns the number of pairs.
     */
    private int classify(Policy policy, IommuGroup group, GroupRegionMerger merger) {
      int groupId = group.id();
      List<IommuGroup.Member> members = group.members();
      List<Region> groupRegions = group.groupRegions();
      int memberCount = members.size();
      int groupRegionCount = groupRegions.size();
      Object[] decisions = this.decisions;
      int decided = this.decided;
      for (int m = 0; m < memberCount; m++) {
        IommuGroup.Member member = members.get(m);
        PciDevice device = member.device();
        List<Region> own = member.regions();
        int ownCount = own.size();
        int pairs = ownCount + groupRegionCount;
        if (decisions.length - decided < pairs) {
          decisions = this.decisions = Arrays.copyOf(decisions, Math.max(decided + pairs, 2 * decisions.length));
        }
        for (int i = 0; i < pairs; i++) {
          Region input = i < ownCount ? own.get(i) : groupRegions.get(i - ownCount);
          ClassifyDecision decision = policy.classify(device, groupId, input);
          decisions[decided++] = decision;
          Region result = decision.applyOrNull(input);
          if (result != null) {
            merger.insert(result);
          }
        }
      }
      if (memberCount == 0) {
        for (int i = 0; i < groupRegionCount; i++) {
          merger.insert(groupRegions.get(i));
        }
      }
      int classified = decided - this.decided;
      this.decided = decided;
      return classified;
    }

    /**
     * Asks the conflicts rules for each merged region with each guest range it overlaps, or once with
     * none, appending the decisions to {@link #decisions}, and counts the regions into {@link #cuts}.
     * Returns the number of decisions.
     */
    private int check(Policy policy, List<Region> merged) {
      GuestOverlaps guests = this.guests;
      ExclusionTally cuts = this.cuts;
      cuts.clear();
      int first = decided;
      boolean fatal = false;
      // The merged list is sorted by start, so the first candidate range only moves forward.
      int cursor = 0;
      long previousStart = 0;
      for (int i = 0; i < merged.size(); i++) {
        Region region = merged.get(i);
        cuts.add(region);
        long start = region.start();
        long end = region.end();
        if (Long.compareUnsigned(start, previousStart) < 0) {
          cursor = 0; // not sorted after all: start over rather than miss a range
        }
        previousStart = start;
        cursor = guests.endingFrom(start, cursor);
        int j = guests.overlapping(start, end, cursor);
        if (j < 0) {
          ConflictDecision decision = policy.conflict(region, null);
          fatal |= decision.severity() == Severity.FATAL;
          keep(decision);
        }
        for (; j >= 0; j = guests.next(end, j)) {
          ConflictDecision decision = policy.conflict(region, guests.range(j));
          fatal |= decision.severity() == Severity.FATAL;
          keep(decision);
        }
      }
      anyFatal = fatal;
      return decided - first;
    }

    private void keep(ConflictDecision decision) {
      if (decided == decisions.length) {
        decisions = Arrays.copyOf(decisions, 2 * decided);
      }
      decisions[decided++] = decision;
    }
  }
}
