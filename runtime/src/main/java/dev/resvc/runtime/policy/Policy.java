package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciDevice;
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
  int API_VERSION = 3;

  /** The policy's qualified name ({@code policy examples.IntelVtdKernelDefault;}). */
  String name();

  /** The {@link #API_VERSION} the implementation was built against. */
  int apiVersion();

  /**
   * The first classify rule whose condition holds for this device (a member of IOMMU group {@code
   * group}) and one of its regions (the type of {@code region} is the one the kernel gives it), on
   * {@code kernel}, else the default.
   */
  ClassifyDecision classify(TargetKernel kernel, PciDevice device, int group, Region region);

  /**
   * The decision {@link Evaluator} takes for a group member of any kind: {@link #classify} for a PCI
   * function. A member that is not PCI (a platform or fsl-mc device) keeps every region as its IOMMU
   * driver reports it ({@link #NOT_PCI}): no field of this version of the policy language describes
   * such a device, so no rule can hold for it (docs/semantics.md, "Devices that are not PCI").
   */
  default ClassifyDecision classifyMember(TargetKernel kernel, Device device, int group, Region region) {
    return device instanceof PciDevice pci ? classify(kernel, pci, group, region) : NOT_PCI;
  }

  /** What {@link #classifyMember} decides for a device that is not PCI: keep, as the kernel does. */
  ClassifyDecision NOT_PCI = ClassifyDecision.keep(Provenance.kernel("iommu_get_resv_regions"));

  /**
   * The first conflicts rule whose condition holds for a merged region of a group and a guest range it
   * overlaps ({@code guest} is null when it overlaps none), on {@code kernel}, else the default.
   */
  ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest);
}
