package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

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
 * <p>The verdict is built without rendering anything: a finding keeps its rule's message template and
 * what the placeholders stand for, and renders the text when {@link Verdict.Finding#message()} is
 * first called. The loops here run once per (device, region) pair and per merged region, so they use
 * no streams or {@code Optional} chains, and fill working arrays that each list of a group is copied
 * out of once.
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
   * One evaluation's working arrays, reused from group to group: each list of a group is copied out of
   * them once, at its size. Not shared between evaluations, so evaluating stays thread-safe.
   */
  private static final class Work {
    private final GuestRange[] guestRanges;
    /** The guest ranges' bounds, in ascending order (the layout keeps its ranges sorted and disjoint). */
    private final long[] guestStarts;
    private final long[] guestEnds;
    /** {@code Optional.of} each guest range, made once for all the checks that name it. */
    private final Optional<GuestRange>[] guestOptionals;
    private PciAddress[] devices = new PciAddress[8];
    private Verdict.Classification[] classifications = new Verdict.Classification[16];
    private Region[] effective = new Region[16];
    private PciAddress[] owners = new PciAddress[16];
    private PciAddress[] contributors = new PciAddress[16];
    private Verdict.EffectiveRegion[] effectiveRegions = new Verdict.EffectiveRegion[16];
    private Verdict.ConflictCheck[] checks = new Verdict.ConflictCheck[16];
    private Verdict.Finding[] findings = new Verdict.Finding[16];
    /** Set by {@link #classify}: how many regions it left in {@link #effective}. */
    private int effectiveCount;
    /** Set by {@link #conflicts}: how many findings are in {@link #findings}. */
    private int findingCount;

    @SuppressWarnings("unchecked")
    Work(GuestLayout guest) {
      guestRanges = guest.ranges().toArray(new GuestRange[0]);
      guestOptionals = new Optional[guestRanges.length];
      guestStarts = new long[guestRanges.length];
      guestEnds = new long[guestRanges.length];
      for (int i = 0; i < guestRanges.length; i++) {
        guestOptionals[i] = Optional.of(guestRanges[i]);
        guestStarts[i] = guestRanges[i].range().start();
        guestEnds[i] = guestRanges[i].range().end();
      }
    }

    /*
     * The phases are methods of their own: C2 inlines into each as much as its budget allows, where one
     * method holding all of them spent the budget on the merge and called the rest out of line.
     */
    Verdict.Group evaluateGroup(Policy policy, IommuGroup group, AddressRange aperture) {
      int groupId = group.id();
      int classified = classify(policy, group);
      int effectiveCount = this.effectiveCount;
      // Without members the group's regions are merged as they are and belong to no device.
      int ownerCount = effectiveCount;
      if (group.members().isEmpty()) {
        List<Region> groupRegions = group.groupRegions();
        for (int i = 0; i < groupRegions.size(); i++) {
          effective[effectiveCount++] = groupRegions.get(i);
        }
      }
      List<Region> merged = merge(effectiveCount);
      int mergedCount = merged.size();
      if (effectiveRegions.length < mergedCount) {
        effectiveRegions = new Verdict.EffectiveRegion[mergedCount];
      }
      for (int i = 0; i < mergedCount; i++) {
        Region m = merged.get(i);
        effectiveRegions[i] = new Verdict.EffectiveRegion(m, contributors(m, effectiveCount, ownerCount));
      }
      VfioIovaList.AttachResult iova = VfioIovaList.attachGroup(aperture, merged);
      int findingCount = 0;
      if (iova.refused()) {
        findings[findingCount++] = new Verdict.Finding(groupId, Severity.FATAL,
            "no valid IOVA range remains in aperture " + aperture
                + ": VFIO refuses to attach the group (-EINVAL)",
            NO_IOVA, firstExcluded(merged), Optional.empty(), Optional.empty());
      }
      int checkCount = conflicts(policy, groupId, mergedCount, findingCount);
      return new Verdict.Group(groupId, listOf(devices, group.members().size()), listOf(classifications, classified),
          listOf(effectiveRegions, mergedCount), iova, listOf(checks, checkCount), listOf(findings, this.findingCount));
    }

    /**
     * Classifies every (device, region) pair of the group, device by device, its own regions then the
     * group's, into {@link #classifications}; the regions kept go to {@link #effective} with their
     * owners. Returns the number of classifications.
     */
    private int classify(Policy policy, IommuGroup group) {
      int groupId = group.id();
      List<IommuGroup.Member> members = group.members();
      List<Region> groupRegions = group.groupRegions();
      int memberCount = members.size();
      int groupRegionCount = groupRegions.size();
      int pairs = 0;
      for (int m = 0; m < memberCount; m++) {
        pairs += members.get(m).regions().size() + groupRegionCount;
      }
      if (devices.length < memberCount) {
        devices = new PciAddress[memberCount];
      }
      int inputs = Math.max(pairs, groupRegionCount);
      if (classifications.length < inputs) {
        classifications = new Verdict.Classification[inputs];
        effective = new Region[inputs];
        owners = new PciAddress[inputs];
        contributors = new PciAddress[inputs];
      }
      Verdict.Classification[] classifications = this.classifications;
      Region[] effective = this.effective;
      PciAddress[] owners = this.owners;
      int classified = 0;
      int effectiveCount = 0;
      for (int m = 0; m < memberCount; m++) {
        IommuGroup.Member member = members.get(m);
        PciDevice device = member.device();
        PciAddress address = device.address();
        devices[m] = address;
        List<Region> own = member.regions();
        int ownCount = own.size();
        for (int i = 0; i < ownCount + groupRegionCount; i++) {
          Region input = i < ownCount ? own.get(i) : groupRegions.get(i - ownCount);
          ClassifyDecision decision = policy.classify(device, groupId, input);
          Optional<Region> result = decision.apply(input);
          classifications[classified++] = new Verdict.Classification(address, input, decision, result);
          if (result.isPresent()) {
            effective[effectiveCount] = result.get();
            owners[effectiveCount] = address;
            effectiveCount++;
          }
        }
      }
      this.effectiveCount = effectiveCount;
      return classified;
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
     * Runs the conflicts rules for the first {@code mergedCount} {@link #effectiveRegions}: each with
     * each guest range it overlaps, or once with none. Findings go after the first {@code findings}
     * already in {@link #findings}; returns the number of checks.
     */
    private int conflicts(Policy policy, int groupId, int mergedCount, int findings) {
      int checkCount = 0;
      int findingCount = findings;
      long[] guestStarts = this.guestStarts;
      long[] guestEnds = this.guestEnds;
      for (int i = 0; i < mergedCount; i++) {
        Verdict.EffectiveRegion er = effectiveRegions[i];
        Region region = er.region();
        boolean inverted = region.isInverted();
        long start = region.start();
        long end = region.end();
        boolean overlapsAny = false;
        for (int j = 0; !inverted && j < guestStarts.length; j++) {
          long guestStart = guestStarts[j];
          if (Long.compareUnsigned(guestStart, end) > 0) {
            break; // this range and all after it start above the region
          }
          long guestEnd = guestEnds[j];
          if (Long.compareUnsigned(start, guestEnd) > 0) {
            continue;
          }
          overlapsAny = true;
          Optional<AddressRange> overlap =
              Optional.of(new AddressRange(U64.max(start, guestStart), U64.min(end, guestEnd)));
          ConflictDecision decision = policy.conflict(region, guestRanges[j]);
          checkCount = check(checkCount, new Verdict.ConflictCheck(er, guestOptionals[j], overlap, decision));
          if (decision.severity() != Severity.ALLOW) {
            findingCount = finding(findingCount, groupId, decision, er, guestOptionals[j], overlap);
          }
        }
        if (!overlapsAny) {
          ConflictDecision decision = policy.conflict(region, null);
          checkCount = check(checkCount, new Verdict.ConflictCheck(er, Optional.empty(), Optional.empty(), decision));
          if (decision.severity() != Severity.ALLOW) {
            findingCount = finding(findingCount, groupId, decision, er, Optional.empty(), Optional.empty());
          }
        }
      }
      this.findingCount = findingCount;
      return checkCount;
    }

    private int check(int count, Verdict.ConflictCheck check) {
      if (count == checks.length) {
        checks = Arrays.copyOf(checks, 2 * count);
      }
      checks[count] = check;
      return count + 1;
    }

    private int finding(int count, int groupId, ConflictDecision decision, Verdict.EffectiveRegion er,
        Optional<GuestRange> guest, Optional<AddressRange> overlap) {
      if (count == findings.length) {
        findings = Arrays.copyOf(findings, 2 * count);
      }
      findings[count] = Verdict.Finding.deferred(groupId, decision.severity(), decision.message(), er.contributors(),
          decision.provenance(), er.region(), guest, overlap);
      return count + 1;
    }

    /**
     * The devices whose effective regions a merged region covers: same type, starting inside it (or,
     * for a region that covers nothing, at its start). Sorted by address, each once.
     */
    private List<PciAddress> contributors(Region merged, int count, int ownerCount) {
      Region[] effective = this.effective;
      PciAddress[] sorted = this.contributors;
      RegionType type = merged.type();
      long start = merged.start();
      boolean inverted = merged.isInverted();
      long end = merged.end();
      int n = 0;
      for (int i = 0; i < count; i++) {
        Region r = effective[i];
        if (r.type() != type) {
          continue;
        }
        long s = r.start();
        boolean inside = inverted
            ? s == start
            : Long.compareUnsigned(start, s) <= 0 && Long.compareUnsigned(s, end) <= 0;
        if (!inside) {
          continue;
        }
        if (i >= ownerCount) {
          continue; // a region of a group without members: no device contributes it
        }
        PciAddress owner = owners[i];
        // Insertion into the sorted prefix, skipping a device already there.
        int at = n;
        int c = 1;
        while (at > 0 && (c = sorted[at - 1].compareTo(owner)) > 0) {
          at--;
        }
        if (at > 0 && c == 0) {
          continue;
        }
        System.arraycopy(sorted, at, sorted, at + 1, n - at);
        sorted[at] = owner;
        n++;
      }
      return listOf(sorted, n);
    }
  }

  /**
   * The first {@code n} elements as an immutable list, which the verdict's records keep as it is. Up to
   * ten elements, {@code List.of} with as many arguments takes the array it is called with as its own:
   * one array, not the two that {@code List.of(array)} and {@code List.copyOf} make.
   */
  private static <T> List<T> listOf(T[] a, int n) {
    switch (n) {
      case 0:
        return List.of();
      case 1:
        return List.of(a[0]);
      case 2:
        return List.of(a[0], a[1]);
      case 3:
        return List.of(a[0], a[1], a[2]);
      case 4:
        return List.of(a[0], a[1], a[2], a[3]);
      case 5:
        return List.of(a[0], a[1], a[2], a[3], a[4]);
      case 6:
        return List.of(a[0], a[1], a[2], a[3], a[4], a[5]);
      case 7:
        return List.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      case 8:
        return List.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
      default:
        return List.of(Arrays.copyOf(a, n));
    }
  }

  /** The region that VFIO cut first: an empty list means at least one region was not relaxable. */
  private static Region firstExcluded(List<Region> merged) {
    for (Region r : merged) {
      if (r.type() != RegionType.DIRECT_RELAXABLE) {
        return r;
      }
    }
    throw new NoSuchElementException("No value present");
  }
}
