package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The lists of records of a {@link Verdict.Group}, and how they are built from what the {@link
 * Evaluator} kept: the host's group, the guest, and the decision of every rule it asked, in the
 * order it asked them. Building replays the evaluator's walks without asking the policy again.
 */
record GroupLists(
    List<PciAddress> devices,
    List<Verdict.Classification> classifications,
    List<Verdict.EffectiveRegion> effectiveRegions,
    List<Verdict.ConflictCheck> conflictChecks,
    List<Verdict.Finding> findings) {
  GroupLists {
    devices = List.copyOf(devices);
    classifications = List.copyOf(classifications);
    effectiveRegions = List.copyOf(effectiveRegions);
    conflictChecks = List.copyOf(conflictChecks);
    findings = List.copyOf(findings);
  }

  /**
   * The lists of the group verdict made of {@code group}'s decisions (from {@code offset}, the
   * classify decisions for the {@code classified} (device, region) pairs in classification order,
   * then the {@code checked} conflicts decisions in check order), its merged list and its IOVA
   * result.
   */
  static GroupLists build(IommuGroup group, Object[] decisions, int offset, int classified, int checked,
      List<Region> merged, VfioIovaList.AttachResult iova, GuestOverlaps guests, AddressRange aperture) {
    int groupId = group.id();
    List<IommuGroup.Member> members = group.members();
    List<Region> groupRegions = group.groupRegions();

    // The classifications, and the effective regions in merge order with the device each came from.
    PciAddress[] devices = new PciAddress[members.size()];
    Verdict.Classification[] classifications = new Verdict.Classification[classified];
    int inputs = Math.max(classified, groupRegions.size());
    Region[] effective = new Region[inputs];
    PciAddress[] owners = new PciAddress[inputs];
    int pair = 0;
    int effectiveCount = 0;
    for (int m = 0; m < members.size(); m++) {
      IommuGroup.Member member = members.get(m);
      PciAddress address = member.device().address();
      devices[m] = address;
      List<Region> own = member.regions();
      for (int i = 0; i < own.size() + groupRegions.size(); i++) {
        Region input = i < own.size() ? own.get(i) : groupRegions.get(i - own.size());
        ClassifyDecision decision = (ClassifyDecision) decisions[offset + pair];
        Optional<Region> result = decision.apply(input);
        classifications[pair++] = new Verdict.Classification(address, input, decision, result);
        if (result.isPresent()) {
          effective[effectiveCount] = result.get();
          owners[effectiveCount] = address;
          effectiveCount++;
        }
      }
    }
    // Without members the group's regions are merged as they are and belong to no device.
    int ownerCount = effectiveCount;
    if (members.isEmpty()) {
      for (Region r : groupRegions) {
        effective[effectiveCount++] = r;
      }
    }

    Verdict.EffectiveRegion[] effectiveRegions = new Verdict.EffectiveRegion[merged.size()];
    for (int i = 0; i < effectiveRegions.length; i++) {
      Region m = merged.get(i);
      List<PciAddress> contributors = contributors(m, effective, owners, effectiveCount, ownerCount);
      effectiveRegions[i] = new Verdict.EffectiveRegion(m, contributors);
    }

    Verdict.ConflictCheck[] checks = new Verdict.ConflictCheck[checked];
    Verdict.Finding[] findings = new Verdict.Finding[checked + 1];
    int findingCount = 0;
    if (iova.refused()) {
      findings[findingCount++] = new Verdict.Finding(groupId, Severity.FATAL,
          "no valid IOVA range remains in aperture " + aperture + ": VFIO refuses to attach the group (-EINVAL)",
          Evaluator.NO_IOVA, firstExcluded(merged), Optional.empty(), Optional.empty());
    }
    int checkCount = 0;
    for (Verdict.EffectiveRegion er : effectiveRegions) {
      Region region = er.region();
      long start = region.start();
      long end = region.end();
      int j = guests.first(start, end);
      if (j < 0) {
        ConflictDecision decision = (ConflictDecision) decisions[offset + classified + checkCount];
        checks[checkCount++] = new Verdict.ConflictCheck(er, Optional.empty(), Optional.empty(), decision);
        if (decision.severity() != Severity.ALLOW) {
          findings[findingCount++] = finding(groupId, decision, er, Optional.empty(), Optional.empty());
        }
      }
      for (; j >= 0; j = guests.next(end, j)) {
        ConflictDecision decision = (ConflictDecision) decisions[offset + classified + checkCount];
        Optional<GuestRange> guest = Optional.of(guests.range(j));
        Optional<AddressRange> overlap = Optional.of(guests.overlap(start, end, j));
        checks[checkCount++] = new Verdict.ConflictCheck(er, guest, overlap, decision);
        if (decision.severity() != Severity.ALLOW) {
          findings[findingCount++] = finding(groupId, decision, er, guest, overlap);
        }
      }
    }
    if (pair != classified || checkCount != checks.length) {
      throw new IllegalStateException("group " + groupId + ": " + classified + " classify and " + checked
          + " conflicts decisions kept for " + pair + " pairs and " + checkCount + " checks");
    }
    return new GroupLists(List.of(devices), List.of(classifications), List.of(effectiveRegions), List.of(checks),
        List.of(Arrays.copyOf(findings, findingCount)));
  }

  private static Verdict.Finding finding(int groupId, ConflictDecision decision, Verdict.EffectiveRegion er,
      Optional<GuestRange> guest, Optional<AddressRange> overlap) {
    return Verdict.Finding.deferred(groupId, decision.severity(), decision.message(), er.contributors(),
        decision.provenance(), er.region(), guest, overlap);
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
   * The devices whose effective regions a merged region covers: same type, starting inside it (or,
   * for a region that covers nothing, at its start). Sorted by address, each once.
   */
  private static List<PciAddress> contributors(Region merged, Region[] effective, PciAddress[] owners, int count,
      int ownerCount) {
    PciAddress[] sorted = new PciAddress[Math.min(count, ownerCount)];
    RegionType type = merged.type();
    long start = merged.start();
    boolean inverted = merged.isInverted();
    long end = merged.end();
    int n = 0;
    for (int i = 0; i < ownerCount; i++) { // the regions of a group without members belong to no device
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
    return List.of(Arrays.copyOf(sorted, n));
  }
}
