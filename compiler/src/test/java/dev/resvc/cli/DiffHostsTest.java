package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** resvc diff between the kernel's VT-d typing and a policy that undoes the relaxable type, on hosts built from real tables. */
class DiffHostsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static String p(String name) {
    return ROOT.resolve("examples/policies/" + name + ".resv").toString();
  }

  private static String h(String name) {
    return ROOT.resolve("examples/hosts/" + name).toString();
  }

  @Test
  void undoingTheRelaxableTypeLocksUsbAndGraphicsButChangesNothingForTheRaidController() {
    // kernel-intel.resv types USB and display RMRRs direct-relaxable (v5.3+, docs/kernel-eras.md §3);
    // cloud-strict.resv turns relaxable regions back into direct, as every RMRR was before 5.3.
    CliRun run = CliRun.of("diff", p("kernel-intel"), p("cloud-strict"),
        "--hosts", h("dell-latitude-5414"), "--hosts", h("hp-proliant-dl360-g7"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("classify: rule `usb_rmrr` -> rule `no_relax`");
    assertThat(run.out()).contains("classify: rule `display_rmrr` -> rule `no_relax`");
    assertThat(run.out()).contains("class 0x030000");
    assertThat(run.out()).contains("host " + h("dell-latitude-5414") + ": 2 groups' verdicts change");
    assertThat(run.out()).contains("  group 1: assignable -> NOT assignable");
    // the RAID controller's group (10) is refused by the kernel's own attach step under both
    assertThat(run.out()).doesNotContain("group 10: ");
  }

  @Test
  void aPolicyIsEquivalentToItself() {
    CliRun run = CliRun.of("diff", p("kernel-intel"), p("kernel-intel"), "--hosts", h("dell-latitude-5414"));
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).startsWith("equivalent");
  }
}
