package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** resvc diff --kernel A,B: one policy read on two kernels, and the hosts' verdicts on both. */
class DiffKernelsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  private static String h(String name) {
    return ROOT.resolve("examples/hosts/" + name).toString();
  }

  private String policy(String text) throws IOException {
    Path file = dir.resolve("p.resv");
    Files.writeString(file, text);
    return file.toString();
  }

  @Test
  void theRulesWhoseKernelTestsReadDifferentlyAreTheChanges() throws IOException {
    String p = policy("""
        policy k.Eras;
        classify {
          rule old_usb: when region.source == rmrr and kernel.version < 5.3 => direct;
          rule usb: when region.source == rmrr and device.class matches 0x0c03xx => direct-relaxable;
          default => keep;
        }
        """);
    CliRun across = CliRun.of("diff", "--kernel", "5.2,5.3", p);
    assertThat(across.exitCode()).isEqualTo(1);
    assertThat(across.out()).startsWith("kernel 5.2 -> 5.3, policy " + p);
    assertThat(across.out()).contains("classify: rule `old_usb` -> rule `usb`");
    assertThat(across.out()).contains("old decision: direct");
    assertThat(across.out()).contains("new decision: direct-relaxable");

    CliRun within = CliRun.of("diff", "--kernel", "5.3,6.8", p);
    assertThat(within.exitCode()).isEqualTo(0);
    assertThat(within.out()).contains("equivalent");
  }

  @Test
  void theMechrevoLaptopLosesItsDevicesAt66() throws IOException {
    // kernel-eras.md §1.1 and §4: its exclusion IVMDs are direct from 5.6; 6.1 only cuts them out of the
    // IOVA space (outside a q35 8G guest's RAM), 6.6 refuses every device that has them.
    String p = policy("policy k.Empty;\n");
    CliRun run = CliRun.of("diff", "--kernel", "6.1,6.6", "--guest", "q35,ram=8G", "--hosts", h("mechrevo-wujie14"), p);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("kernel 6.1 -> 6.6");
    assertThat(run.out()).contains("equivalent");
    assertThat(run.out()).contains("assignable -> NOT assignable");
    assertThat(run.out()).contains("after: refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL");
    assertThat(run.out()).doesNotContain("NOT assignable -> assignable");
  }

  @Test
  void oneJsonDocumentNamesBothKernels() throws IOException {
    String p = policy("policy k.Empty;\n");
    CliRun run = CliRun.of("diff", "--kernel", "4.19,6.8", "--format", "json", p);
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out().replaceAll("\\s", "")).contains("\"kernels\":[\"4.19\",\"6.8\"]");
  }

  @Test
  void badUsesAreOneLineAndExit2() throws IOException {
    String p = policy("policy k.Empty;\n");
    assertThat(CliRun.of("diff", "--kernel", "6.1", p).exitCode()).isEqualTo(2);
    assertThat(CliRun.of("diff", "--kernel", "6.1,banana", p).err()).contains("--kernel");
    assertThat(CliRun.of("diff", "--kernel", "6.1,6.6", p, p).err()).contains("takes one policy");
    assertThat(CliRun.of("diff", p).err()).contains("takes two policies");
  }
}
