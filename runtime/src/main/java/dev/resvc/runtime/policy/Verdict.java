package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;

/** The answer for a host and a guest under a policy: one {@link Group} per IOMMU group, by id. */
public record Verdict(String policy, String host, String guest, List<Group> groups) {
  public Verdict {
    groups = List.copyOf(groups);
  }

  public boolean allAssignable() {
    return groups.stream().allMatch(Group::assignable);
  }

  public Optional<Group> group(int id) {
    return groups.stream().filter(g -> g.id() == id).findFirst();
  }

  /** The verdict for one IOMMU group. */
  public record Group(
      int id,
      List<PciAddress> devices,
      List<Classification> classifications,
      List<EffectiveRegion> effectiveRegions,
      VfioIovaList.AttachResult iova,
      List<ConflictCheck> conflictChecks,
      List<Finding> findings) {
    public Group {
      devices = List.copyOf(devices);
      classifications = List.copyOf(classifications);
      effectiveRegions = List.copyOf(effectiveRegions);
      conflictChecks = List.copyOf(conflictChecks);
      findings = List.copyOf(findings);
    }

    /** Assignable when no finding is fatal. */
    public boolean assignable() {
      return findings.stream().noneMatch(f -> f.severity() == Severity.FATAL);
    }
  }

  /** How one region of one device was classified. */
  public record Classification(PciAddress device, Region input, ClassifyDecision decision, Optional<Region> effective) {}

  /** A region of the merged group list, with the devices whose regions it covers. */
  public record EffectiveRegion(Region region, List<PciAddress> contributors) {
    public EffectiveRegion {
      contributors = List.copyOf(contributors);
    }
  }

  /** The conflicts decision for one merged region and one guest range (or none). */
  public record ConflictCheck(EffectiveRegion region, Optional<GuestRange> guest, Optional<AddressRange> overlap,
      ConflictDecision decision) {}

  /** A reported conflict: not {@code allow}. */
  public record Finding(int group, Severity severity, String message, Provenance provenance, Region region,
      Optional<GuestRange> guest, Optional<AddressRange> overlap) {}
}
