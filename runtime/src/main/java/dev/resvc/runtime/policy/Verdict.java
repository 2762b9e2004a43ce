package dev.resvc.runtime.policy;

import dev.resvc.runtime.kernel.IommufdIoas;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer for a host and a guest under a policy, as {@link Evaluator#evaluate} gives it: one
 * {@link Group} per IOMMU group, in the host's order. It says what was decided, not why: {@link
 * Evaluator#explain} runs the same evaluation and keeps every decision ({@link Explanation}).
 *
 * @param kernel the kernel the answer is for: its release, backend and what had to be assumed
 */
public record Verdict(String policy, String host, String guest, TargetKernel kernel, List<Group> groups) {
  public Verdict {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(guest, "guest");
    Objects.requireNonNull(kernel, "kernel");
    groups = List.copyOf(groups);
  }

  public boolean allAssignable() {
    for (Group g : groups) {
      if (!g.assignable()) {
        return false;
      }
    }
    return true;
  }

  public Optional<Group> group(int id) {
    for (Group g : groups) {
      if (g.id() == id) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /**
   * The verdict for one IOMMU group.
   *
   * @param assignable the attach and every map succeed, and no conflicts rule said {@code fatal}
   * @param mergedRegions the kernel's group list of the regions the classify rules kept ({@code
   *     iommu_get_group_resv_regions}): what {@code /sys/kernel/iommu_groups/N/reserved_regions}
   *     would show under this policy
   * @param aperture the IOMMU domain aperture the group was evaluated with, which VFIO's valid
   *     IOVA ranges start from
   * @param attachFailure the attach step the kernel refuses the group at, if any
   *     ({@link dev.resvc.runtime.kernel.AssignmentSteps})
   * @param mapFailures each guest RAM range whose map fails, when the attach succeeds
   */
  public record Group(int id, boolean assignable, List<Region> mergedRegions, AddressRange aperture,
      Optional<StepFailure> attachFailure, List<StepFailure> mapFailures) {
    public Group {
      mergedRegions = List.copyOf(mergedRegions);
      Objects.requireNonNull(aperture, "aperture");
      Objects.requireNonNull(attachFailure, "attachFailure");
      mapFailures = List.copyOf(mapFailures);
    }

    /**
     * VFIO's valid IOVA ranges for the group alone in a container, or its refusal ({@code -EINVAL})
     * when none remain: {@link VfioIovaList#attachGroup} of the aperture and the merged regions,
     * worked out on each call. The evaluator learns whether VFIO refuses more cheaply (it is part of
     * {@link #assignable}); building the list for every group would cost a third of the merge.
     */
    public VfioIovaList.AttachResult iova() {
      return VfioIovaList.attachGroup(aperture, mergedRegions);
    }

    /** What iommufd's {@code IOMMU_IOAS_IOVA_RANGES} reports for the group alone in an IOAS ({@link IommufdIoas}). */
    public List<AddressRange> ioasIovaRanges() {
      return IommufdIoas.iovaRanges(aperture, mergedRegions);
    }
  }
}
