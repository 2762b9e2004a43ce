package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestLayout;
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
 *   <li>merge the effective regions device by device as {@code iommu_get_group_resv_regions} does;
 *   <li>compute VFIO's valid IOVA list; when nothing remains the kernel refuses the attach, which is a
 *       fatal finding whatever the policy says;
 *   <li>run the conflicts rules for each merged region and each guest range it overlaps (once with no
 *       range when it overlaps none);
 *   <li>a group is assignable when no finding is fatal.
 * </ol>
 *
 * <p>The evaluator takes every decision but builds no records: a group's verdict keeps the rules'
 * decisions in the order they were asked, the merged list and whether VFIO refuses the attach, and
 * builds its IOVA ranges and lists of records (and renders finding messages) only when they are
 * read. The loops here run once per (device, region) pair and per merged region, so they use no
 * streams or {@code Optional}s and fill working arrays reused from group to group.
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
    Work work = new Work(guest);
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
    return new Work(guest).evaluateGroup(policy, group, aperture);
  }

  /**
   * One evaluation's working arrays, reused from group to group; what a group's verdict keeps is
   * copied out of them once, at its size. Not shared between evaluations, so evaluating stays
   * thread-safe.
   */
  private static final class Work {
    private final GuestOverlaps guests;
    private ClassifyDecision[] classify = new ClassifyDecision[16];
    private Region[] effective = new Region[16];
    private ConflictDecision[] conflicts = new ConflictDecision[16];
    private final VfioIovaList iovaList = new VfioIovaList();
    /** Set by {@link #classify}: how many regions it left in {@link #effective}. */
    private int effectiveCount;
    /** Set by {@link #excludeAndCheck}: whether a decision was fatal. */
    private boolean anyFatal;

    Work(GuestLayout guest) {
      guests = new GuestOverlaps(guest);
    }

    /*
     * The phases are methods of their own: C2 inlines into each as much as its budget allows, where one
     * method holding all of them spent the budget on the merge and called the rest out of line.
     */
    Verdict.Group evaluateGroup(Policy policy, IommuGroup group, AddressRange aperture) {
      int classified = classify(policy, group);
      List<Region> merged = merge(effectiveCount);
      // Only whether VFIO refuses is needed now: the group's verdict works the ranges out when read.
      iovaList.clear();
      iovaList.resize(aperture);
      int checks = excludeAndCheck(policy, merged);
      boolean refused = iovaList.isEmpty();
      Object[] decisions = new Object[classified + checks];
      System.arraycopy(classify, 0, decisions, 0, classified);
      System.arraycopy(conflicts, 0, decisions, classified, checks);
      return new Verdict.Group(group, decisions, classified, merged, guests, aperture, !refused && !anyFatal);
    }

    /**
     * Classifies every (device, region) pair of the group, device by device, its own regions then the
     * group's, into {@link #classify}; the regions kept go to {@link #effective} (a group without
     * members has its regions there as they are). Returns the number of pairs.
     */
    private int classify(Policy policy, IommuGroup group) {
      int groupId = group.id();
      List<IommuGroup.Member> members = group.members();
      List<Region> groupRegions = group.groupRegions();
      int memberCount = members.size();
      int groupRegionCount = groupRegions.size();
      ClassifyDecision[] decisions = this.classify;
      Region[] effective = this.effective;
      int classified = 0;
      int effectiveCount = 0;
      for (int m = 0; m < memberCount; m++) {
        IommuGroup.Member member = members.get(m);
        PciDevice device = member.device();
        List<Region> own = member.regions();
        int ownCount = own.size();
        if (decisions.length < classified + ownCount + groupRegionCount) {
          grow(classified + ownCount + groupRegionCount);
          decisions = this.classify;
          effective = this.effective;
        }
        for (int i = 0; i < ownCount + groupRegionCount; i++) {
          Region input = i < ownCount ? own.get(i) : groupRegions.get(i - ownCount);
          ClassifyDecision decision = policy.classify(device, groupId, input);
          decisions[classified++] = decision;
          Region result = decision.applyOrNull(input);
          if (result != null) {
            effective[effectiveCount++] = result;
          }
        }
      }
      if (memberCount == 0) {
        if (effective.length < groupRegionCount) {
          grow(groupRegionCount);
          effective = this.effective;
        }
        for (int i = 0; i < groupRegionCount; i++) {
          effective[effectiveCount++] = groupRegions.get(i);
        }
      }
      this.effectiveCount = effectiveCount;
      return classified;
    }

    private void grow(int capacity) {
      int n = Math.max(capacity, 2 * classify.length);
      classify = Arrays.copyOf(classify, n);
      effective = Arrays.copyOf(effective, n);
    }

    /** The kernel's group list of the first {@code count} regions of {@link #effective}. */
    private List<Region> merge(int count) {
      GroupRegionMerger merger = new GroupRegionMerger();
      Region[] effective = this.effective;
      for (int i = 0; i < count; i++) {
        merger.insert(effective[i]);
      }
      return merger.regions();
    }

    /**
     * One pass over the merged regions: each is excluded from {@link #iovaList} (VFIO's walk, in
     * list order), and the conflicts rules are asked for it with each guest range it overlaps, or
     * once with none, into {@link #conflicts}. Returns the number of decisions.
     */
    private int excludeAndCheck(Policy policy, List<Region> merged) {
      GuestOverlaps guests = this.guests;
      VfioIovaList iova = this.iovaList;
      int count = 0;
      boolean fatal = false;
      // The merged list is sorted by start, so the first candidate range only moves forward.
      int cursor = 0;
      long previousStart = 0;
      for (int i = 0; i < merged.size(); i++) {
        Region region = merged.get(i);
        iova.exclude(region);
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
          count = keep(count, decision);
        }
        for (; j >= 0; j = guests.next(end, j)) {
          ConflictDecision decision = policy.conflict(region, guests.range(j));
          fatal |= decision.severity() == Severity.FATAL;
          count = keep(count, decision);
        }
      }
      anyFatal = fatal;
      return count;
    }

    private int keep(int count, ConflictDecision decision) {
      if (count == conflicts.length) {
        conflicts = Arrays.copyOf(conflicts, 2 * count);
      }
      conflicts[count] = decision;
      return count + 1;
    }
  }
}
