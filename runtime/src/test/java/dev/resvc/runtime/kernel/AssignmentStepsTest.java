package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The steps per era and backend, one row per case, each citing the section of docs/kernel-eras.md
 * that decides it.
 */
class AssignmentStepsTest {
  /** VT-d with a 39-bit address width. */
  private static final AddressRange APERTURE = AddressRange.of(0, 0x7fffffffffL);
  private static final PciDevice RAID = PciDevice.simple(PciAddress.of(0, 3, 0, 0), 0x103c, 0x323a, 0x010400);
  private static final PciDevice XHCI = PciDevice.simple(PciAddress.of(0, 0, 0x14, 0), 0x8086, 0xa36d, 0x0c0330);
  private static final PciDevice IGPU = PciDevice.simple(PciAddress.of(0, 0, 2, 0), 0x8086, 0x1916, 0x030000);
  private static final PciDevice NIC = PciDevice.simple(PciAddress.of(0, 4, 0, 0), 0x8086, 0x1533, 0x020000);

  /** In guest RAM: the HP ProLiant's RMRR at 0xe8000. */
  private static final Region RMRR = region(0xe8000L, 0xe8fffL, RegionType.DIRECT, RegionSource.RMRR);
  private static final Region RMRR_RELAXED = RMRR.withType(RegionType.DIRECT_RELAXABLE);
  private static final Region IVMD = region(0xe8000L, 0xe8fffL, RegionType.DIRECT, RegionSource.IVMD);
  /** An RMR outside guest RAM (between the two RAM ranges). */
  private static final Region RMR_CLEAR = region(0xc0000000L, 0xc00fffffL, RegionType.DIRECT, RegionSource.IORT_RMR);
  private static final Region RMR_IN_RAM = region(0x40000000L, 0x400fffffL, RegionType.DIRECT, RegionSource.IORT_RMR);
  private static final Region MSI = region(0xfee00000L, 0xfeefffffL, RegionType.MSI, RegionSource.MSI_WINDOW);
  /** Clear of guest RAM, so that only the attach decides. */
  private static final Region SW_MSI = region(0x88000000L, 0x880fffffL, RegionType.SW_MSI, RegionSource.SW_MSI);
  private static final Region WHOLE_APERTURE = region(0, APERTURE.end(), RegionType.RESERVED, RegionSource.SYSFS);

  private static final List<AddressRange> RAM =
      List.of(AddressRange.of(0, 0x7fffffffL), AddressRange.of(0x100000000L, 0x17fffffffL));

  private static Region region(long start, long end, RegionType type, RegionSource source) {
    return Region.ofInclusive(start, end, type, Prot.READ_WRITE, source);
  }

  private static TargetKernel kernel(String release, Backend backend, IommuDriver driver) {
    return new TargetKernel(KernelRelease.parse(release), backend, Optional.ofNullable(driver), true, false, List.of());
  }

  private static TargetKernel type1(String release, IommuDriver driver) {
    return kernel(release, Backend.VFIO_TYPE1, driver);
  }

  private static TargetKernel iommufd(String release, IommuDriver driver) {
    return kernel(release, Backend.IOMMUFD, driver);
  }

  private static TargetKernel msiNotIsolated(TargetKernel k, boolean unsafe) {
    return new TargetKernel(k.release(), k.backend(), k.driver(), false, unsafe, List.of());
  }

  private static IommuGroup.Member member(PciDevice d, Region... regions) {
    return new IommuGroup.Member(d, List.of(regions));
  }

  /** One case: where it is cited, the kernel, the members with their effective regions, and the answer. */
  private record Row(String cites, TargetKernel kernel, List<IommuGroup.Member> members, String expected) {}

  private static Row row(String cites, TargetKernel kernel, String expected, IommuGroup.Member... members) {
    return new Row(cites, kernel, List.of(members), expected);
  }

  private static final String CLAIM_LOG = "vfio-pci 0000:03:00.0: Firmware has requested this device have a 1:1 IOMMU"
      + " mapping, rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.";
  private static final String RMRR_LOG = "vfio-pci 0000:03:00.0: Device is ineligible for IOMMU domain attach due to"
      + " platform RMRR requirement.  Contact your platform vendor.";
  private static final String MSI_LOG = "vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module"
      + " param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform";

  private static final List<Row> ROWS = List.of(
      // VFIO type1, Intel
      row("§1.2 v4.x: no domain-type test, same refusal", type1("4.19", IommuDriver.INTEL),
          "attach VFIO_SET_IOMMU EPERM " + RMRR_LOG, member(RAID, RMRR)),
      row("§1.2 v5.3-v6.5", type1("5.3", IommuDriver.INTEL), "attach VFIO_SET_IOMMU EPERM " + RMRR_LOG,
          member(RAID, RMRR)),
      row("§1.2 before §2's IOVA steps (5.4)", type1("5.4", IommuDriver.INTEL),
          "attach VFIO_SET_IOMMU EPERM " + RMRR_LOG, member(RAID, RMRR)),
      row("§1.2 v6.5 (distribution 5.14 alike)", type1("5.14.0-427.el9", IommuDriver.INTEL),
          "attach VFIO_SET_IOMMU EPERM " + RMRR_LOG, member(RAID, RMRR)),
      row("§1.2 v6.5", type1("6.5", IommuDriver.INTEL), "attach VFIO_SET_IOMMU EPERM " + RMRR_LOG, member(RAID, RMRR)),
      row("§1.1 v6.6: the blocking domain at the ownership claim", type1("6.6", IommuDriver.INTEL),
          "attach VFIO_GROUP_SET_CONTAINER EINVAL " + CLAIM_LOG, member(RAID, RMRR)),
      row("§1.1 v6.8", type1("6.8.0-45-generic", IommuDriver.INTEL),
          "attach VFIO_GROUP_SET_CONTAINER EINVAL " + CLAIM_LOG, member(RAID, RMRR)),
      row("§1.2 driver unknown: the RMRR says Intel", type1("5.14", null), "attach VFIO_SET_IOMMU EPERM " + RMRR_LOG,
          member(RAID, RMRR)),
      row("§1.2 USB exempt inline before 5.3; §2 no map check before 5.4", type1("4.19", IommuDriver.INTEL), "ok",
          member(XHCI, RMRR)),
      row("§1.2 display exempt; §2 direct is cut, so the RAM map over it fails", type1("5.4", IommuDriver.INTEL),
          "map VFIO_IOMMU_MAP_DMA EINVAL", member(IGPU, RMRR)),
      row("§3 relaxable from 5.3 is not cut (§2)", type1("5.14", IommuDriver.INTEL), "ok", member(XHCI, RMRR_RELAXED)),
      row("§1.1 relaxable never sets require_direct", type1("6.8", IommuDriver.INTEL), "ok", member(IGPU, RMRR_RELAXED)),
      // VFIO type1, AMD and Arm: no refusal before 6.6
      row("§1.2 AMD never refused before 6.6; §2 nothing checked before 5.4", type1("4.19", IommuDriver.AMD), "ok",
          member(RAID, IVMD)),
      row("§2 v5.4: the unity map is cut from guest RAM", type1("6.1", IommuDriver.AMD), "map VFIO_IOMMU_MAP_DMA EINVAL",
          member(RAID, IVMD)),
      row("§1.1 v6.6 any vendor", type1("6.6", IommuDriver.AMD), "attach VFIO_GROUP_SET_CONTAINER EINVAL " + CLAIM_LOG,
          member(RAID, IVMD)),
      row("§6 RMR clear of guest RAM on 6.5", type1("6.5", IommuDriver.ARM_SMMU), "ok", member(RAID, RMR_CLEAR)),
      row("§6 RMR in guest RAM on 6.5", type1("6.5", IommuDriver.ARM_SMMU), "map VFIO_IOMMU_MAP_DMA EINVAL",
          member(RAID, RMR_IN_RAM)),
      row("§6 RMR on 6.6", type1("6.6", IommuDriver.ARM_SMMU), "attach VFIO_GROUP_SET_CONTAINER EINVAL " + CLAIM_LOG,
          member(RAID, RMR_CLEAR)),
      // VFIO type1: the IOVA list and MSI isolation
      row("§2 nothing enforced before 5.4", type1("5.3", IommuDriver.AMD), "ok", member(NIC, WHOLE_APERTURE)),
      row("§2 v5.4: an empty list refuses the attach, nothing logged", type1("5.4", IommuDriver.AMD),
          "attach VFIO_SET_IOMMU EINVAL", member(NIC, WHOLE_APERTURE)),
      row("§7 not isolated, parameter off", msiNotIsolated(type1("6.8", IommuDriver.INTEL), false),
          "attach VFIO_SET_IOMMU EPERM " + MSI_LOG, member(NIC, MSI)),
      row("§7 in every era", msiNotIsolated(type1("4.19", IommuDriver.INTEL), false),
          "attach VFIO_SET_IOMMU EPERM " + MSI_LOG, member(NIC, MSI)),
      row("§7 allow_unsafe_interrupts", msiNotIsolated(type1("6.8", IommuDriver.INTEL), true), "ok", member(NIC, MSI)),
      row("§2 before §7: the empty list is found first", msiNotIsolated(type1("6.8", IommuDriver.AMD), false),
          "attach VFIO_SET_IOMMU EINVAL", member(NIC, WHOLE_APERTURE)),
      // iommufd
      row("§1.2 + §8 6.2-6.5: the domain attach", iommufd("6.2", IommuDriver.INTEL),
          "attach VFIO_GROUP_GET_DEVICE_FD EPERM " + RMRR_LOG, member(RAID, RMRR)),
      row("§1.2 + §8 6.5", iommufd("6.5", IommuDriver.INTEL), "attach VFIO_GROUP_GET_DEVICE_FD EPERM " + RMRR_LOG,
          member(RAID, RMRR)),
      row("§1.1 + §8 6.6: the claim at bind", iommufd("6.6", IommuDriver.INTEL),
          "attach VFIO_DEVICE_BIND_IOMMUFD EINVAL " + CLAIM_LOG, member(RAID, RMRR)),
      row("§7 6.6: MSI checked at bind before the claim, nothing logged",
          msiNotIsolated(iommufd("6.6", IommuDriver.INTEL), false), "attach VFIO_DEVICE_BIND_IOMMUFD EPERM",
          member(RAID, RMRR)),
      row("§7 6.2-6.5: at attach", msiNotIsolated(iommufd("6.5", IommuDriver.AMD), false),
          "attach VFIO_GROUP_GET_DEVICE_FD EPERM", member(NIC, MSI)),
      row("§7 iommufd's own parameter", msiNotIsolated(iommufd("6.8", IommuDriver.AMD), true), "ok", member(NIC, MSI)),
      row("§8 one device with msi and sw-msi", iommufd("6.6", IommuDriver.ARM_SMMU),
          "attach VFIO_DEVICE_ATTACH_IOMMUFD_PT EINVAL", member(NIC, MSI, SW_MSI)),
      row("§8 6.6: counted per device", iommufd("6.6", IommuDriver.ARM_SMMU), "ok", member(NIC, MSI),
          member(RAID, SW_MSI)),
      row("§8 6.2-6.5: counted over the merged group list", iommufd("6.5", IommuDriver.ARM_SMMU),
          "attach VFIO_GROUP_GET_DEVICE_FD EINVAL", member(NIC, MSI), member(RAID, SW_MSI)),
      row("§8 no empty-space refusal; the map fails", iommufd("6.6", IommuDriver.AMD), "map IOMMU_IOAS_MAP EINVAL",
          member(NIC, WHOLE_APERTURE)),
      row("§8 a direct region in RAM before 6.6 is reserved", iommufd("6.5", IommuDriver.AMD),
          "map IOMMU_IOAS_MAP EINVAL", member(RAID, IVMD)),
      row("§8 relaxable is not reserved", iommufd("6.8", IommuDriver.INTEL), "ok", member(XHCI, RMRR_RELAXED)));

  @Test
  void eachEraAndBackendFailsTheStepTheKernelFails() {
    for (Row row : ROWS) {
      List<Region> merged = merge(row.members());
      AssignmentSteps.Outcome outcome = AssignmentSteps.of(row.kernel(), row.members(), merged, APERTURE, RAM);
      assertWithMessage("%s on %s %s", row.cites(), row.kernel().backend(), row.kernel().release())
          .that(describe(outcome)).isEqualTo(row.expected());
    }
  }

  private static List<Region> merge(List<IommuGroup.Member> members) {
    GroupRegionMerger merger = new GroupRegionMerger();
    members.forEach(m -> m.regions().forEach(merger::insert));
    return merger.regions();
  }

  private static String describe(AssignmentSteps.Outcome outcome) {
    if (outcome.attach().isPresent()) {
      StepFailure f = outcome.attach().get();
      return "attach " + f.call() + " " + f.errno() + f.kernelLog().map(l -> " " + l).orElse("");
    }
    if (!outcome.maps().isEmpty()) {
      StepFailure f = outcome.maps().get(0);
      return "map " + f.call() + " " + f.errno() + f.kernelLog().map(l -> " " + l).orElse("");
    }
    return "ok";
  }

  @Test
  void aMapFailureNamesTheGuestRangeAndTheRegionItMeets() {
    AssignmentSteps.Outcome outcome = AssignmentSteps.of(type1("6.1", IommuDriver.AMD), List.of(member(RAID, IVMD)),
        List.of(IVMD), APERTURE, RAM);
    assertThat(outcome.maps()).hasSize(1);
    StepFailure f = outcome.maps().get(0);
    assertThat(f.stage()).isEqualTo(StepFailure.Stage.MAP);
    assertThat(f.range()).hasValue(RAM.get(0));
    assertThat(f.function()).isEqualTo("vfio_iommu_iova_dma_valid");
    assertThat(f.why()).contains("0x00000000000e8000..0x00000000000e8fff (ivmd)");
    assertThat(f.summary()).isEqualTo("guest RAM " + RAM.get(0)
        + " cannot be mapped: VFIO_IOMMU_MAP_DMA fails with EINVAL (-22); the kernel logs nothing");
  }

  @Test
  void anAttachFailureSummaryQuotesTheLog() {
    StepFailure f = AssignmentSteps.of(type1("6.6", IommuDriver.INTEL), List.of(member(RAID, RMRR)), List.of(RMRR),
        APERTURE, RAM).attach().orElseThrow();
    assertThat(f.summary()).isEqualTo("refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22); the kernel"
        + " logs \"" + CLAIM_LOG + "\"");
    assertThat(f.device()).hasValue(RAID);
    assertThat(f.range()).hasValue(AddressRange.of(0xe8000L, 0xe8fffL));
  }

  @Test
  void aPlatformDeviceIsNamedAsTheVfioDriverOfItsBusPrintsIt() {
    // dev_warn prints the driver and dev_name: a platform device is bound to vfio-platform.
    PlatformDevice uart = new PlatformDevice("MSFT0201:00", "platform", Optional.empty(), Optional.empty());
    StepFailure f = AssignmentSteps.of(type1("6.6", IommuDriver.INTEL), List.of(new IommuGroup.Member(uart, List.of(RMRR))),
        List.of(RMRR), APERTURE, RAM).attach().orElseThrow();
    assertThat(f.kernelLog()).hasValue("vfio-platform MSFT0201:00: " + StepCause.RequireDirect.LOG);
    assertThat(f.device()).hasValue(uart);
  }

  @Test
  void anRmrrOnADeviceThatIsNotPciIsNeverRelaxable() {
    // device_rmrr_is_relaxable: if (!dev_is_pci(dev)) return false.
    PlatformDevice dev = new PlatformDevice("INT33C2:00", "platform", Optional.empty(), Optional.empty());
    StepFailure f = AssignmentSteps.of(type1("5.14", IommuDriver.INTEL), List.of(new IommuGroup.Member(dev, List.of(RMRR))),
        List.of(RMRR), APERTURE, RAM).attach().orElseThrow();
    assertThat(f.function()).isEqualTo("intel_iommu_attach_device");
  }

  @Test
  void theDriverTakenFromTheRmrrIsSaid() {
    StepFailure f = AssignmentSteps.of(type1("5.14", null), List.of(member(RAID, RMRR)), List.of(RMRR), APERTURE, RAM)
        .attach().orElseThrow();
    assertThat(f.why()).contains("the IOMMU driver is not known, and the RMRR says it is Intel's");
  }

  @Test
  void theFloppyRangeNeverCountsAsAnRmrr() {
    Region floppy = region(0, 0xffffffL, RegionType.DIRECT, RegionSource.FLOPPY_WA);
    AssignmentSteps.Outcome outcome = AssignmentSteps.of(type1("5.3", IommuDriver.INTEL),
        List.of(member(PciDevice.simple(PciAddress.of(0, 0, 0x1f, 0), 0x8086, 0x9d48, 0x060100), floppy)),
        List.of(floppy), APERTURE, RAM);
    assertThat(outcome.succeeds()).isTrue(); // §1.2; and 5.3 checks no map (§2)
  }

  @Test
  void iommufdBeforeSixTwoIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AssignmentSteps(iommufd("5.15", IommuDriver.INTEL), APERTURE, RAM));
    assertThat(e).hasMessageThat().contains("iommufd first shipped in Linux 6.2");
  }

  @Test
  void iommufdIovaRangesAreTheJoinedComplement() {
    Region below = region(0xfed00000L, 0xfedfffffL, RegionType.RESERVED, RegionSource.SYSFS);
    List<AddressRange> ranges = IommufdIoas.iovaRanges(APERTURE, List.of(below, MSI, RMRR_RELAXED));
    // MSI starts right after `below` ends: one reservation; relaxable reserves nothing; above the aperture is reserved
    assertThat(ranges).containsExactly(AddressRange.of(0, 0xfecfffffL), AddressRange.of(0xfef00000L, 0x7fffffffffL))
        .inOrder();
    assertThat(IommufdIoas.iovaRanges(AddressRange.of(0x1000, -1L), List.of())).containsExactly(AddressRange.of(0x1000, -1L));
  }

  /**
   * The map check without the kernel's walk gives the walk's answer ({@link VfioIovaList#dmaValid}
   * after {@code resize} and {@code exclude}), zero-length and wrapping regions included.
   */
  @Test
  void theType1MapCheckIsTheKernelWalksAnswer() {
    long[][] shapes = {{0xe8000L, 0x1000L}, {0x7ffff000L, 0x2000L}, {0x1000L, 0}, {0x40000000L, 0}, {-1L, 2},
        {0xfee00000L, 0x100000L}, {0x100000000L, 0x1000L}, {0x17ffff000L, 0x1000L}, {0, 0x1000000L}, {0x80000000L, 1}};
    RegionType[] types = RegionType.values();
    Random r = new Random(15);
    int refused = 0;
    for (int i = 0; i < 2000; i++) {
      List<Region> regions = new ArrayList<>();
      for (int n = r.nextInt(4); n > 0; n--) {
        long[] s = shapes[r.nextInt(shapes.length)];
        regions.add(new Region(s[0], s[1], types[r.nextInt(types.length)], Prot.NONE, RegionSource.SYSFS));
      }
      AddressRange aperture = r.nextBoolean() ? APERTURE : AddressRange.of(0x1000, 0xffffffffL);
      AssignmentSteps steps = new AssignmentSteps(type1("6.5", IommuDriver.AMD), aperture, RAM);
      steps.beginGroup();
      if (steps.attach(regions).isPresent()) {
        continue;
      }
      VfioIovaList list = new VfioIovaList();
      list.resize(aperture);
      list.exclude(regions);
      List<AddressRange> expected = RAM.stream()
          .filter(g -> !list.dmaValid(g.start(), g.end() - g.start() + 1)).toList();
      List<AddressRange> actual = steps.map(regions).stream().map(f -> f.range().orElseThrow()).toList();
      assertWithMessage("%s in %s", regions, aperture).that(actual).isEqualTo(expected);
      refused += actual.size();
    }
    assertThat(refused).isAtLeast(200);
  }
}
