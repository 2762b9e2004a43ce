package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** resvc diff between the pre- and post-relaxable VT-d policies, on hosts built from real tables. */
class DiffHostsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static String p(String name) {
    return ROOT.resolve("examples/policies/" + name + ".resv").toString();
  }

  private static String h(String name) {
    return ROOT.resolve("examples/hosts/" + name).toString();
  }

  @Test
  void theRelaxableChangeFreesUsbAndGraphicsButNotTheRaidController() {
    CliRun run = CliRun.of("diff", p("kernel-intel-legacy"), p("kernel-intel"),
        "--hosts", h("dell-latitude-5414"), "--hosts", h("hp-proliant-dl360-g7"));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("classify: rule `every_rmrr` -> rule `usb_rmrr`");
    assertThat(run.out()).contains("class 0x0c0300");
    // keep vs direct differs only for a region whose kernel type is not direct: the floppy range.
    assertThat(run.out()).contains("from floppy-wa");
    assertThat(run.out()).contains("host " + h("dell-latitude-5414") + ": 3 groups' verdicts change");
    assertThat(run.out()).contains("  group 1: NOT assignable -> assignable");
    assertThat(run.out()).doesNotContain("group 10: NOT assignable -> assignable");
  }

  @Test
  void aPolicyIsEquivalentToItself() {
    CliRun run = CliRun.of("diff", p("kernel-intel"), p("kernel-intel"), "--hosts", h("dell-latitude-5414"));
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).startsWith("equivalent");
  }
}
