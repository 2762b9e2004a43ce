package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionsAndIovaCommandTest {
  @TempDir Path dir;

  private String file(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  @Test
  void mergePrintsTheKernelsSysfsLines() throws IOException {
    String in = file("g.txt", """
        # two devices of one group, as intel_iommu_get_resv_regions reports them
        0x3e2e0000 0x3e2fffff direct
        0xfee00000 0xfeefffff msi
        0x3e300000 0x3e30ffff direct
        0xfee00000 0xfeefffff msi
        0x08000000 0x080fffff sw-msi
        """);
    CliRun run = CliRun.of("regions", "merge", in);
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEqualTo("""
        0x0000000008000000 0x00000000080fffff msi
        0x000000003e2e0000 0x000000003e30ffff direct
        0x00000000fee00000 0x00000000feefffff msi
        """);
    assertThat(run.err()).isEmpty();
  }

  @Test
  void protectionFlagsOfARegionFileReachTheJsonButNotTheSysfsLines() throws IOException {
    String in = file("p.txt", """
        0x3e2e0000 0x3e2fffff direct prot=read|write
        0x08000000 0x080fffff sw-msi prot=write|noexec|mmio
        """);
    CliRun text = CliRun.of("regions", "merge", in);
    assertThat(text.out()).isEqualTo("0x0000000008000000 0x00000000080fffff msi\n"
        + "0x000000003e2e0000 0x000000003e2fffff direct\n");
    CliRun json = CliRun.of("regions", "merge", "--format", "json", in);
    assertThat(json.exitCode()).isEqualTo(0);
    assertThat(json.out()).contains("\"prot\": [\n        \"write\",\n        \"noexec\",\n        \"mmio\"\n      ]");
    assertThat(json.out()).contains("\"prot\": [\n        \"read\",\n        \"write\"\n      ]");
    CliRun iova = CliRun.of("iova", "--format", "json", in);
    assertThat(iova.out()).contains("\"noexec\"");
  }

  @Test
  void mergeKeepsTheWrapQuirkAtTheTop() throws IOException {
    String in = file("top.txt", "0xfffffffffffff000 0xffffffffffffffff reserved\n"
        + "0xfffffffffffff800 0xffffffffffffffff reserved\n");
    assertThat(CliRun.of("regions", "merge", in).out()).isEqualTo(
        "0xfffffffffffff000 0xffffffffffffffff reserved\n0xfffffffffffff800 0xffffffffffffffff reserved\n");
  }

  @Test
  void zeroLengthRegionsAreAcceptedWithAWarning() throws IOException {
    String in = file("z.txt", "0x2000 0x1fff direct\n");
    CliRun run = CliRun.of("regions", "merge", in);
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEqualTo("0x0000000000002000 0x0000000000001fff direct\n");
    assertThat(run.err()).contains("z.txt:1:8: warning: end 0x0000000000001fff is one below the start");
  }

  @Test
  void badInputIsOneLineAndExitTwo() throws IOException {
    String[][] cases = {
      {"0x3000 0x1000 direct\n", "bad.txt:1:8: error: end 0x0000000000001000 lies below start 0x0000000000003000"},
      {"0x0 0x10000000000000000 direct\n", "bad.txt:1:5: error: end: '0x10000000000000000' does not fit in 64 bits"},
      {"hello world\n", "bad.txt:1:1: error: expected '<start> <end> <type> [prot=<flags>]' (3 or 4 fields), found 2"},
      {"0x0 0x1 mystery\n", "bad.txt:1:9: error: unknown region type 'mystery'"},
    };
    for (String[] c : cases) {
      String in = file("bad.txt", c[0]);
      for (String cmd : new String[] {"regions merge", "iova"}) {
        String[] args = (cmd + " " + in).split(" ");
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith(in + c[1].substring("bad.txt".length()));
        assertThat(run.err().strip().lines().count()).isEqualTo(1);
      }
    }
  }

  @Test
  void missingFilesAndBadOptionsAreUsageErrors() {
    CliRun run = CliRun.of("regions", "merge", dir.resolve("nope.txt").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).endsWith("nope.txt: error: no such file\n");
    run = CliRun.of("iova", "--aperture", "0x10-0x1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("the end lies below the start");
    run = CliRun.of("frobnicate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument");
  }

  @Test
  void iovaPrintsValidRangesWithTheApertureLine() throws IOException {
    String in = file("g.txt", """
        aperture 0x0 0xffffffffffff
        0x3e2e0000 0x3e2fffff direct
        0x7b800000 0x7fffffff direct-relaxable
        0xfee00000 0xfeefffff msi
        """);
    CliRun run = CliRun.of("iova", in);
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEqualTo("""
        0x0000000000000000 0x000000003e2dffff
        0x000000003e300000 0x00000000fedfffff
        0x00000000fef00000 0x0000ffffffffffff
        """);
    run = CliRun.of("iova", "--aperture", "0x0-0xffffffff", in);
    assertThat(run.out()).endsWith("0x00000000fef00000 0x00000000ffffffff\n");
  }

  @Test
  void iovaSaysEinvalWhenNothingRemains() throws IOException {
    String in = file("all.txt", "aperture 0x0 0xffffffff\n0x0 0xffffffff reserved\n");
    CliRun run = CliRun.of("iova", in);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("-EINVAL");
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"regions", "--help"}, {"regions", "merge", "--help"}, {"iova", "--help"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.out()).contains("Usage: resvc");
    }
  }
}
