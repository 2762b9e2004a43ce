package dev.resvc.compiler.analysis;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fixtures under src/test/resources/lint: {@code // expect: CODE [CODE…]} on the line before a
 * line means exactly those findings start on that line; any other finding fails the test.
 */
class LintFixturesTest {
  private static final Path DIR = Path.of("src/test/resources/lint");

  @TestFactory
  Stream<DynamicTest> fixtures() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".resv")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    TreeSet<String> expected = new TreeSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.startsWith("// expect:")) {
        for (String code : l.substring("// expect:".length()).strip().split("\\s+")) {
          expected.add((i + 2) + " " + code);
        }
      }
    }
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
    assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
    List<Linter.Finding> findings = Linter.analyse(c.policy().get());
    TreeSet<String> actual = new TreeSet<>();
    for (Linter.Finding f : findings) {
      actual.add(f.diagnostic().span().line() + " " + f.code().id());
    }
    assertWithMessage(render(c, findings)).that(actual).isEqualTo(expected);
  }

  private static String render(PolicyCompiler.Compilation c, List<Linter.Finding> findings) {
    return new dev.resvc.compiler.diag.DiagnosticRenderer(c.sources())
        .text(findings.stream().map(Linter.Finding::diagnostic).toList());
  }

  @Test
  void everyCodeHasAPositiveFixture() throws IOException {
    TreeSet<String> codes = new TreeSet<>();
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path p : s.toList()) {
        for (String l : Files.readAllLines(p)) {
          if (l.strip().startsWith("// expect:")) {
            codes.addAll(List.of(l.strip().substring("// expect:".length()).strip().split("\\s+")));
          }
        }
      }
    }
    assertThat(codes).containsAtLeast("W201", "W202", "W203", "W204", "W205", "I201", "I202", "I203");
  }

  @Test
  void theKernelBugIsAlwaysTrueWithTheAndSuggestion(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path f = dir.resolve("bug.resv");
    Files.writeString(f, """
        policy k.Bug;
        classify {
          rule relax: when region.type != direct or region.type != direct-relaxable => keep;
        }
        """);
    PolicyCompiler.Compilation c = PolicyCompiler.compile(f);
    List<Diagnostic> ds = Linter.lint(c.policy().get());
    Diagnostic d = ds.stream().filter(x -> x.code().id().equals("W201")).findFirst().orElseThrow();
    assertThat(d.message()).isEqualTo("always true: every region type differs from `direct` or from "
        + "`direct-relaxable`; did you mean `and`?");
    assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
    assertThat(d.span().line()).isEqualTo(3);
    assertThat(d.span().column()).isEqualTo(20);
    assertThat(d.notes().stream().anyMatch(n -> n.message().startsWith("witness"))).isTrue();
  }

  @Test
  void theExamplePoliciesAreClean() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("../examples/policies"))) {
      for (Path p : s.filter(x -> x.toString().endsWith(".resv")).toList()) {
        PolicyCompiler.Compilation c = PolicyCompiler.compile(p);
        List<Linter.Finding> warnings = Linter.analyse(c.policy().get()).stream()
            .filter(f -> f.diagnostic().severity() == Diagnostic.Severity.WARNING).toList();
        assertWithMessage(p + ": " + render(c, warnings)).that(warnings).isEmpty();
      }
    }
  }
}
