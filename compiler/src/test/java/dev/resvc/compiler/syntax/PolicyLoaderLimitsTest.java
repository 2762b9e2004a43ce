package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.runtime.input.InputLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What one load reads at most: the import depth, the number of files, their bytes; what it refuses to open. */
class PolicyLoaderLimitsTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path dir;

  private List<Diagnostic> load(Path root) {
    Diagnostics d = new Diagnostics();
    assertTimeoutPreemptively(BOUND, () -> PolicyLoader.load(root, d));
    return d.all();
  }

  /** {@code c0.resv} imports {@code c1.resv}, … up to {@code c<n-1>.resv}. */
  private Path chain(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      Files.writeString(dir.resolve("c" + i + ".resv"),
          (i + 1 < n ? "import \"c" + (i + 1) + ".resv\";\n" : "") + "const K" + i + " = " + i + ";\n");
    }
    return dir.resolve("c0.resv");
  }

  @Test
  void aChainAsDeepAsTheLimitLoads() throws IOException {
    assertThat(load(chain(PolicyLoader.MAX_IMPORT_DEPTH))).isEmpty();
  }

  @Test
  void aChainOfTwoThousandFilesStopsAtTheDepthLimit() throws IOException {
    List<Diagnostic> d = load(chain(2000));
    assertThat(d).hasSize(1);
    Diagnostic e = d.get(0);
    assertThat(e.code().id()).isEqualTo("E013");
    int last = PolicyLoader.MAX_IMPORT_DEPTH - 1;
    assertThat(e.span().file()).isEqualTo(dir.resolve("c" + last + ".resv").toString());
    assertThat(e.span().line()).isEqualTo(1);
    assertThat(e.span().column()).isEqualTo(8);
    assertThat(e.message()).isEqualTo("imports nested deeper than 32 files (the most resvc follows); "
        + dir.resolve("c" + (last + 1) + ".resv") + " was not read");
  }

  @Test
  void moreThanAThousandFilesAreRefusedOnce() throws IOException {
    StringBuilder root = new StringBuilder();
    for (int i = 0; i < PolicyLoader.MAX_FILES + 5; i++) {
      Files.writeString(dir.resolve("f" + i + ".resv"), "const F" + i + " = " + i + ";\n");
      root.append("import \"f").append(i).append(".resv\";\n");
    }
    Path main = Files.writeString(dir.resolve("main.resv"), root);
    List<Diagnostic> d = load(main);
    assertThat(d).hasSize(1);
    assertThat(d.get(0).code().id()).isEqualTo("E014");
    // the root is the first file, so f998 is the thousandth
    assertThat(d.get(0).span().line()).isEqualTo(PolicyLoader.MAX_FILES);
    assertThat(d.get(0).message()).isEqualTo("this policy imports more than 1000 files (the most one policy may read); "
        + dir.resolve("f" + (PolicyLoader.MAX_FILES - 1) + ".resv") + " was not read");
  }

  @Test
  void moreThanSixteenMebibytesOfTextAreRefusedOnce() throws IOException {
    String big = "// " + "x".repeat((int) InputLimits.POLICY.maxBytes() - 4) + "\n";
    StringBuilder root = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      Files.writeString(dir.resolve("big" + i + ".resv"), big);
      root.append("import \"big").append(i).append(".resv\";\n");
    }
    Path main = Files.writeString(dir.resolve("main.resv"), root);
    List<Diagnostic> d = load(main);
    assertThat(d).hasSize(1);
    assertThat(d.get(0).code().id()).isEqualTo("E015");
    assertThat(d.get(0).span().line()).isEqualTo(4); // main and three files fit; the fourth does not
    assertThat(d.get(0).message()).isEqualTo("this policy's files hold more than 16 MiB of text (the most one "
        + "policy may read); " + dir.resolve("big3.resv") + " was not read");
  }

  @Test
  void aFileOverItsCapIsRefusedWithoutParsing() throws IOException {
    Files.writeString(dir.resolve("huge.resv"), "x".repeat((int) InputLimits.POLICY.maxBytes() + 1));
    Path main = Files.writeString(dir.resolve("main.resv"), "import \"huge.resv\";\n");
    List<Diagnostic> d = load(main);
    assertThat(d).hasSize(1);
    assertThat(d.get(0).code().id()).isEqualTo("E012");
    assertThat(d.get(0).message()).isEqualTo(dir.resolve("huge.resv")
        + ": is longer than 4 MiB, the most resvc reads from a policy file");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void devZeroAndAFifoAreRefusedUnopened() throws Exception {
    Files.createSymbolicLink(dir.resolve("zero.resv"), Path.of("/dev/zero"));
    Path fifo = dir.resolve("fifo.resv");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isEqualTo(0);
    Path main = Files.writeString(dir.resolve("main.resv"),
        "import \"/dev/zero\";\nimport \"zero.resv\";\nimport \"fifo.resv\";\n");
    List<Diagnostic> d = load(main);
    assertThat(d.stream().map(x -> x.code().id()).toList()).containsExactly("E012", "E012", "E012");
    for (Diagnostic e : d) {
      assertThat(e.message()).endsWith(": is not a regular file (a FIFO, device or socket); resvc reads only regular files");
    }
    assertThat(load(Path.of("/dev/zero")).get(0).code().id()).isEqualTo("E012");
    assertThat(load(fifo).get(0).code().id()).isEqualTo("E012");
  }
}
