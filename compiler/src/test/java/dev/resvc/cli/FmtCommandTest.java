package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FmtCommandTest {
  private static final String UGLY = "const  A=1;// why\nclassify{rule r:when a=>keep;}";
  private static final String PRETTY = "const A = 1;  // why\n\nclassify {\n  rule r: when a => keep;\n}\n";

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void printsTheFormattedTextAndWritesNothingByDefault() throws IOException {
    Path ugly = write("ugly.resv", UGLY);
    Path pretty = write("pretty.resv", PRETTY);
    CliRun run = CliRun.of("fmt", ugly.toString(), pretty.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEqualTo(PRETTY + PRETTY);
    assertThat(run.err()).isEmpty();
    assertThat(Files.readString(ugly)).isEqualTo(UGLY);
  }

  @Test
  void writeRewritesChangedFilesInPlace() throws IOException {
    Path ugly = write("ugly.resv", UGLY);
    Path pretty = write("pretty.resv", PRETTY);
    CliRun run = CliRun.of("fmt", "--write", ugly.toString(), pretty.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(Files.readString(ugly)).isEqualTo(PRETTY);
    assertThat(Files.readString(pretty)).isEqualTo(PRETTY);
    assertThat(run.err()).isEqualTo("formatted " + ugly + "\n");
    assertThat(run.out()).isEmpty();
    assertThat(dir.toFile().list()).asList().containsExactly("ugly.resv", "pretty.resv");
  }

  @Test
  void checkWritesNothingAndExitsOneWhenAFileWouldChange() throws IOException {
    Path ugly = write("ugly.resv", UGLY);
    Path pretty = write("pretty.resv", PRETTY);
    CliRun run = CliRun.of("fmt", "--check", ugly.toString(), pretty.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEqualTo(ugly + " is not formatted\n");
    assertThat(Files.readString(ugly)).isEqualTo(UGLY);
  }

  @Test
  void diffPrintsAUnifiedDiffAndWritesNothing() throws IOException {
    Path ugly = write("ugly.resv", UGLY);
    Path pretty = write("pretty.resv", PRETTY);
    CliRun run = CliRun.of("fmt", "--diff", ugly.toString(), pretty.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEqualTo("--- " + ugly + "\n+++ " + ugly + " (formatted)\n"
        + "@@ -1,2 +1,5 @@\n"
        + "-const  A=1;// why\n"
        + "-classify{rule r:when a=>keep;}\n"
        + "\\ No newline at end of file\n"
        + "+const A = 1;  // why\n"
        + "+\n"
        + "+classify {\n"
        + "+  rule r: when a => keep;\n"
        + "+}\n");
    assertThat(Files.readString(ugly)).isEqualTo(UGLY);
  }

  @Test
  void checkWithDiffNamesTheFileAndShowsTheDiff() throws IOException {
    Path ugly = write("ugly.resv", PRETTY.replace("  rule", "    rule"));
    CliRun run = CliRun.of("fmt", "--check", "--diff", ugly.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEqualTo(ugly + " is not formatted\n"
        + "--- " + ugly + "\n+++ " + ugly + " (formatted)\n"
        + "@@ -1,5 +1,5 @@\n"
        + " const A = 1;  // why\n"
        + " \n"
        + " classify {\n"
        + "-    rule r: when a => keep;\n"
        + "+  rule r: when a => keep;\n"
        + " }\n");
  }

  @Test
  void writeAndCheckTogetherAreAUsageError() throws IOException {
    Path ugly = write("ugly.resv", UGLY);
    CliRun run = CliRun.of("fmt", "--write", "--check", ugly.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("resvc: error: --write and --check");
    assertThat(Files.readString(ugly)).isEqualTo(UGLY);
  }

  @Test
  void checkExitsZeroWhenEverythingIsFormatted() throws IOException {
    Path pretty = write("pretty.resv", PRETTY);
    CliRun run = CliRun.of("fmt", "--check", pretty.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void dashFormatsStandardInputToStandardOutput() {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(UGLY.getBytes(StandardCharsets.UTF_8)));
      CliRun run = CliRun.of("fmt", "-");
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.out()).isEqualTo(PRETTY);
      assertThat(run.err()).isEmpty();
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void aSyntaxErrorExitsTwoWithOneDiagnosticAndLeavesTheFileAlone() throws IOException {
    String broken = "const A = ;\nconst  B=2;\n";
    Path bad = write("bad.resv", broken);
    Path ugly = write("ugly.resv", UGLY);
    CliRun run = CliRun.of("fmt", "-w", bad.toString(), ugly.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(Files.readString(bad)).isEqualTo(broken);
    assertThat(Files.readString(ugly)).isEqualTo(PRETTY);
    String[] lines = run.err().split("\n");
    assertThat(lines[0]).startsWith(bad + ":1:11: error[");
    assertThat(run.err().split(": error\\[", -1)).hasLength(2);
    assertThat(run.err()).contains("resvc: " + bad + ": 1 error; not formatted\n");
    assertThat(run.err()).contains("formatted " + ugly + "\n");
  }

  @Test
  void aMissingFileExitsTwo() {
    CliRun run = CliRun.of("fmt", dir.resolve("absent.resv").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no such file");
  }
}
