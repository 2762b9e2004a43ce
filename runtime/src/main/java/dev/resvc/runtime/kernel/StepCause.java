package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a step fails, as the facts behind it: the kernel's log line and the explanation are worked out
 * from them when read ({@link #kernelLog()}, {@link #why()}), so a verdict that only asks whether a
 * group is assignable builds no text (HostBench: building it for every refusal tripled the cost of a
 * refusal-heavy verdict). Every sentence names its section of docs/kernel-eras.md.
 */
public sealed interface StepCause {
  /** The line the kernel logs, as it logs it; empty when it logs nothing. */
  Optional<String> kernelLog();

  /** One sentence saying why, naming the era and commit. */
  String why();

  /**
   * The VFIO driver a VMM binds a device to before it assigns it, which {@code dev_warn} prints before
   * the device's message: {@code vfio-} and the bus ({@code vfio-pci}, {@code vfio-platform}, {@code
   * vfio-fsl-mc}, {@code vfio-amba}: drivers/vfio/pci/vfio_pci.c, platform/vfio_platform.c,
   * fsl-mc/vfio_fsl_mc.c, platform/vfio_amba.c).
   */
  static String boundDriver(Device device) {
    return "vfio-" + device.bus();
  }

  /** Taking DMA ownership attaches the blocking domain, which a device with a direct region refuses (§1.1). */
  record RequireDirect(Device device, Region region) implements StepCause {
    static final String LOG = "Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring"
        + " the device without a 1:1 mapping. Contact your platform vendor.";

    public RequireDirect {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(region, "region");
    }

    @Override
    public Optional<String> kernelLog() {
      return Optional.of(devWarn(device, LOG));
    }

    @Override
    public String why() {
      return device.name() + " has a direct region " + describe(region) + ": since " + KernelEra.REQUIRE_DIRECT.cite()
          + " taking DMA ownership attaches the blocking domain, which a device that requires a 1:1 mapping"
          + " refuses (docs/kernel-eras.md §1.1)";
    }
  }

  /**
   * Before v6.6 the Intel driver refuses an unmanaged domain to a device with a non-relaxable RMRR
   * (§1.2); {@code driverAssumed} when the host did not name its IOMMU driver and the RMRR said Intel.
   */
  record IntelRmrr(Device device, Region region, boolean driverAssumed) implements StepCause {
    static final String LOG = "Device is ineligible for IOMMU domain attach due to platform RMRR requirement."
        + "  Contact your platform vendor.";

    public IntelRmrr {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(region, "region");
    }

    @Override
    public Optional<String> kernelLog() {
      return Optional.of(devWarn(device, LOG));
    }

    @Override
    public String why() {
      return device.name() + " has a non-relaxable RMRR " + describe(region) + " and is neither a USB nor a display device:"
          + " before v6.6 the Intel driver refuses it an unmanaged domain (docs/kernel-eras.md §1.2)"
          + (driverAssumed ? "; the IOMMU driver is not known, and the RMRR says it is Intel's" : "");
    }
  }

  /** VFIO type1's valid IOVA list comes out empty (§2). */
  record NoValidIova(AddressRange aperture) implements StepCause {
    public NoValidIova {
      Objects.requireNonNull(aperture, "aperture");
    }

    @Override
    public Optional<String> kernelLog() {
      return Optional.empty();
    }

    @Override
    public String why() {
      return "no valid IOVA range remains in aperture " + aperture + " once every region but direct-relaxable is cut"
          + " (VFIO type1 since " + KernelEra.VFIO_IOVA_LIST.cite() + "; docs/kernel-eras.md §2)";
    }
  }

  /** MSIs not isolated and the backend's {@code allow_unsafe_interrupts} off (§7). */
  record MsiNotIsolated(boolean iommufd) implements StepCause {
    static final String TYPE1_LOG = "vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the"
        + " module param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform";

    @Override
    public Optional<String> kernelLog() {
      return iommufd ? Optional.empty() : Optional.of(TYPE1_LOG);
    }

    @Override
    public String why() {
      return iommufd
          ? "the group's MSIs are not isolated (no interrupt remapping or ITS) and iommufd's allow_unsafe_interrupts"
              + " is off; nothing is logged (docs/kernel-eras.md §7)"
          : "the group's MSIs are not isolated (no interrupt remapping or ITS) and vfio_iommu_type1's"
              + " allow_unsafe_interrupts is off (docs/kernel-eras.md §7)";
    }
  }

  /**
   * iommufd's sanity check of a device's regions (v6.6+, {@code device}) or of the merged group list
   * (v6.2–v6.5, no device): msi with sw-msi, or two sw-msi (§8).
   */
  record MsiWindowsInsane(Optional<Device> device) implements StepCause {
    public MsiWindowsInsane {
      Objects.requireNonNull(device, "device");
    }

    @Override
    public Optional<String> kernelLog() {
      return Optional.empty();
    }

    @Override
    public String why() {
      return device.isPresent()
          ? device.get().name() + " reports msi with sw-msi, or two sw-msi windows: a WARN_ON (\"Drivers must offer sane"
              + " combinations of regions\") and -EINVAL (iommufd v6.6+, docs/kernel-eras.md §8)"
          : "the group's merged list has msi with sw-msi, or two sw-msi windows: a WARN_ON and -EINVAL"
              + " (iommufd v6.2-v6.5, docs/kernel-eras.md §8)";
    }
  }

  /**
   * A guest RAM range the map refuses: it meets {@code met}, a region the backend keeps out, or lies
   * outside {@code aperture} when {@code met} is empty (§2 for VFIO type1, §8 for iommufd).
   */
  record RamNotMappable(boolean iommufd, AddressRange ram, Optional<Region> met, AddressRange aperture)
      implements StepCause {
    public RamNotMappable {
      Objects.requireNonNull(ram, "ram");
      Objects.requireNonNull(met, "met");
      Objects.requireNonNull(aperture, "aperture");
    }

    @Override
    public Optional<String> kernelLog() {
      return Optional.empty();
    }

    @Override
    public String why() {
      String what = met.map(r -> "it meets the " + r.type() + " region " + describe(r))
          .orElse("it is not inside the aperture " + aperture);
      return iommufd
          ? "guest RAM " + ram + " meets a reserved IOVA range: " + what + " (iommufd, docs/kernel-eras.md §8)"
          : "guest RAM " + ram + " is not inside one valid IOVA range: " + what + " (VFIO type1 since "
              + KernelEra.VFIO_IOVA_LIST.cite() + "; docs/kernel-eras.md §2)";
    }
  }

  /** {@code dev_warn(dev, msg)} as the log shows it. */
  private static String devWarn(Device device, String message) {
    return boundDriver(device) + " " + device.name() + ": " + message;
  }

  private static String describe(Region r) {
    return U64.hex16(r.start()) + ".." + U64.hex16(r.end()) + " (" + r.source() + ")";
  }
}
