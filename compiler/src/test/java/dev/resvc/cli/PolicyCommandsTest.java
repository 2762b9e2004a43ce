package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check, test and explain with the LANGUAGE.md §4 policy on hosts built from real corpus machines:
 * the answers must be the kernel's (USB and graphics RMRRs relaxable, every other RMRR locks its device).
 */
class PolicyCommandsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String POLICY = ROOT.resolve("examples/policies/intel-vtd-kernel-default.resv").toString();
  private static final String DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString();
  private static final String DELL = ROOT.resolve("examples/hosts/dell-latitude-5414").toString();

  @TempDir Path tmp;

  /**
   * The ProLiant's DMAR does not offer interrupt remapping (flags 0x02, INTR_REMAP clear); its snapshot
   * records vfio_iommu_type1.allow_unsafe_interrupts=Y, as VFIO users of that server set it, so only the
   * groups with direct RMRRs are refused, when VFIO claims them (kernel-eras.md §1.1). Without the
   * parameter VFIO type1 refuses every group at VFIO_SET_IOMMU (§7).
   */
  @Test
  void theServersRmrrLockedDevicesAreRefusedAsTheKernelRefusesThem() throws IOException {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DL360, "--guest", "q35,ram=16G");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEmpty();
    // Groups 5 (iLO), 9 and 11 (NICs) and 10 (Smart Array) have direct RMRRs.
    for (String group : new String[] {"group 5 ", "group 9 ", "group 10 ", "group 11 "}) {
      assertThat(run.out()).containsMatch("(?m)^" + group + "\\(.*\\): NOT assignable\n(.*\\n)*?    fatal: refused at"
          + " attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL");
    }
    assertThat(run.out()).containsMatch("(?m)^group 6 \\(.*\\): assignable$"); // UHCI/EHCI: relaxable RMRRs
    assertThat(run.out()).contains("fatal: 0000:03:00.0 has a non-relaxable RMRR 0x00000000df61e000..0x00000000df61ffff"
        + " direct: assignment is refused  [rule rmrr_locked (" + POLICY + ":19)]");
    assertThat(run.out()).contains("8 of 12 groups assignable");
    // VT-d aperture from the DMAR host address width (39 bits).
    assertThat(run.out()).contains("    0x00000000fef00000 0x0000007fffffffff\n");

    Path safe = tmp.resolve("dl360-default");
    HostTrees.copyTree(Path.of(DL360), safe);
    Files.delete(safe.resolve("module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"));
    CliRun refused = CliRun.of("check", "--policy", POLICY, "--host", safe.toString(), "--guest", "q35,ram=16G");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.out()).containsMatch("(?m)^group 6 \\(.*\\): NOT assignable\n(.*\\n)*?    fatal: refused at"
        + " attach: VFIO_SET_IOMMU fails with EPERM \\(-1\\); the kernel logs \"vfio_iommu_type1_attach_group: No"
        + " interrupt remapping support.");
    assertThat(refused.out()).contains("0 of 12 groups assignable");
  }

  @Test
  void theLaptopsUsbAndGraphicsAreAssignableWithAWarningForRamOverlap() {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DELL, "--guest", "pc,ram=3G");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("11 of 11 groups assignable");
    assertThat(run.out()).contains("warn: relaxable RMRR 0x00000000bb400000..0x00000000bb41ffff direct-relaxable lies in"
        + " guest RAM 0x00000000bb400000..0x00000000bb41ffff");
  }

  private static String host(String name) {
    return ROOT.resolve("examples/hosts/" + name).toString();
  }

  private static String policy(String name) {
    return ROOT.resolve("examples/policies/" + name + ".resv").toString();
  }

  @Test
  void vendorPoliciesGiveTheKernelsAnswerOnVendorHosts() {
    // AMD: the IVMD exclusion range makes the L14's NVMe (group 9) unassignable since 6.6, nothing else.
    CliRun l14 = CliRun.of("check", "--policy", policy("kernel-amd"), "--host", host("lenovo-thinkpad-l14-gen3-amd"));
    assertThat(l14.exitCode()).isEqualTo(1);
    assertThat(l14.out()).containsMatch("(?m)^group 9 \\(0000:01:00.0\\): NOT assignable$");
    assertThat(l14.out()).contains("18 of 19 groups assignable");
    // MECHREVO: device-range IVMDs cover every device on buses 00-0f.
    CliRun mechrevo = CliRun.of("check", "--policy", policy("kernel-amd"), "--host", host("mechrevo-wujie14"));
    assertThat(mechrevo.exitCode()).isEqualTo(1);
    assertThat(mechrevo.out()).contains("9 of 22 groups assignable");
    assertThat(mechrevo.out()).doesNotContainMatch("(?m)^group \\d+ \\([^)]*0000:c[45]:[^)]*\\): NOT assignable$");
    // The reviewed exclusion ranges relaxed: everything assignable.
    for (String h : new String[] {"mechrevo-wujie14", "lenovo-thinkpad-l14-gen3-amd"}) {
      CliRun relaxed = CliRun.of("check", "--policy", policy("amd-relax-exclusion"), "--host", host(h));
      assertThat(relaxed.exitCode()).isEqualTo(0);
    }
    // Arm: the Orion's RMR is remap-permitted and reaches no PCI device; the SW_MSI window lands on the
    // virt guest's GIC, so every group is assignable.
    CliRun orion = CliRun.of("check", "--policy", policy("kernel-arm"), "--host", host("radxa-orion-o6"),
        "--guest", "virt,ram=8G");
    assertThat(orion.exitCode()).isEqualTo(0);
    assertThat(orion.out()).contains("    0x0000000008000000 0x00000000080fffff msi\n");
  }

  @Test
  void kernelIntelGivesTheKernelsAnswerOnEveryShippedHost() {
    String[][] expected = {
      {"asus-prime-z270-a", "q35,ram=8G", "11 of 11 groups assignable"},
      {"dell-latitude-5414", "q35,ram=8G", "11 of 11 groups assignable"},
      {"hp-proliant-dl360-g7", "q35,ram=8G", "8 of 12 groups assignable"},
      {"lenovo-thinkpad-l14-gen3-amd", "q35,ram=8G", "18 of 19 groups assignable"},
      {"mechrevo-wujie14", "q35,ram=8G", "9 of 22 groups assignable"},
      {"msi-ms-7885", "q35,ram=8G", "21 of 21 groups assignable"},
      {"radxa-orion-o6", "virt,ram=8G", "8 of 8 groups assignable"},
    };
    for (String[] e : expected) {
      CliRun run = CliRun.of("check", "--policy", policy("kernel-intel"), "--host", host(e[0]), "--guest", e[1]);
      assertThat(run.out()).contains(e[2]);
      String[] counts = e[2].split(" ");
      assertWithMessage(e[0]).that(run.exitCode()).isEqualTo(counts[0].equals(counts[2]) ? 0 : 1);
    }
  }

  @Test
  void everyShippedPolicyPassesItsTests() throws IOException {
    try (var files = Files.list(ROOT.resolve("examples/policies"))) {
      String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("test"),
          files.filter(f -> f.toString().endsWith(".resv")).sorted().map(Path::toString)).toArray(String[]::new);
      assertThat(args.length).isAtLeast(5);
      CliRun run = CliRun.of(args);
      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.out()).doesNotContain("FAIL");
      args[0] = "lint";
      CliRun lint = CliRun.of(java.util.stream.Stream.concat(java.util.stream.Stream.of("lint", "--deny-warnings"),
          java.util.Arrays.stream(args).skip(1)).toArray(String[]::new));
      assertThat(lint.exitCode()).isEqualTo(0); // lint clean: review notes only, no warning
      assertThat(lint.out() + lint.err()).doesNotContain("warning[");
    }
  }

  @Test
  void checkJsonCarriesProvenance() {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DL360, "--group", "10", "--format", "json");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("\"rule\": \"rmrr_locked\"");
    assertThat(run.out()).contains("\"line\": 19");
    assertThat(run.out()).contains("\"assignable\": false");
    assertThat(run.out()).doesNotContain("\"id\": 9");
  }

  @Test
  void testRunsTheTestBlocks() {
    CliRun run = CliRun.of("test", POLICY);
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).endsWith("1 passed, 0 failed\n");
  }

  @Test
  void aFailingTestNamesTheRuleThatDecided() throws IOException {
    Path policy = tmp.resolve("p.resv");
    Files.writeString(policy, """
        policy t.Failing;
        classify {
          rule usb_only: when region.source == rmrr and device.class matches 0x0c03xx => direct-relaxable;
          default => keep;
        }
        test "graphics is relaxable" {
          device 00:02.0 class 0x030000;
          region rmrr 0x7b800000 .. 0x7fffffff type direct on 00:02.0;
          expect 00:02.0 region 0x7b800000 type direct-relaxable;
        }
        test "nvme stays locked" {
          device 02:00.0 class 0x010802;
          region rmrr 0x1000 .. 0x1fff on 02:00.0;
          expect 02:00.0 region 0x1000 type direct;
          expect not assignable;
        }
        """);
    CliRun run = CliRun.of("test", policy.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL " + policy + ": graphics is relaxable\n");
    assertThat(run.out()).contains("expected type direct-relaxable\n");
    assertThat(run.out()).contains("but got type direct, decided by rule default (" + policy + ":4) (keep: the kernel's type direct)");
    assertThat(run.out()).contains("PASS " + policy + ": nvme stays locked\n");
    assertThat(run.out()).endsWith("1 passed, 1 failed\n");
  }

  @Test
  void explainShowsEveryRuleTriedAndWhy() {
    CliRun run = CliRun.of("explain", "--policy", POLICY, "--host", DL360, "--device", "03:00.0");
    assertThat(run.exitCode()).isEqualTo(1); // the RAID controller's group is not assignable
    assertThat(run.out()).contains("rule usb_rmrr (" + POLICY + ":11): does not match");
    assertThat(run.out()).contains("no   usb = device.class matches 0x0c03xx   [class 0x010400]");
    assertThat(run.out()).contains("=> keep by rule default (" + POLICY + ":13): effective type direct");
    assertThat(run.out()).contains("=> fatal by rule rmrr_locked (" + POLICY + ":19)");
    CliRun byAddress = CliRun.of("explain", "--policy", POLICY, "--host", DELL, "--region", "0xbb400000");
    assertThat(byAddress.exitCode()).isEqualTo(0);
    assertThat(byAddress.out()).contains("device 0000:00:14.0 (group 3), region 0x00000000bb400000 0x00000000bb41ffff");
    assertThat(byAddress.out()).contains("=> direct-relaxable by rule usb_rmrr");
  }

  @Test
  void badPoliciesAndOptionsAreExitTwoWithoutAStackTrace() throws IOException {
    Path bad = tmp.resolve("bad.resv");
    Files.writeString(bad, "policy t.Bad;\nclassify {\n  rule a: when region.type == 3 => keep;\n}\n");
    CliRun run = CliRun.of("check", "--policy", bad.toString(), "--host", DELL);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(bad + ":3:31: error[E103]: compares region.type with an integer");
    assertThat(run.err()).contains("  rule a: when region.type == 3 => keep;\n");
    assertThat(run.err()).doesNotContain("Exception");
    assertThat(CliRun.of("check", "--policy", POLICY, "--host", DELL, "--guest", "q36").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("explain", "--policy", POLICY, "--host", DELL, "--device", "00:99.0").err())
        .contains("device 0x99 is above 0x1f");
    assertThat(CliRun.of("check", "--policy", tmp.resolve("none.resv").toString(), "--host", DELL).exitCode()).isEqualTo(2);
  }
}
