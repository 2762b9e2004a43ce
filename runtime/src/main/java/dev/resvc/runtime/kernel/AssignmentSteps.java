package dev.resvc.runtime.kernel;

import dev.resvc.runtime.kernel.StepFailure.Stage;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The steps of handing one IOMMU group to a VM as the kernel in force takes them, and which of them
 * fails: the first attach step that refuses the group, or, when the attach succeeds, every guest RAM
 * range the map refuses (docs/kernel-eras.md §1, §2, §7, §8). Each failure is a {@link StepFailure}
 * with the call, the errno and the line the kernel logs.
 *
 * <p>Attach, in the order the kernel runs the checks:
 *
 * <ul>
 *   <li>VFIO type1: {@code VFIO_GROUP_SET_CONTAINER} claims DMA ownership, which attaches the blocking
 *       domain: from v6.6 a member with an effective {@code direct} region is refused, -EINVAL (§1.1).
 *       Then {@code VFIO_SET_IOMMU} ({@code vfio_iommu_type1_attach_group}): the domain attach, which
 *       the Intel driver refuses before v6.6 for a member with a non-relaxable RMRR, -EPERM (§1.2);
 *       from v5.4 an empty valid IOVA list, -EINVAL (§2); MSIs not isolated and {@code
 *       allow_unsafe_interrupts} off, -EPERM (§7).
 *   <li>iommufd v6.6+: {@code VFIO_DEVICE_BIND_IOMMUFD} ({@code iommufd_device_bind}) checks MSI
 *       isolation (-EPERM, nothing logged) <em>before</em> it claims DMA ownership (-EINVAL, §1.1), as
 *       the torvalds/linux@03c9b102bea6 copy of device.c does; then {@code
 *       VFIO_DEVICE_ATTACH_IOMMUFD_PT}: a device reporting {@code msi} with {@code sw-msi}, or two
 *       {@code sw-msi}, -EINVAL (a {@code WARN_ON}, §8). An empty IOVA space never refuses.
 *   <li>iommufd v6.2–v6.5: everything at attach, in {@code iommufd_device_do_attach}'s order: the
 *       reserved-region sanity check over the merged group list, MSI isolation, then the domain
 *       attach (the Intel refusal). Reached from VFIO only through the group path, where the attach
 *       happens at {@code VFIO_GROUP_GET_DEVICE_FD} (UNVERIFIED in a kernel copy: open question 5).
 * </ul>
 *
 * <p>Map (only when the attach succeeds), each guest RAM range: VFIO type1 from v5.4 {@code
 * VFIO_IOMMU_MAP_DMA} must fall inside one node of the valid IOVA list (-EINVAL; before v5.4 nothing
 * is checked, §2); iommufd {@code IOMMU_IOAS_MAP} must meet no reservation ({@link IommufdIoas},
 * -EINVAL, §8).
 *
 * <p>A VMM binds every member to {@code vfio-pci} before it assigns a group, so a device's {@code
 * dev_warn} line is prefixed as {@code dev_warn} prints it for a device bound to that driver: {@code
 * "vfio-pci 0000:03:00.0: "} ({@code dev_driver_string}, then {@code dev_name}).
 *
 * <p>Use one instance per evaluation: for each group {@link #beginGroup}, then for each member {@link
 * #device} and each of its effective regions {@link #region}, then {@link #attach} and, when it
 * succeeds, {@link #map}; {@link #of} does all that for one group. Nothing is allocated unless a step
 * fails. Mutable; not thread-safe.
 */
public final class AssignmentSteps {
  private final TargetKernel kernel;
  private final boolean driverIsIntel;
  private final boolean iommufd;
  /** The era boundaries ({@link KernelEra}), decided once per evaluation. */
  private final boolean iovaList54;
  private final boolean requireDirect;
  private final boolean iommufdPerDevice;
  private final AddressRange aperture;
  /** The guest RAM ranges' bounds, interleaved: range {@code i} is {@code [ram[2i], ram[2i + 1]]}. */
  private final long[] ram;
  /** For the exact type1 map check, needed only with a region that wraps. */
  private final VfioIovaList iovaList = new VfioIovaList();

  // What the group's members have told so far: the first of each kind of offending device.
  private Device current;
  private int currentMsi;
  private int currentSwMsi;
  private Device directDevice;
  private Region directRegion;
  private Device rmrrDevice;
  private Region rmrrRegion;
  private Device msiMixDevice;

  /**
   * @param guestRam the guest's RAM ranges, which the VMM maps for DMA
   * @throws IllegalArgumentException for iommufd on a release before 6.2, which had no iommufd
   */
  public AssignmentSteps(TargetKernel kernel, AddressRange aperture, List<AddressRange> guestRam) {
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    this.aperture = Objects.requireNonNull(aperture, "aperture");
    driverIsIntel = kernel.driver().orElse(null) == IommuDriver.INTEL;
    checkBackend(kernel);
    iommufd = kernel.backend() == Backend.IOMMUFD;
    iovaList54 = KernelEra.VFIO_IOVA_LIST.in(kernel.release());
    requireDirect = KernelEra.REQUIRE_DIRECT.in(kernel.release());
    iommufdPerDevice = KernelEra.IOMMUFD_PER_DEVICE.in(kernel.release());
    ram = new long[2 * guestRam.size()];
    for (int i = 0; i < guestRam.size(); i++) {
      ram[2 * i] = guestRam.get(i).start();
      ram[2 * i + 1] = guestRam.get(i).end();
    }
  }
  /** The domain aperture these steps check against. */
  public AddressRange aperture() {
    return aperture;
  }


  /**
   * Refuses a kernel that cannot be: iommufd on a release before 6.2, which had none (docs/kernel-eras.md §8).
   *
   * @throws IllegalArgumentException saying so, fit to show a user
   */
  public static void checkBackend(TargetKernel kernel) {
    if (kernel.backend() == Backend.IOMMUFD && !KernelEra.IOMMUFD.in(kernel.release())) {
      throw new IllegalArgumentException("iommufd first shipped in Linux " + KernelEra.IOMMUFD.since().version()
          + "; kernel " + kernel.release().version()
          + " has only VFIO type1");
    }
  }

  /** The outcome for one group: the attach failure, or the map failures (none when the attach fails). */
  public record Outcome(Optional<StepFailure> attach, List<StepFailure> maps) {
    public Outcome {
      Objects.requireNonNull(attach, "attach");
      maps = List.copyOf(maps);
    }

    public boolean succeeds() {
      return attach.isEmpty() && maps.isEmpty();
    }
  }

  /**
   * The steps for one group whose members have the given effective regions (for a host read from
   * sysfs alone, each member's list includes the group's regions) and whose merged list is {@code
   * merged}.
   */
  public static Outcome of(TargetKernel kernel, List<IommuGroup.Member> members, List<Region> merged,
      AddressRange aperture, List<AddressRange> guestRam) {
    AssignmentSteps steps = new AssignmentSteps(kernel, aperture, guestRam);
    steps.beginGroup();
    for (IommuGroup.Member m : members) {
      steps.device(m.device());
      m.regions().forEach(steps::region);
    }
    Optional<StepFailure> attach = steps.attach(merged);
    return new Outcome(attach, attach.isPresent() ? List.of() : steps.map(merged));
  }

  /** Forgets the previous group. */
  public void beginGroup() {
    current = null;
    directDevice = null;
    directRegion = null;
    rmrrDevice = null;
    rmrrRegion = null;
    msiMixDevice = null;
  }

  /** The next member of the group; the regions {@link #region} is told next are its effective regions. */
  public void device(Device device) {
    current = device;
    currentMsi = 0;
    currentSwMsi = 0;
  }

  /** An effective region of the current member (after the policy's classification). */
  public void region(Region r) {
    RegionType type = r.type();
    if (type == RegionType.DIRECT) {
      if (directDevice == null) {
        directDevice = current;
        directRegion = r;
      }
      if (rmrrDevice == null && isRmrr(r) && !rmrrIsRelaxable(current)) {
        rmrrDevice = current;
        rmrrRegion = r;
      }
    } else if (type == RegionType.MSI) {
      currentMsi++;
    } else if (type == RegionType.SW_MSI) {
      currentSwMsi++;
    }
    if (msiMixDevice == null && insane(currentMsi, currentSwMsi)) {
      msiMixDevice = current;
    }
  }

  /**
   * Whether the Intel driver's {@code device_has_rmrr} sees {@code r}: an RMRR, or a sysfs line when
   * the driver is known to be Intel's (sysfs cannot tell an RMRR from the floppy range, so a sysfs
   * {@code direct} line counts as an RMRR). The floppy range never counts (§1.2).
   */
  private boolean isRmrr(Region r) {
    return r.source() == RegionSource.RMRR || r.source() == RegionSource.SYSFS && driverIsIntel;
  }

  /**
   * {@code device_rmrr_is_relaxable} (drivers/iommu/intel/iommu.c): a PCI USB or display controller; a
   * device that is not PCI never is ({@code if (!dev_is_pci(dev)) return false}).
   */
  private static boolean rmrrIsRelaxable(Device device) {
    return device instanceof PciDevice p && PciClasses.isUsbOrDisplay(p.classCode());
  }

  /** {@code iopt_table_enforce_dev_resv_regions}' test: both msi and sw-msi, or more than one sw-msi. */
  private static boolean insane(int msi, int swMsi) {
    return swMsi > 1 || swMsi > 0 && msi > 0;
  }

  /** The first attach step that fails for the group told since {@link #beginGroup}, with merged list {@code merged}. */
  public Optional<StepFailure> attach(List<Region> merged) {
    return iommufd ? attachIommufd(merged) : attachType1(merged);
  }

  private Optional<StepFailure> attachType1(List<Region> merged) {
    if (requireDirect && directDevice != null) {
      return Optional.of(claimRefused("VFIO_GROUP_SET_CONTAINER"));
    }
    if (!requireDirect && rmrrRefuses()) {
      return Optional.of(rmrrRefused("VFIO_SET_IOMMU"));
    }
    if (iovaList54 && iovaList.refusesAttach(aperture, merged)) {
      return Optional.of(new StepFailure(Stage.ATTACH, "VFIO_SET_IOMMU", Errno.EINVAL, Optional.empty(),
          firstCut(merged), "vfio_iommu_resv_exclude", new StepCause.NoValidIova(aperture)));
    }
    if (!kernel.msiIsolated() && !kernel.allowUnsafeInterrupts()) {
      return Optional.of(new StepFailure(Stage.ATTACH, "VFIO_SET_IOMMU", Errno.EPERM, Optional.empty(),
          Optional.empty(), "vfio_iommu_type1_attach_group", new StepCause.MsiNotIsolated(false)));
    }
    return Optional.empty();
  }

  private Optional<StepFailure> attachIommufd(List<Region> merged) {
    if (iommufdPerDevice) { // the VFIO cdev
      if (msiRefuses()) {
        return Optional.of(msiRefusedIommufd("VFIO_DEVICE_BIND_IOMMUFD", "iommufd_device_bind"));
      }
      if (directDevice != null) {
        return Optional.of(claimRefused("VFIO_DEVICE_BIND_IOMMUFD"));
      }
      if (msiMixDevice != null) {
        return Optional.of(new StepFailure(Stage.ATTACH, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", Errno.EINVAL,
            Optional.of(msiMixDevice), Optional.empty(), "iopt_table_enforce_dev_resv_regions",
            new StepCause.MsiWindowsInsane(Optional.of(msiMixDevice))));
      }
      return Optional.empty();
    }
    String call = "VFIO_GROUP_GET_DEVICE_FD";
    if (groupMsiInsane(merged)) {
      return Optional.of(new StepFailure(Stage.ATTACH, call, Errno.EINVAL, Optional.empty(), Optional.empty(),
          "iopt_table_enforce_group_resv_regions", new StepCause.MsiWindowsInsane(Optional.empty())));
    }
    if (msiRefuses()) {
      return Optional.of(msiRefusedIommufd(call, "iommufd_device_setup_msi"));
    }
    if (rmrrRefuses()) {
      return Optional.of(rmrrRefused(call));
    }
    return Optional.empty();
  }

  /** The addresses of the first region VFIO cuts, which the refusal for an empty list names. */
  private static Optional<AddressRange> firstCut(List<Region> merged) {
    for (Region r : merged) {
      if (r.type() != RegionType.DIRECT_RELAXABLE) {
        return r.range();
      }
    }
    return Optional.empty();
  }

  private boolean msiRefuses() {
    return !kernel.msiIsolated() && !kernel.allowUnsafeInterrupts();
  }

  private static boolean groupMsiInsane(List<Region> merged) {
    int msi = 0;
    int swMsi = 0;
    for (int i = 0; i < merged.size(); i++) {
      RegionType t = merged.get(i).type();
      msi += t == RegionType.MSI ? 1 : 0;
      swMsi += t == RegionType.SW_MSI ? 1 : 0;
    }
    return insane(msi, swMsi);
  }

  /**
   * Whether the Intel driver refuses the domain attach (before v6.6): a member with a non-relaxable
   * RMRR, when the driver is Intel's, or unknown (an RMRR then says it is Intel's).
   */
  private boolean rmrrRefuses() {
    return rmrrDevice != null && (driverIsIntel || kernel.driver().isEmpty());
  }

  private StepFailure claimRefused(String call) {
    Device device = directDevice;
    return new StepFailure(Stage.ATTACH, call, Errno.EINVAL, Optional.of(device), directRegion.range(),
        "__iommu_device_set_domain", new StepCause.RequireDirect(device, directRegion));
  }

  private StepFailure rmrrRefused(String call) {
    Device device = rmrrDevice;
    return new StepFailure(Stage.ATTACH, call, Errno.EPERM, Optional.of(device), rmrrRegion.range(),
        "intel_iommu_attach_device", new StepCause.IntelRmrr(device, rmrrRegion, kernel.driver().isEmpty()));
  }

  private StepFailure msiRefusedIommufd(String call, String function) {
    return new StepFailure(Stage.ATTACH, call, Errno.EPERM, Optional.empty(), Optional.empty(), function,
        new StepCause.MsiNotIsolated(true));
  }

  /**
   * Every guest RAM range whose map fails, for the group told since {@link #beginGroup} with merged
   * list {@code merged}, once its attach succeeded. {@code List.of()} when none fails.
   */
  public List<StepFailure> map(List<Region> merged) {
    if (!iommufd && !iovaList54) {
      return List.of();
    }
    List<StepFailure> failures = null;
    boolean exact = !iommufd && wraps(merged);
    if (exact) {
      iovaList.clear();
      iovaList.resize(aperture);
      iovaList.exclude(merged);
    }
    for (int i = 0; i < ram.length; i += 2) {
      long first = ram[i];
      long last = ram[i + 1];
      boolean refused = exact ? !iovaList.dmaValid(first, last - first + 1)
          : IommufdIoas.mapRefused(aperture, merged, first, last);
      if (refused) {
        if (failures == null) {
          failures = new ArrayList<>();
        }
        failures.add(mapRefused(iommufd, merged, new AddressRange(first, last)));
      }
    }
    return failures == null ? List.of() : List.copyOf(failures);
  }

  /**
   * Whether a region VFIO cuts ends below its start: only then can the valid list's nodes meet without
   * a gap (a zero-length region splits a node), so only then does the map need the kernel's walk.
   * Otherwise a range lies inside one node exactly when it lies in the aperture and meets no cut
   * region, which {@link IommufdIoas#mapRefused} tests.
   */
  private static boolean wraps(List<Region> merged) {
    for (int i = 0; i < merged.size(); i++) {
      Region r = merged.get(i);
      if (r.type() != RegionType.DIRECT_RELAXABLE && r.isInverted()) {
        return true;
      }
    }
    return false;
  }

  private StepFailure mapRefused(boolean iommufd, List<Region> merged, AddressRange range) {
    int met = IommufdIoas.reservationMeeting(merged, range.start(), range.end());
    StepCause cause = new StepCause.RamNotMappable(iommufd, range,
        met >= 0 ? Optional.of(merged.get(met)) : Optional.empty(), aperture);
    return iommufd
        ? new StepFailure(Stage.MAP, "IOMMU_IOAS_MAP", Errno.EINVAL, Optional.empty(), Optional.of(range),
            "iopt_check_iova", cause)
        : new StepFailure(Stage.MAP, "VFIO_IOMMU_MAP_DMA", Errno.EINVAL, Optional.empty(), Optional.of(range),
            "vfio_iommu_iova_dma_valid", cause);
  }
}
