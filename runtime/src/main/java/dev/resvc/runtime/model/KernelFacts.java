package dev.resvc.runtime.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What a host tells about its kernel, as far as it tells: each fact is empty when the machine or
 * snapshot did not show it (a sysfs-only snapshot has none of them). Where the answer needs a fact
 * that is missing, {@code kernel.TargetKernel} assumes and says so.
 *
 * @param release {@code /proc/sys/kernel/osrelease}
 * @param driver the IOMMU driver ({@code /sys/class/iommu/} names, or the firmware table read)
 * @param commandLine {@code /proc/cmdline}
 * @param interruptRemapping whether interrupt remapping is enabled (x86), or MSIs are otherwise
 *     isolated (an Arm GICv3 ITS): the host's evidence, as {@link InterruptRemapping}
 * @param vfioAllowUnsafeInterrupts {@code /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts}
 * @param iommufdAllowUnsafeInterrupts {@code /sys/module/iommufd/parameters/allow_unsafe_interrupts}
 * @param amdEfr2 the AMD IOMMU's Extended Feature 2 register, where sysfs showed it (v6.0+)
 */
public record KernelFacts(Optional<KernelRelease> release, Optional<IommuDriver> driver, Optional<String> commandLine,
    Optional<InterruptRemapping> interruptRemapping, Optional<Boolean> vfioAllowUnsafeInterrupts,
    Optional<Boolean> iommufdAllowUnsafeInterrupts, Optional<Long> amdEfr2) {
  public KernelFacts {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(commandLine, "commandLine");
    Objects.requireNonNull(interruptRemapping, "interruptRemapping");
    Objects.requireNonNull(vfioAllowUnsafeInterrupts, "vfioAllowUnsafeInterrupts");
    Objects.requireNonNull(iommufdAllowUnsafeInterrupts, "iommufdAllowUnsafeInterrupts");
    Objects.requireNonNull(amdEfr2, "amdEfr2");
  }

  /** Whether MSIs are isolated, and the evidence that says so, fit to show a user. */
  public record InterruptRemapping(boolean isolated, String evidence) {
    public InterruptRemapping {
      Objects.requireNonNull(evidence, "evidence");
    }
  }

  /** Nothing known. */
  public static KernelFacts unknown() {
    return new KernelFacts(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  public KernelFacts withRelease(KernelRelease value) {
    return new KernelFacts(Optional.of(value), driver, commandLine, interruptRemapping, vfioAllowUnsafeInterrupts,
        iommufdAllowUnsafeInterrupts, amdEfr2);
  }

  public KernelFacts withDriver(IommuDriver value) {
    return new KernelFacts(release, Optional.of(value), commandLine, interruptRemapping, vfioAllowUnsafeInterrupts,
        iommufdAllowUnsafeInterrupts, amdEfr2);
  }

  public KernelFacts withCommandLine(String value) {
    return new KernelFacts(release, driver, Optional.of(value), interruptRemapping, vfioAllowUnsafeInterrupts,
        iommufdAllowUnsafeInterrupts, amdEfr2);
  }

  public KernelFacts withInterruptRemapping(InterruptRemapping value) {
    return new KernelFacts(release, driver, commandLine, Optional.of(value), vfioAllowUnsafeInterrupts,
        iommufdAllowUnsafeInterrupts, amdEfr2);
  }

  public KernelFacts withVfioAllowUnsafeInterrupts(boolean value) {
    return new KernelFacts(release, driver, commandLine, interruptRemapping, Optional.of(value),
        iommufdAllowUnsafeInterrupts, amdEfr2);
  }

  public KernelFacts withIommufdAllowUnsafeInterrupts(boolean value) {
    return new KernelFacts(release, driver, commandLine, interruptRemapping, vfioAllowUnsafeInterrupts,
        Optional.of(value), amdEfr2);
  }

  public KernelFacts withAmdEfr2(long value) {
    return new KernelFacts(release, driver, commandLine, interruptRemapping, vfioAllowUnsafeInterrupts,
        iommufdAllowUnsafeInterrupts, Optional.of(value));
  }
}
