package dev.resvc.cli;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed policies never make the command line fail with a stack trace: every diagnostics fixture,
 * and the example policies and some fixtures cut short at many points, go through {@code resvc check}
 * and {@code resvc test} in-process. Exit codes stay in 0..2, stderr never shows an exception, and
 * on exit 2 every line of stderr is part of a rendered diagnostic.
 */
class MalformedPoliciesCliTest {
  private static final Path MODULE = moduleDir();
  private static final Path ROOT = MODULE.getParent();
  private static final Path FIXTURES = MODULE.resolve("src/test/resources/diagnostics");
  private static final Path HOST = ROOT.resolve("examples/hosts/dell-latitude-5414");
  private static final int CUTS_PER_FILE = 50;
  /** Fixtures that are also cut short: the richest ones. */
  private static final List<String> TRUNCATED_FIXTURES = List.of(
      "valid-imports.resv", "valid-edge-literals.resv", "five-mistakes.resv", "e119-undeclared-device.resv",
      "e101-unknown-constant.resv");

  private static final Pattern DIAGNOSTIC = Pattern.compile("^.+:\\d+:\\d+: (error|warning|info)\\[E\\d{3}\\]: .+$");
  private static final Pattern SOURCE_OR_CARET = Pattern.compile("^  .*$");
  private static final Pattern NOTE = Pattern.compile("^  = note: .+$");
  private static final Pattern SUMMARY = Pattern.compile("^resvc: .+: \\d+ errors?$");

  @TempDir static Path cuts;

  static Path moduleDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("src/test/resources")) ? here : here.resolve("compiler");
  }

  private static List<Path> resv(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".resv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureRunsCleanly() {
    return resv(FIXTURES).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runBoth(f)));
  }

  @TestFactory
  Stream<DynamicTest> truncatedPoliciesRunCleanly() throws IOException {
    List<Path> sources = new ArrayList<>(resv(ROOT.resolve("examples/policies")));
    TRUNCATED_FIXTURES.forEach(n -> sources.add(FIXTURES.resolve(n)));
    List<DynamicTest> tests = new ArrayList<>();
    for (Path source : sources) {
      String text = Files.readString(source);
      // Cut copies live next to the original's imports, so that `import "lib/…"` still resolves.
      Path dir = Files.createDirectories(cuts.resolve(source.getParent().getFileName().toString()));
      copyLib(source.getParent(), dir);
      tests.add(DynamicTest.dynamicTest(source.getFileName() + " cut " + CUTS_PER_FILE + " ways", () -> {
        Set<Integer> points = new java.util.TreeSet<>();
        for (int i = 0; i < CUTS_PER_FILE; i++) {
          points.add((int) ((long) text.length() * i / CUTS_PER_FILE));
        }
        for (int at : points) {
          Path cut = dir.resolve("cut-" + at + "-" + source.getFileName());
          Files.writeString(cut, text.substring(0, at));
          runBoth(cut);
          Files.delete(cut);
        }
      }));
    }
    return tests.stream();
  }

  private static void copyLib(Path from, Path to) throws IOException {
    Path lib = from.resolve("lib");
    if (!Files.isDirectory(lib) || Files.isDirectory(to.resolve("lib"))) {
      return;
    }
    Files.createDirectories(to.resolve("lib"));
    for (Path p : resv(lib)) {
      Files.copy(p, to.resolve("lib").resolve(p.getFileName()));
    }
  }

  private static void runBoth(Path policy) {
    check(policy, CliRun.of("check", "--policy", policy.toString(), "--host", HOST.toString()));
    check(policy, CliRun.of("test", policy.toString()));
  }

  private static void check(Path policy, CliRun run) {
    String what = policy.getFileName() + "\n--- stderr:\n" + run.err();
    assertWithMessage("exit code for %s", what).that(run.exitCode()).isIn(Set.of(0, 1, 2));
    for (String bad : List.of("Exception", "at dev.resvc", "internal error")) {
      assertWithMessage("stderr for %s", what).that(run.err()).doesNotContain(bad);
    }
    if (run.exitCode() == 2) {
      assertWithMessage("stderr for %s", what).that(run.err()).isNotEmpty();
      for (String line : run.err().lines().toList()) {
        boolean ok = DIAGNOSTIC.matcher(line).matches() || NOTE.matcher(line).matches()
            || SOURCE_OR_CARET.matcher(line).matches() || SUMMARY.matcher(line).matches();
        assertWithMessage("line %s of stderr for %s", line, what).that(ok).isTrue();
      }
    }
  }
}
