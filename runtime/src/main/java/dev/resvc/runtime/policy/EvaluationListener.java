package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Evaluator}'s walk over one IOMMU group tells as it goes, in this order: each
 * classification and each region it inserts into the merge, the merged list and the steps the
 * kernel fails, then each conflicts check. The findings are what these say: the failed steps, and
 * each check whose decision is not {@code allow}. {@link #IGNORE} is the fast path's listener, {@link
 * GroupRecorder} the explaining path's; the walk is the same code for both, so the two cannot
 * disagree.
 */
sealed interface EvaluationListener permits EvaluationListener.Ignore, GroupRecorder {
  /** Hears nothing: {@link Evaluator#evaluate}'s listener, whose calls the JIT removes. */
  EvaluationListener IGNORE = new Ignore();

  /**
   * A (device, region) pair and the classify decision for it; {@code effective} is the region the
   * decision keeps, or null when it drops it.
   */
  void classified(Device device, Region input, ClassifyDecision decision, Region effective);

  /**
   * A region inserted into the group's merge, in the kernel's order of insertion: a region a classify
   * decision kept, from {@code device}, or (with {@code device} null) a region of a group without
   * members, which is merged as it is.
   */
  void effective(Region region, Device device);

  /**
   * The group's merged list ({@code iommu_get_group_resv_regions}), the attach step the kernel
   * refuses it at, if any, and each map it refuses ({@code kernel.AssignmentSteps}).
   */
  void merged(List<Region> regions, Optional<StepFailure> attachFailure, List<StepFailure> mapFailures);

  /**
   * The conflicts decision for merged region {@code index} of {@link #merged}'s list and {@code
   * guest}, a range it overlaps, or null when it overlaps none.
   */
  void checked(int index, GuestRange guest, ConflictDecision decision);

  /** The listener that hears nothing. */
  final class Ignore implements EvaluationListener {
    private Ignore() {}

    @Override
    public void classified(Device device, Region input, ClassifyDecision decision, Region effective) {}

    @Override
    public void effective(Region region, Device device) {}

    @Override
    public void merged(List<Region> regions, Optional<StepFailure> attachFailure, List<StepFailure> mapFailures) {}

    @Override
    public void checked(int index, GuestRange guest, ConflictDecision decision) {}
  }
}
