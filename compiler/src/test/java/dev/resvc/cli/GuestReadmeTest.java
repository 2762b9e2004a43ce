package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The preset maps shown in examples/guests/README.md are exactly what resvc guest prints. */
class GuestReadmeTest {
  private static final Path README = Path.of("..").toAbsolutePath().normalize().resolve("examples/guests/README.md");

  @Test
  void everyMapInTheReadmeIsTheCommandsOutput() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int checked = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("$ resvc guest ")) {
        String spec = lines.get(i).substring("$ resvc guest ".length());
        StringBuilder expected = new StringBuilder();
        for (i++; !lines.get(i).equals("```"); i++) {
          expected.append(lines.get(i)).append('\n');
        }
        CliRun run = CliRun.of("guest", spec);
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo(expected.toString());
        checked++;
      }
    }
    assertThat(checked).isAtLeast(7);
  }

  @Test
  void theOutputIsALayoutFileAndBadSpecsAreUsageErrors() throws IOException {
    Path saved = Files.createTempFile("q35", ".layout");
    Files.writeString(saved, CliRun.of("guest", "q35,ram=16G").out());
    assertThat(CliRun.of("guest", saved.toString()).out()).isEqualTo(CliRun.of("guest", "q35,ram=16G").out());
    CliRun bad = CliRun.of("guest", "q35,ram=lots");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("'lots' is not a size");
    assertThat(CliRun.of("guest", "virt,ram=4G,highmem=off").err())
        .isEqualTo("resvc: error: --guest: guest 'virt,ram=4G,highmem=off': RAM 4G from 0x40000000 does not fit the"
            + " 32-bit physical address space of virt with highmem=off (at most 3G)\n");
    assertThat(CliRun.of("guest", "pc-q35-rhel9.4.0").exitCode()).isEqualTo(2);
  }
}
