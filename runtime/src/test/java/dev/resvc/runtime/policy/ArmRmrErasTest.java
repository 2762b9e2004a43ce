package dev.resvc.runtime.policy;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IortBuilder.map;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;

import dev.resvc.runtime.firmware.IortBuilder;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.kernel.ArmRegionBuilder;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.testing.Notes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue #15's Arm case end to end: an IORT (revision 5, built to the specification) whose RMR lacks
 * REMAP_PERMITTED, read by the Arm builder of each release, evaluated with the kernel's steps and a
 * policy that keeps every region. docs/kernel-eras.md §6 (RMRs from v6.0, 491cf4a6735a), §2 (type1
 * maps), §1.1 (v6.6 require_direct, a48ce36e2786).
 */
class ArmRmrErasTest {
  private static final long SMMU = 0x30;
  private static final PciDevice NVME = new PciDevice(PciAddress.of(0, 1, 0, 0), 0x144d, 0xa80a, 0, 0, 0x010802,
      Optional.empty(), false, List.of());

  private static final Policy KEEP_ALL = new Policy() {
    private final ClassifyDecision keep = ClassifyDecision.keep(Provenance.kernel("test"));
    private final ConflictDecision allow = ConflictDecision.allow(Provenance.kernel("test"));

    @Override public String name() { return "keep-all"; }
    @Override public int apiVersion() { return Policy.API_VERSION; }
    @Override public ClassifyDecision classify(TargetKernel k, Device d, int g, Region r) { return keep; }
    @Override public ConflictDecision conflict(TargetKernel k, Region r, dev.resvc.runtime.guest.GuestRange g) {
      return allow;
    }
  };

  @ParameterizedTest(name = "{0} with {1} of RAM: {2}")
  @CsvSource(delimiter = '!', textBlock = """
      5.15 ! 4 ! assignable
      6.0  ! 1 ! assignable
      6.5  ! 1 ! assignable
      6.5  ! 4 ! map VFIO_IOMMU_MAP_DMA EINVAL 0x40000000..0x13fffffff
      6.6  ! 1 ! attach VFIO_GROUP_SET_CONTAINER EINVAL
      6.8  ! 4 ! attach VFIO_GROUP_SET_CONTAINER EINVAL
      """)
  void aNonRemappableRmr(String release, long ramGiB, String expected) throws Exception {
    List<InputNote> notes = new ArrayList<>();
    // The RMR covers stream 0x100 (RID 0x100, 01:00.0) behind SMMU node 0x30; flags 0: no REMAP_PERMITTED.
    byte[] bytes = IortBuilder.iort(5).smmuV3(0x0b010000L)
        .rmr(0, ranges(range(0x84800000L, 0x10000L)), map(0x100, 0, 0x100, SMMU, 0))
        .build();
    IortTable table = Notes.keep(IortReader.read(bytes, "IORT", true), notes);
    KernelRelease r = KernelRelease.parse(release);
    List<Region> regions = Notes.keep(ArmRegionBuilder.of(table, r, "IORT").regionsForStreams(SMMU, List.of(0x100L)),
        notes);
    Host host = new Host("arm", List.of(NVME),
        List.of(new IommuGroup(7, Optional.of("DMA"), List.of(new IommuGroup.Member(NVME, regions)), List.of())));
    TargetKernel kernel = new TargetKernel(r, Backend.VFIO_TYPE1, Optional.of(IommuDriver.ARM_SMMU), true, false,
        List.of());

    Verdict.Group g = Evaluator.evaluate(KEEP_ALL, host, GuestPresets.virt(ramGiB << 30), AddressRange.FULL, kernel)
        .groups().get(0);

    assertThat(describe(g)).isEqualTo(expected);
  }

  private static String describe(Verdict.Group g) {
    if (g.attachFailure().isPresent()) {
      StepFailure f = g.attachFailure().get();
      return f.stage() + " " + f.call() + " " + f.errno();
    }
    if (!g.mapFailures().isEmpty()) {
      StepFailure f = g.mapFailures().get(0);
      AddressRange ram = f.range().orElseThrow();
      return f.stage() + " " + f.call() + " " + f.errno() + " 0x" + Long.toHexString(ram.start()) + "..0x"
          + Long.toHexString(ram.end());
    }
    return g.assignable() ? "assignable" : "not assignable";
  }
}
