package dev.resvc.compiler.check;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.CodeTest;
import dev.resvc.compiler.diag.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The diagnostics fixtures: every {@code src/test/resources/diagnostics/*.resv} is compiled and its
 * diagnostics must be exactly those its markers announce. A line {@code // expect: E103 E104} (codes
 * separated by spaces or commas) expects those codes on the next line that is not a {@code //} comment
 * or blank; {@code // expect-file: E115} expects them at line 1. Markers in imported files count for
 * the fixture that loads them. A code written twice is expected twice on that line.
 */
class DiagnosticFixturesTest {
  /** The fixtures, next to the module's sources so that file names in diagnostics are stable. */
  static final Path FIXTURES = moduleDir().resolve("src/test/resources/diagnostics");

  private static final Pattern EXPECT = Pattern.compile("^\\s*//\\s*expect(-file)?:\\s*(.*)$");
  private static final Pattern CODE = Pattern.compile("E\\d{3}");
  /**
   * Codes whose input is too large for a fixture (33 chained files, 1001 files, 16 MiB of text):
   * {@code dev.resvc.compiler.syntax.PolicyLoaderLimitsTest} builds those inputs and checks each.
   */
  static final Set<String> TESTED_BY_GENERATED_INPUTS = Set.of("E013", "E014", "E015");
  private static final List<String> ANTLR_WORDING = List.of(
      "mismatched input", "expecting {", "extraneous input", "no viable alternative", "missing '", "token recognition");

  static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("src/test/resources")) ? here : here.resolve("compiler");
  }

  /** The top-level fixture files, sorted. */
  static List<Path> fixtures() {
    try (Stream<Path> s = Files.list(FIXTURES)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".resv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Expected "line:code" entries of one file, each once per time it is expected, sorted. */
  static List<String> markers(Path file) {
    List<String> lines;
    try {
      lines = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = EXPECT.matcher(line);
      if (m.matches()) {
        List<String> codes = new ArrayList<>();
        Matcher c = CODE.matcher(m.group(2));
        while (c.find()) {
          codes.add(c.group());
        }
        if (codes.isEmpty()) {
          throw new IllegalStateException(file + ":" + (i + 1) + ": a marker without codes");
        }
        if (m.group(1) != null) {
          codes.forEach(code -> out.add(key(1, code)));
        } else {
          pending.addAll(codes);
        }
        continue;
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("//")) {
        continue;
      }
      for (String code : pending) {
        out.add(key(i + 1, code));
      }
      pending.clear();
    }
    if (!pending.isEmpty()) {
      throw new IllegalStateException(file + ": a marker at the end of the file expects nothing after it");
    }
    return out.stream().sorted().toList();
  }

  private static String key(int line, String code) {
    return String.format("%04d:%s", line, code);
  }

  @TestFactory
  Stream<DynamicTest> eachFixtureReportsExactlyWhatItsMarkersSay() {
    assertThat(fixtures().size()).isAtLeast(40);
    return fixtures().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path fixture) {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(fixture);
    // Expected and actual, per file (normalized absolute path).
    Map<String, List<String>> expected = new TreeMap<>();
    Map<String, List<String>> actual = new TreeMap<>();
    for (String name : c.sources().keySet()) {
      Path p = Path.of(name).toAbsolutePath().normalize();
      List<String> m = markers(p);
      if (!m.isEmpty()) {
        expected.put(p.toString(), m);
      }
    }
    if (!c.sources().containsKey(fixture.toString())) {
      List<String> m = markers(fixture);
      if (!m.isEmpty()) {
        expected.put(fixture.toAbsolutePath().normalize().toString(), m);
      }
    }
    for (Diagnostic d : c.diagnostics()) {
      String where = Path.of(d.span().file()).toAbsolutePath().normalize().toString();
      actual.computeIfAbsent(where, k -> new ArrayList<>()).add(key(d.span().line(), d.code().id()));
      assertWithMessage("message of %s at %s", d.code(), d.span()).that(d.message().strip()).isNotEmpty();
      for (String w : ANTLR_WORDING) {
        assertWithMessage("ANTLR wording in %s at %s: %s", d.code(), d.span(), d.message())
            .that(d.message()).doesNotContain(w);
      }
      for (Diagnostic.Note n : d.notes()) {
        assertWithMessage("note of %s at %s", d.code(), d.span()).that(n.message().strip()).isNotEmpty();
      }
    }
    actual.replaceAll((k, v) -> v.stream().sorted().toList());
    assertWithMessage("diagnostics of %s (line:code per file); compiler said:%n%s", fixture.getFileName(),
        c.renderText()).that(actual).isEqualTo(expected);
    boolean errorsExpected = expected.values().stream().anyMatch(l -> !l.isEmpty());
    assertWithMessage("a checked policy exactly when no error is expected").that(c.policy().isPresent())
        .isEqualTo(!errorsExpected);
  }

  @Test
  void fiveMistakesGiveFiveErrorsInOneRun() {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(FIXTURES.resolve("five-mistakes.resv"));
    assertThat(c.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count())
        .isEqualTo(5);
  }

  @Test
  void duplicateAcrossImportsPointsAtTheFirstDefinition() {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(FIXTURES.resolve("import-duplicate-name.resv"));
    Diagnostic d = c.diagnostics().stream().filter(x -> x.code().id().equals("E102")).findFirst().orElseThrow();
    assertThat(d.notes()).isNotEmpty();
    assertThat(d.notes().get(0).span().orElseThrow().file()).endsWith("dup-usb.resv");
  }

  @Test
  void unknownNamesSuggestTheClosest() {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(FIXTURES.resolve("unknown-predicate.resv"));
    assertThat(c.renderText()).contains("did you mean `graphics`?");
    c = PolicyCompiler.compile(FIXTURES.resolve("unknown-field-suggestion.resv"));
    assertThat(c.renderText()).contains("did you mean `vendor`?");
    c = PolicyCompiler.compile(FIXTURES.resolve("e107-unknown-placeholder.resv"));
    assertThat(c.renderText()).contains("did you mean `{region}`?");
    c = PolicyCompiler.compile(FIXTURES.resolve("e101-unknown-constant.resv"));
    assertThat(c.renderText()).contains("did you mean `INTEL`?");
    assertThat(c.renderText()).contains("did you mean `MSI_WINDOW`?");
  }

  @Test
  void aBadMessageTemplateSaysWhatIsWrongAndWhichPlaceholdersExist() {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(FIXTURES.resolve("e107-unknown-placeholder.resv"));
    List<String> messages = c.diagnostics().stream().map(Diagnostic::message).toList();
    assertThat(messages).containsExactly(
        "in the message: unknown placeholder {regoin}", "in the message: unclosed '{' at character 1");
    for (Diagnostic d : c.diagnostics()) {
      assertThat(d.notes().get(d.notes().size() - 1).message()).isEqualTo(
          "placeholders are {region}, {device}, {guest} and {overlap}; write {{ and }} for literal braces");
    }
  }

  /** Codes in the tables of docs/diagnostics.md. */
  static Set<String> documentedCodes() throws IOException {
    String doc = Files.readString(moduleDir().resolve("../docs/diagnostics.md").normalize());
    Set<String> codes = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\|\\s*(E\\d{3})\\s*\\|").matcher(doc);
    while (m.find()) {
      codes.add(m.group(1));
    }
    return codes;
  }

  /** Every error code the main sources report (they name it as {@code Code.NAME}). */
  static Set<String> emittedCodes() throws IOException {
    Set<String> codes = new TreeSet<>();
    for (Code c : CodeTest.reportedCodes()) {
      if (c.id().startsWith("E")) {
        codes.add(c.id());
      }
    }
    return codes;
  }

  @Test
  void everyDocumentedCodeHasAFixture() throws IOException {
    Set<String> covered = new TreeSet<>();
    try (Stream<Path> s = Files.walk(FIXTURES)) {
      for (Path p : s.filter(x -> x.toString().endsWith(".resv")).toList()) {
        markers(p).forEach(k -> covered.add(k.substring(k.indexOf(':') + 1)));
      }
    }
    assertThat(documentedCodes()).isNotEmpty();
    covered.addAll(TESTED_BY_GENERATED_INPUTS);
    assertThat(covered).containsAtLeastElementsIn(documentedCodes());
  }

  @Test
  void everyCodeTheSourcesEmitIsDocumented() throws IOException {
    Set<String> emitted = emittedCodes();
    assertThat(emitted).isNotEmpty();
    assertThat(documentedCodes()).containsAtLeastElementsIn(emitted);
  }

  @Test
  void everyDocumentedCodeCanBeEmitted() throws IOException {
    assertThat(emittedCodes()).containsAtLeastElementsIn(documentedCodes());
  }
}
