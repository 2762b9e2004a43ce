package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} and {@code explain} answer for the kernel asked (docs/kernel-eras.md §1, §2, §7, §8):
 * the step that fails, its call, errno and log line, on the shipped hosts of issue #15. The regions
 * are built as the newest kernel builds them until the era-specific builders land, which decides none
 * of these cases: the ProLiant's RAID RMRR is non-relaxable in every era, and the Latitude's xHCI and
 * iGPU RMRRs are relaxable from 5.3 and exempt (USB, display) before.
 */
class KernelStepsCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String KERNEL_POLICY = ROOT.resolve("examples/policies/intel-vtd-kernel-default.resv").toString();
  private static final String DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString();
  private static final String DELL = ROOT.resolve("examples/hosts/dell-latitude-5414").toString();

  private static final String RMRR_REFUSAL = "refused at attach: VFIO_SET_IOMMU fails with EPERM (-1); the kernel logs"
      + " \"vfio-pci 0000:03:00.0: Device is ineligible for IOMMU domain attach due to platform RMRR requirement."
      + "  Contact your platform vendor.\"";
  private static final String CLAIM_REFUSAL = "refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22); the"
      + " kernel logs \"vfio-pci 0000:03:00.0: Firmware has requested this device have a 1:1 IOMMU mapping, rejecting"
      + " configuring the device without a 1:1 mapping. Contact your platform vendor.\"";

  @TempDir Path tmp;

  /** A policy that keeps every region and says nothing: the kernel alone decides. */
  private String emptyPolicy() throws IOException {
    Path p = tmp.resolve("empty.resv");
    Files.writeString(p, "policy t.Empty;\n");
    return p.toString();
  }

  @Test
  void theProliantRaidIsRefusedWithEpermBeforeSixSixAndEinvalAfter() throws IOException {
    for (String policy : List.of(KERNEL_POLICY, emptyPolicy())) {
      for (String release : List.of("4.19", "5.14")) {
        CliRun run = CliRun.of("explain", "--policy", policy, "--host", DL360, "--device", "03:00.0", "--kernel", release);
        assertWithMessage("%s on %s: %s", policy, release, run.err()).that(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("kernel " + release + ", backend vfio-type1\n");
        assertThat(run.out()).contains("fatal: " + RMRR_REFUSAL + "  [kernel intel_iommu_attach_device]");
        assertThat(run.out()).contains("before v6.6 the Intel driver refuses it an unmanaged domain");
      }
      CliRun run = CliRun.of("check", "--policy", policy, "--host", DL360, "--group", "10", "--kernel", "6.8");
      assertWithMessage("%s on 6.8: %s", policy, run.err()).that(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).contains("fatal: " + CLAIM_REFUSAL + "  [kernel __iommu_device_set_domain]");
      assertThat(run.out()).doesNotContain("EPERM");
    }
  }

  @Test
  void theLatitudesXhciAndIgpuStayAssignableInEveryEra() throws IOException {
    for (String policy : List.of(KERNEL_POLICY, emptyPolicy())) {
      for (String release : List.of("4.19", "5.14", "6.8")) {
        CliRun run = CliRun.of("check", "--policy", policy, "--host", DELL, "--kernel", release);
        assertWithMessage("%s on %s: %s", policy, release, run.out()).that(run.out())
            .contains("group 3 (0000:00:14.0, 0000:00:14.2): assignable\n");
        assertThat(run.out()).contains("group 1 (0000:00:02.0): assignable\n");
        assertThat(run.out()).doesNotContain("refused at attach");
      }
    }
  }

  /**
   * The MECHREVO laptop's exclusion IVMDs are direct from v5.6 (kernel-eras.md §4): on 6.1 VFIO only cuts
   * them out of the IOVA space, outside a q35 8 GiB guest's RAM, so every group is assignable; on 6.6
   * require_direct (§1.1) refuses each device that has them.
   */
  @Test
  void theMechrevoLaptopIsFullyAssignableOn61AndNotOn66() throws IOException {
    String mechrevo = ROOT.resolve("examples/hosts/mechrevo-wujie14").toString();
    CliRun on61 = CliRun.of("check", "--policy", emptyPolicy(), "--host", mechrevo, "--guest", "q35,ram=8G",
        "--kernel", "6.1");
    assertWithMessage(on61.out()).that(on61.exitCode()).isEqualTo(0);
    assertThat(on61.out()).doesNotContain("NOT assignable");
    CliRun on66 = CliRun.of("check", "--policy", emptyPolicy(), "--host", mechrevo, "--guest", "q35,ram=8G",
        "--kernel", "6.6");
    assertThat(on66.exitCode()).isEqualTo(1);
    assertThat(on66.out()).contains("refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22)");
  }

  @Test
  void theKernelAndItsAssumptionsHeadTheAnswer() {
    CliRun run = CliRun.of("check", "--policy", KERNEL_POLICY, "--host", DELL);
    assertThat(run.out()).contains("kernel 6.16, backend vfio-type1\n  assumed: kernel release unknown: answered as the"
        + " newest behaviour modelled (6.16)\n  assumed: MSI isolation not shown by the host");
  }

  @Test
  void iommufdRefusesAtBindAndShowsItsIovaRanges() throws IOException {
    CliRun run = CliRun.of("check", "--policy", KERNEL_POLICY, "--host", DL360, "--group", "10", "--kernel", "6.8",
        "--backend", "iommufd");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("kernel 6.8, backend iommufd\n");
    // The ProLiant has no interrupt remapping: iommufd_device_bind checks MSI isolation before it claims
    // the device (kernel-eras.md §7), and logs nothing.
    assertThat(run.out()).contains("refused at attach: VFIO_DEVICE_BIND_IOMMUFD fails with EPERM (-1); the kernel logs"
        + " nothing");
    assertThat(run.out()).contains("  IOVA ranges (IOMMU_IOAS_IOVA_RANGES):\n");
    // With MSIs isolated, the claim of a device with a direct region (the L14's NVMe, an exclusion IVMD) fails.
    CliRun l14 = CliRun.of("check", "--policy", emptyPolicy(), "--host",
        ROOT.resolve("examples/hosts/lenovo-thinkpad-l14-gen3-amd").toString(), "--group", "9", "--kernel", "6.8",
        "--backend", "iommufd");
    assertThat(l14.out()).contains("refused at attach: VFIO_DEVICE_BIND_IOMMUFD fails with EINVAL (-22)");
    CliRun older = CliRun.of("check", "--policy", KERNEL_POLICY, "--host", DL360, "--group", "10", "--kernel", "6.5",
        "--backend", "iommufd");
    assertThat(older.out()).contains("refused at attach: VFIO_GROUP_GET_DEVICE_FD fails with EPERM (-1)");
  }

  @Test
  void jsonFindingsCarryTheStep() {
    CliRun run = CliRun.of("check", "--policy", KERNEL_POLICY, "--host", DL360, "--group", "10", "--kernel", "5.14",
        "--format", "json");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("\"kernel\": {\n    \"release\": \"5.14\",\n    \"backend\": \"vfio-type1\"");
    assertThat(run.out()).contains("\"stage\": \"attach\"");
    assertThat(run.out()).contains("\"call\": \"VFIO_SET_IOMMU\"");
    assertThat(run.out()).contains("\"errno\": \"EPERM\"");
    assertThat(run.out()).contains("\"kernel_log\": \"vfio-pci 0000:03:00.0: Device is ineligible");
  }

  @Test
  void badKernelOrBackendIsOneLineAndExitTwo() {
    for (List<String> bad : List.of(List.of("--kernel", "banana"), List.of("--backend", "vfio-type2"),
        List.of("--kernel", "5.14", "--backend", "iommufd"))) {
      for (String command : List.of("check", "explain")) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--policy", KERNEL_POLICY, "--host", DL360));
        if (command.equals("explain")) {
          args.addAll(List.of("--device", "03:00.0"));
        }
        args.addAll(bad);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertWithMessage("%s", args).that(run.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertWithMessage("%s", args).that(run.err().strip().lines().count()).isEqualTo(1);
        assertThat(run.err()).startsWith("resvc: error: --");
        assertThat(run.out()).isEmpty();
      }
    }
    assertThat(CliRun.of("check", "--policy", KERNEL_POLICY, "--host", DL360, "--kernel", "5.14", "--backend", "iommufd")
        .err()).contains("iommufd first shipped in Linux 6.2; kernel 5.14 has only VFIO type1");
  }

  @Test
  void explainTriesTheRulesOnTheKernelAsked() {
    // kernel-intel.resv's usb_rmrr relaxes a USB RMRR from 5.3 on: on 5.2 the rule must not match, in
    // the trials as in the decision they explain.
    String policy = ROOT.resolve("examples/policies/kernel-intel.resv").toString();
    CliRun old = CliRun.of("explain", "--policy", policy, "--host", DELL, "--device", "00:14.0", "--kernel", "5.2");
    assertWithMessage(old.err()).that(old.out()).containsMatch("rule usb_rmrr \\([^)]*\\): does not match\n(.*\n)*"
        + "      no   kernel.version >= 5.3   \\[kernel 5.2\\]");
    assertThat(old.out()).doesNotContain("by rule usb_rmrr");
    CliRun now = CliRun.of("explain", "--policy", policy, "--host", DELL, "--device", "00:14.0", "--kernel", "6.8");
    assertWithMessage(now.err()).that(now.out()).containsMatch("rule usb_rmrr \\([^)]*\\): matches\n(.*\n)*"
        + "      yes  kernel.version >= 5.3   \\[kernel 6.8\\]");
    assertThat(now.out()).contains("by rule usb_rmrr");
  }
}
