package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;

/**
 * What a compiled {@code .resv} policy (or the reference interpreter) implements: the two questions
 * a policy answers. Everything else — merging, the IOVA list, the verdict — is done by {@link
 * Evaluator}, the same code for every engine.
 *
 * <p>Implementations must be immutable and thread-safe, and must not allocate per call: return
 * decisions built ahead of time.
 */
public interface Policy {
  /** The version of this interface; bumped on any incompatible change. */
  int API_VERSION = 4;

  /** The policy's qualified name ({@code policy examples.IntelVtdKernelDefault;}). */
  String name();

  /** The {@link #API_VERSION} the implementation was built against. */
  int apiVersion();

  /**
   * The first classify rule whose condition holds for this device (a member of IOMMU group {@code
   * group}, a PCI function or not) and one of its regions (the type of {@code region} is the one the
   * kernel gives it), on {@code kernel}, else the default. Since version 4 the device is any {@link
   * Device}: tests of PCI-only fields are false for the others (docs/semantics.md).
   */
  ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region);

  /**
   * The first conflicts rule whose condition holds for a merged region of a group and a guest range it
   * overlaps ({@code guest} is null when it overlaps none), on {@code kernel}, else the default.
   */
  ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest);
}
