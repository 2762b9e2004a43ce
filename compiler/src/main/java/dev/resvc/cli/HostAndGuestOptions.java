package dev.resvc.cli;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.kernel.AssignmentSteps;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.KernelRelease;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The host, guest and kernel options of the commands that evaluate a policy ({@code check}, {@code
 * explain}).
 */
final class HostAndGuestOptions {
  @Option(names = "--host", defaultValue = "/sys", paramLabel = "PATH",
      description = "/sys (the default) or a snapshot made by 'resvc snapshot'.")
  Path host;

  @Option(names = "--dmar", paramLabel = "FILE", description = "A DMAR table to use instead of the host's own.")
  String dmar;

  @Option(names = "--ivrs", paramLabel = "FILE", description = "An IVRS table to use instead of the host's own.")
  String ivrs;

  @Option(names = "--iort", paramLabel = "FILE", description = "An IORT table to use instead of the host's own.")
  String iort;

  @Option(names = "--regions", defaultValue = "firmware", paramLabel = "FROM",
      description = "firmware (the default: rebuilt from the tables when there are any) or sysfs (the lines the"
          + " running kernel printed).")
  HostLoader.RegionsFrom regions;

  @Option(names = "--guest", defaultValue = "q35", paramLabel = "SPEC",
      description = "A QEMU machine type (q35, pc, virt: QEMU 10.2's; pc-q35-X.Y, pc-i440fx-X.Y, virt-X.Y) and"
          + " its options ram=SIZE (default 4G), max-ram-below-4g=SIZE, cpu=amd|intel, highmem=on|off, e.g."
          + " pc-q35-7.1,ram=1T,cpu=amd; default ${DEFAULT-VALUE}. Or a layout file.")
  String guest;

  @Option(names = "--kernel", paramLabel = "X.Y[.Z]",
      description = "The kernel release to answer for (such as 5.14 or 6.8.0-45-generic); default: the host's,"
          + " or the newest behaviour modelled when the host does not tell.")
  String kernel;

  @Option(names = "--backend", paramLabel = "BACKEND",
      description = "How the VMM hands devices to the guest: vfio-type1 (the default) or iommufd (Linux 6.2+).")
  String backend;

  /** The host, its regions rebuilt as the driver of {@code --kernel} (else the host's release) builds them. */
  HostLoader.Loaded loadHost() throws InputException, UsageException {
    return HostLoader.load(host, HostLoader.TableFiles.of(dmar, ivrs, iort), regions, release());
  }

  GuestLayout guestLayout() throws InputException, UsageException {
    return PolicyInput.guest(guest);
  }

  /** The kernel the answer is for: {@code host}'s facts, with {@code --kernel} and {@code --backend} over them. */
  TargetKernel targetKernel(Host host) throws UsageException {
    Optional<KernelRelease> release = release();
    Optional<Backend> chosen = Optional.empty();
    if (backend != null) {
      chosen = Backend.byResvName(backend);
      if (chosen.isEmpty()) {
        throw new UsageException("--backend '" + MessageText.clean(backend, 64) + "': expected vfio-type1 or iommufd");
      }
    }
    TargetKernel target = TargetKernel.resolve(host.kernel(), release, chosen);
    try {
      AssignmentSteps.checkBackend(target);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--backend iommufd: " + e.getMessage());
    }
    return target;
  }

  /** {@code --kernel}, when given. */
  private Optional<KernelRelease> release() throws UsageException {
    if (kernel == null) {
      return Optional.empty();
    }
    return Optional.of(kernelRelease(kernel));
  }

  /** One release given to {@code --kernel} ({@code check}, {@code explain}, {@code diff}); a bad one is a usage error. */
  static KernelRelease kernelRelease(String value) throws UsageException {
    try {
      return KernelRelease.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--kernel: " + e.getMessage());
    }
  }
}
