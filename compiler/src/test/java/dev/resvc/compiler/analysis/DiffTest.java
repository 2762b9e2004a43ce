package dev.resvc.compiler.analysis;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code resvc diff} on versions of the shipped VT-d policy. */
class DiffTest {
  private static final Path EXAMPLE = Path.of("../examples/policies/intel-vtd-kernel-default.resv");

  private record Run(int code, String out) {}

  private static Run diff(Path a, Path b) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "diff", a.toString(), b.toString());
    return new Run(code, out + err.toString());
  }

  @Test
  void droppingARuleShowsTheChangeWithAWitness(@TempDir Path dir) throws IOException {
    String text = Files.readString(EXAMPLE);
    Path changed = dir.resolve("changed.resv");
    Files.writeString(changed, text.replaceAll("(?m)^\\s*rule graphics_rmrr:.*\\n", ""));
    Run r = diff(EXAMPLE, changed);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("classify: rule `graphics_rmrr` -> default");
    assertThat(r.out()).contains("old decision: direct-relaxable");
    assertThat(r.out()).contains("new decision: keep");
    assertThat(r.out()).containsMatch("witness: device .* class 0x03");
    assertThat(r.out()).contains("from rmrr");
  }

  @Test
  void reorderedRulesAreEquivalent(@TempDir Path dir) throws IOException {
    String text = Files.readString(EXAMPLE);
    String usb = "  rule usb_rmrr: when region.source == rmrr and usb => direct-relaxable;\n";
    String gfx = "  rule graphics_rmrr: when region.source == rmrr and graphics => direct-relaxable;\n";
    assertThat(text).contains(usb + gfx);
    Path swapped = dir.resolve("swapped.resv");
    Files.writeString(swapped, text.replace(usb + gfx, gfx + usb.replace("usb_rmrr", "usb_renamed")));
    Run r = diff(EXAMPLE, swapped);
    assertThat(r.out()).startsWith("equivalent");
    assertThat(r.code()).isEqualTo(0);
  }

  @Test
  void aReformattedCopyIsEquivalent(@TempDir Path dir) throws IOException {
    String text = Files.readString(EXAMPLE);
    Path reformatted = dir.resolve("reformatted.resv");
    Files.writeString(reformatted, "// reformatted copy\n" + text.replaceAll("(?m)^//.*$", "")
        .replaceAll("[ ]+", " ").replace(" and ", "\n    and "));
    Run r = diff(EXAMPLE, reformatted);
    assertThat(r.out()).startsWith("equivalent");
    assertThat(r.code()).isEqualTo(0);
  }

  @Test
  void lintFormats() {
    for (String format : new String[] {"text", "json", "sarif"}) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new PrintWriter(out), new PrintWriter(err), "lint", "--format", format, "--deny-warnings",
          "src/test/resources/lint/always_true.resv");
      assertThat(code).isEqualTo(1);
      assertThat(out.toString()).contains("W201");
      if (format.equals("sarif")) {
        assertThat(out.toString()).containsMatch("\"version\":\\s*\"2.1.0\"");
        assertThat(out.toString()).contains("\"witness\"");
      }
    }
    StringWriter out = new StringWriter();
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "lint", EXAMPLE.toString())).isEqualTo(0);
    assertThat(Main.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "lint", "no-such.resv")).isEqualTo(2);
  }
}
