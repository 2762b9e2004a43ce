package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.KernelRelease;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel an answer is for: the release whose eras apply, the backend the VMM uses, whether MSIs
 * are isolated and whether that backend's {@code allow_unsafe_interrupts} is set. Built from a host's
 * {@link KernelFacts} and the user's overrides by {@link #resolve}; what had to be assumed is listed in
 * {@link #assumptions()}, so every answer can say so.
 *
 * @param release the release; {@link #NEWEST} when unknown
 * @param backend the VFIO backend
 * @param driver the IOMMU driver, when known (the Intel-only refusal before 6.6 needs it)
 * @param msiIsolated whether the group's MSIs are isolated ({@code iommu_group_has_isolated_msi})
 * @param allowUnsafeInterrupts the backend's {@code allow_unsafe_interrupts} module parameter
 * @param assumptions what was assumed for lack of a fact, in words fit to show a user
 */
public record TargetKernel(KernelRelease release, Backend backend, Optional<IommuDriver> driver, boolean msiIsolated,
    boolean allowUnsafeInterrupts, List<String> assumptions) {
  /**
   * The release an unknown kernel is answered as: the newest behaviour resvc models. Raise it when
   * docs/kernel-eras.md gains a later era.
   */
  public static final KernelRelease NEWEST = KernelRelease.of(6, 16);

  public TargetKernel {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(driver, "driver");
    assumptions = List.copyOf(assumptions);
  }

  /** The newest kernel with VFIO type1, MSIs isolated: the answer resvc gave before kernels were an input. */
  public static TargetKernel newest() {
    return new TargetKernel(NEWEST, Backend.VFIO_TYPE1, Optional.empty(), true, false, List.of());
  }

  /**
   * The kernel of a host with {@code facts}, with {@code release} and {@code backend} overriding the
   * facts when present. A missing release means {@link #NEWEST}; missing MSI-isolation evidence means
   * isolated (as on almost every current machine); a missing module parameter means off (its
   * default). Each of the first two is recorded in {@link #assumptions()}.
   */
  public static TargetKernel resolve(KernelFacts facts, Optional<KernelRelease> release, Optional<Backend> backend) {
    List<String> assumptions = new ArrayList<>();
    KernelRelease r = release.or(facts::release).orElse(null);
    if (r == null) {
      r = NEWEST;
      assumptions.add("kernel release unknown: answered as the newest behaviour modelled (" + NEWEST.version() + ")");
    }
    Backend b = backend.orElse(Backend.VFIO_TYPE1);
    boolean isolated;
    if (facts.interruptRemapping().isPresent()) {
      isolated = facts.interruptRemapping().get().isolated();
    } else {
      isolated = true;
      assumptions.add("MSI isolation not shown by the host: assumed (interrupt remapping or an ITS, as on almost"
          + " every current machine)");
    }
    boolean unsafe = b == Backend.IOMMUFD
        ? facts.iommufdAllowUnsafeInterrupts().orElse(false)
        : facts.vfioAllowUnsafeInterrupts().orElse(false);
    return new TargetKernel(r, b, facts.driver(), isolated, unsafe, assumptions);
  }

  public TargetKernel withRelease(KernelRelease value) {
    return new TargetKernel(value, backend, driver, msiIsolated, allowUnsafeInterrupts, assumptions);
  }

  public TargetKernel withBackend(Backend value) {
    return new TargetKernel(release, value, driver, msiIsolated, allowUnsafeInterrupts, assumptions);
  }

  /** This kernel with {@code more} assumed as well (such as the VT-d scalable mode an aperture depends on). */
  public TargetKernel withAssumptions(List<String> more) {
    List<String> all = new ArrayList<>(assumptions);
    all.addAll(more);
    return new TargetKernel(release, backend, driver, msiIsolated, allowUnsafeInterrupts, all);
  }
}
