package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
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
 * arrays of the exact size and no streams.
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
    for (int i = 0; i < groups.length; i++) {
      groups[i] = evaluateGroup(policy, hostGroups.get(i), guest, aperture);
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
    int groupId = group.id();
    List<IommuGroup.Member> members = group.members();
    List<Region> groupRegions = group.groupRegions();
    int memberCount = members.size();
    int groupRegionCount = groupRegions.size();

    // 1. Classify, device by device: its own regions, then the group's.
    int pairs = 0;
    for (int m = 0; m < memberCount; m++) {
      pairs += members.get(m).regions().size() + groupRegionCount;
    }
    Verdict.Classification[] classifications = new Verdict.Classification[pairs];
    Region[] effective = new Region[memberCount == 0 ? groupRegionCount : pairs];
    PciAddress[] owners = new PciAddress[pairs];
    PciAddress[] devices = new PciAddress[memberCount];
    int classified = 0;
    int effectiveCount = 0;
    for (int m = 0; m < memberCount; m++) {
      IommuGroup.Member member = members.get(m);
      PciAddress address = member.device().address();
      devices[m] = address;
      List<Region> own = member.regions();
      int ownCount = own.size();
      for (int i = 0; i < ownCount + groupRegionCount; i++) {
        Region input = i < ownCount ? own.get(i) : groupRegions.get(i - ownCount);
        ClassifyDecision decision = policy.classify(member.device(), groupId, input);
        Optional<Region> result = decision.apply(input);
        classifications[classified++] = new Verdict.Classification(address, input, decision, result);
        if (result.isPresent()) {
          effective[effectiveCount] = result.get();
          owners[effectiveCount] = address;
          effectiveCount++;
        }
      }
    }
    if (memberCount == 0) {
      for (int i = 0; i < groupRegionCount; i++) {
        effective[effectiveCount++] = groupRegions.get(i);
      }
    }

    // 2. Merge as the kernel does.
    GroupRegionMerger merger = new GroupRegionMerger();
    for (int i = 0; i < effectiveCount; i++) {
      merger.insert(effective[i]);
    }
    List<Region> merged = merger.regions();
    int mergedCount = merged.size();
    Verdict.EffectiveRegion[] effectiveRegions = new Verdict.EffectiveRegion[mergedCount];
    // Without members the group's regions have no owner: contributors() then fails as it always has.
    int ownerCount = memberCount == 0 ? 0 : effectiveCount;
    PciAddress[] scratch = new PciAddress[effectiveCount];
    for (int i = 0; i < mergedCount; i++) {
      Region m = merged.get(i);
      effectiveRegions[i] =
          new Verdict.EffectiveRegion(m, contributors(m, effective, effectiveCount, owners, ownerCount, scratch));
    }

    // 3. VFIO's valid IOVA list.
    VfioIovaList.AttachResult iova = VfioIovaList.attachGroup(aperture, merged);

    // 4. Conflicts: each merged region with each guest range it overlaps, or with none.
    List<GuestRange> guestRanges = guest.ranges();
    int guestCount = guestRanges.size();
    Verdict.ConflictCheck[] checks = new Verdict.ConflictCheck[mergedCount];
    int checkCount = 0;
    Verdict.Finding[] findings = new Verdict.Finding[iova.refused() ? 1 + mergedCount : mergedCount];
    int findingCount = 0;
    if (iova.refused()) {
      findings[findingCount++] = new Verdict.Finding(groupId, Severity.FATAL,
          "no valid IOVA range remains in aperture " + aperture
              + ": VFIO refuses to attach the group (-EINVAL)",
          NO_IOVA, firstExcluded(merged), Optional.empty(), Optional.empty());
    }
    for (int i = 0; i < mergedCount; i++) {
      Verdict.EffectiveRegion er = effectiveRegions[i];
      Region region = er.region();
      boolean inverted = region.isInverted();
      long start = region.start();
      long end = region.end();
      boolean overlapsAny = false;
      for (int j = 0; !inverted && j < guestCount; j++) {
        GuestRange g = guestRanges.get(j);
        AddressRange r = g.range();
        if (Long.compareUnsigned(r.start(), end) > 0 || Long.compareUnsigned(start, r.end()) > 0) {
          continue;
        }
        overlapsAny = true;
        AddressRange overlap = new AddressRange(U64.max(start, r.start()), U64.min(end, r.end()));
        if (checkCount == checks.length) {
          checks = Arrays.copyOf(checks, checks.length + mergedCount);
        }
        if (findingCount == findings.length) {
          findings = Arrays.copyOf(findings, findings.length + mergedCount);
        }
        ConflictDecision decision = policy.conflict(region, g);
        Optional<GuestRange> guestRange = Optional.of(g);
        Optional<AddressRange> overlapRange = Optional.of(overlap);
        checks[checkCount++] = new Verdict.ConflictCheck(er, guestRange, overlapRange, decision);
        if (decision.severity() != Severity.ALLOW) {
          findings[findingCount++] = finding(groupId, decision, er, guestRange, overlapRange);
        }
      }
      if (!overlapsAny) {
        if (checkCount == checks.length) {
          checks = Arrays.copyOf(checks, checks.length + mergedCount);
        }
        if (findingCount == findings.length) {
          findings = Arrays.copyOf(findings, findings.length + mergedCount);
        }
        ConflictDecision decision = policy.conflict(region, null);
        checks[checkCount++] = new Verdict.ConflictCheck(er, Optional.empty(), Optional.empty(), decision);
        if (decision.severity() != Severity.ALLOW) {
          findings[findingCount++] = finding(groupId, decision, er, Optional.empty(), Optional.empty());
        }
      }
    }
    return new Verdict.Group(groupId, List.of(devices), List.of(classifications), List.of(effectiveRegions), iova,
        immutable(checks, checkCount), immutable(findings, findingCount));
  }

  private static Verdict.Finding finding(int groupId, ConflictDecision decision, Verdict.EffectiveRegion er,
      Optional<GuestRange> guest, Optional<AddressRange> overlap) {
    return Verdict.Finding.deferred(groupId, decision.severity(), decision.message(), er.contributors(),
        decision.provenance(), er.region(), guest, overlap);
  }

  /** The first {@code n} elements as an immutable list (which the verdict's records keep without a copy). */
  private static <T> List<T> immutable(T[] array, int n) {
    switch (n) {
      case 0:
        return List.of();
      case 1:
        return List.of(array[0]);
      case 2:
        return List.of(array[0], array[1]);
      default:
        return List.of(n == array.length ? array : Arrays.copyOf(array, n));
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

  /**
   * The devices whose effective regions a merged region covers: same type, starting inside it (or, for
   * a region that covers nothing, at its start). Sorted by address, each once.
   */
  private static List<PciAddress> contributors(Region merged, Region[] effective, int count, PciAddress[] owners,
      int ownerCount, PciAddress[] scratch) {
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
      PciAddress owner = owners[Objects.checkIndex(i, ownerCount)];
      // Insertion into the sorted prefix, skipping a device already there.
      int at = n;
      int c = 1;
      while (at > 0 && (c = scratch[at - 1].compareTo(owner)) > 0) {
        at--;
      }
      if (at > 0 && c == 0) {
        continue;
      }
      System.arraycopy(scratch, at, scratch, at + 1, n - at);
      scratch[at] = owner;
      n++;
    }
    return immutable(scratch, n);
  }
}
