package dev.resvc.compiler.check;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A diagnostic underlines the part that is wrong: the bad name or placeholder, the `default` keyword. */
class UnderlinedPartTest {
  @TempDir Path dir;

  private PolicyCompiler.Compilation compile(String text) throws IOException {
    Path file = dir.resolve("p.resv");
    Files.writeString(file, "policy t.P;\n" + text);
    return PolicyCompiler.compile(file, "p.resv");
  }

  private List<Span> spans(String code, String text) throws IOException {
    return compile(text).diagnostics().stream().filter(d -> d.code().id().equals(code)).map(Diagnostic::span).toList();
  }

  @Test
  void e111UnderlinesTheUnknownFieldOrObjectOnly() throws IOException {
    List<Span> spans = spans("E111", """
        conflicts {
          rule a: when device.vendro == 1 => warn "w";
          rule b: when devise . vendor == 1 => warn "w";
          rule c: when overlaps(guest.ramm) => warn "w";
        }
        """);
    assertThat(spans).containsExactly(
        new Span("p.resv", 3, 23, 6),
        new Span("p.resv", 4, 16, 6),
        new Span("p.resv", 5, 31, 4)).inOrder();
  }

  @Test
  void e107UnderlinesThePlaceholderEvenAfterEscapes() throws IOException {
    List<Span> spans = spans("E107", """
        conflicts {
          rule a: when region.type == msi => fatal "x \\"q\\" {regoin} y";
          rule b: when region.type == msi => fatal "open {region";
        }
        """);
    // "x \"q\" {regoin}": the placeholder starts 9 source characters after the quote at column 44
    assertThat(spans).containsExactly(new Span("p.resv", 3, 53, 8), new Span("p.resv", 4, 50, 1)).inOrder();
  }

  @Test
  void w205PointsAtTheDefaultKeyword() throws IOException {
    CheckedPolicy p = compile("""
        classify {
          rule all: when true => keep;
          default => keep;
        }
        """).policy().orElseThrow();
    List<Span> spans = Linter.analyse(p).stream().map(Linter.Finding::diagnostic)
        .filter(d -> d.code().id().equals("W205")).map(Diagnostic::span).toList();
    assertThat(spans).containsExactly(new Span("p.resv", 4, 3, 7));
  }
}
