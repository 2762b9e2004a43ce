package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Verdict} with every decision that led to it, as {@link Evaluator#explain} gives it: the
 * same evaluation, recorded. What {@code resvc check} prints; a VMM asks for it when it wants to say
 * why a group was refused.
 */
public record Explanation(String policy, String host, String guest, TargetKernel kernel, List<Group> groups) {
  public Explanation {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(guest, "guest");
    Objects.requireNonNull(kernel, "kernel");
    groups = List.copyOf(groups);
  }

  /** The verdict explained: each group's {@link Group#verdict()}. */
  public Verdict verdict() {
    return new Verdict(policy, host, guest, kernel, groups.stream().map(Group::verdict).toList());
  }

  public Optional<Group> group(int id) {
    return groups.stream().filter(g -> g.verdict().id() == id).findFirst();
  }

  /**
   * One IOMMU group's verdict and how it came about.
   *
   * @param verdict what {@link Evaluator#evaluate} answers for the group
   * @param devices the group's devices, in the group's order
   * @param classifications every (device, region) pair and what the classify rules made of it, device
   *     by device, each device's own regions before the group's
   * @param effectiveRegions the verdict's {@linkplain Verdict.Group#mergedRegions() merged regions},
   *     each with the devices whose regions it covers
   * @param conflictChecks every conflicts decision: each merged region with each guest range it
   *     overlaps, or once with none
   * @param findings the kernel's refusal of the attach, or each map it refuses, then each conflicts
   *     decision that is not {@code allow}
   */
  public record Group(
      Verdict.Group verdict,
      List<Device> devices,
      List<Classification> classifications,
      List<EffectiveRegion> effectiveRegions,
      List<ConflictCheck> conflictChecks,
      List<Finding> findings) {
    public Group {
      Objects.requireNonNull(verdict, "verdict");
      devices = List.copyOf(devices);
      classifications = List.copyOf(classifications);
      effectiveRegions = List.copyOf(effectiveRegions);
      conflictChecks = List.copyOf(conflictChecks);
      findings = List.copyOf(findings);
    }
  }

  /** How one region of one device was classified: the region kept ({@code effective}) or dropped. */
  public record Classification(Device device, Region input, ClassifyDecision decision, Optional<Region> effective) {}

  /** A region of the merged group list, with the devices whose regions it covers, in {@link Device#ORDER}. */
  public record EffectiveRegion(Region region, List<Device> contributors) {
    public EffectiveRegion {
      contributors = List.copyOf(contributors);
    }
  }

  /**
   * The conflicts decision for one merged region and one guest range it overlaps ({@code overlap}
   * is what they share), or for the region alone when it overlaps none.
   */
  public record ConflictCheck(EffectiveRegion region, Optional<GuestRange> guest, Optional<AddressRange> overlap,
      ConflictDecision decision) {}

  /**
   * A reported problem: a conflicts decision that is not {@code allow}, with its rule's message
   * filled in, or a step the kernel fails whatever the policy says ({@code step}, fatal, with the
   * kernel function as its provenance).
   *
   * @param region the merged region the finding is about; null for a step no region decides
   */
  public record Finding(int group, Severity severity, String message, Provenance provenance, Region region,
      Optional<GuestRange> guest, Optional<AddressRange> overlap, Optional<StepFailure> step) {}
}
