package dev.resvc.maven;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.compiler.build.BuildOptions;
import dev.resvc.compiler.codegen.PolicyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResvSourceGeneratorTest {
  @TempDir Path project;
  Path src;
  Path out;
  Path res;
  final List<String> logged = new ArrayList<>();
  final List<Problem> problems = new ArrayList<>();
  final List<Path> changed = new ArrayList<>();
  final List<Path> compiling = new ArrayList<>();

  static final String LIB = "predicate usb = device.class matches 0x0c03xx;\n";
  static final String ALPHA = """
      policy t.Alpha;
      import "lib/classes.resv";
      classify {
        rule usb_rmrr: when region.source == rmrr and usb => direct-relaxable;
        default => keep;
      }
      conflicts {
        rule locked: when region.type == direct => fatal "{device} has {region}";
        default => allow;
      }
      """;
  static final String BETA = """
      policy t.sub.Beta;
      classify {
        default => keep;
      }
      conflicts {
        default => allow;
      }
      """;

  @BeforeEach
  void setUp() throws Exception {
    src = project.resolve("src/main/resv");
    out = project.resolve("target/generated-sources/resv");
    res = project.resolve("target/generated-resources/resv");
    write("lib/classes.resv", LIB);
    write("alpha.resv", ALPHA);
    write("sub/beta.resv", BETA);
  }

  void write(String name, String text) throws Exception {
    Path f = src.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  ResvSourceGenerator.Result run() throws Exception {
    return generator(false, List.of()).run();
  }

  ResvSourceGenerator generator(boolean denyWarnings, List<String> includes) {
    return generator(denyWarnings, new PolicySources(src, includes, List.of()));
  }

  ResvSourceGenerator generator(boolean denyWarnings, PolicySources sources) {
    return new ResvSourceGenerator(new ResvSourceGenerator.Config(project, sources, out, res,
        project.resolve("target/resv-maven-plugin/state.tsv"), new BuildOptions(true, denyWarnings)), recordingLog());
  }

  /** A log that keeps what it is told; shared with the other tests of the goals. */
  BuildLog recordingLog() {
    return new BuildLog() {
      @Override
      public void info(String m) {
        logged.add("INFO " + m);
      }

      @Override
      public void debug(String m) {}

      @Override
      public void problem(Problem p) {
        problems.add(p);
      }

      @Override
      public void compiling(Path file) {
        compiling.add(file);
      }

      @Override
      public void changed(Path file) {
        changed.add(file);
      }
    };
  }

  @Test
  void generatesOneClassPerPolicyAndTheServiceFile() throws Exception {
    ResvSourceGenerator.Result r = run();
    assertThat(r.generated()).containsExactly(name("src/main/resv/alpha.resv"), name("src/main/resv/sub/beta.resv"));
    assertThat(r.skippedImports()).containsExactly(name("src/main/resv/lib/classes.resv"));
    assertThat(r.classNames()).containsExactly("t.Alpha", "t.sub.Beta").inOrder();
    String alpha = Files.readString(out.resolve("t/Alpha.java"));
    assertThat(alpha).contains("public final class Alpha implements Policy");
    // project-relative names, never the absolute path of the checkout
    assertThat(alpha).contains(name("src/main/resv/alpha.resv"));
    assertThat(alpha).doesNotContain(project.toString());
    assertThat(Files.exists(out.resolve("t/sub/Beta.java"))).isTrue();
    assertThat(Files.readString(res.resolve(PolicyGenerator.SERVICE_FILE))).isEqualTo("t.Alpha\nt.sub.Beta\n");
  }

  @Test
  void skipsUnchangedInputsWithoutTouchingOutputs() throws Exception {
    run();
    Path alpha = out.resolve("t/Alpha.java");
    var before = Files.getLastModifiedTime(alpha);
    Files.setLastModifiedTime(src.resolve("alpha.resv"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    ResvSourceGenerator.Result r = run();
    assertThat(r.generated()).isEmpty(); // a newer time alone is no change: hashes decide
    assertThat(r.upToDate()).hasSize(2);
    assertThat(Files.getLastModifiedTime(alpha)).isEqualTo(before);
    assertThat(logged.get(logged.size() - 1)).contains("all 2 policies are up to date");
  }

  @Test
  void anUnchangedBuildReadsNoPolicyAgainAndChangesNoFile() throws Exception {
    run();
    assertThat(changed).containsAtLeast(out.resolve("t/Alpha.java"), out.resolve("t/sub/Beta.java"),
        res.resolve(PolicyGenerator.SERVICE_FILE));
    assertThat(compiling).containsExactly(src.resolve("alpha.resv"), src.resolve("sub/beta.resv"));
    changed.clear();
    compiling.clear();
    run();
    assertThat(changed).isEmpty(); // what an IDE is told to refresh: nothing
    assertThat(compiling).isEmpty(); // and the problems it marks stay
  }

  @Test
  void anotherGeneratorRegeneratesEverything() throws Exception {
    run();
    Path state = project.resolve("target/resv-maven-plugin/state.tsv");
    String text = Files.readString(state);
    assertThat(text).contains(PolicyGenerator.fingerprint());
    // What a rebuilt resvc of the same version leaves behind: the same inputs, other generator code.
    Files.writeString(state, text.replace(PolicyGenerator.fingerprint(), PolicyGenerator.version() + " api 1 code 0"));
    assertThat(run().generated()).hasSize(2);
    assertThat(logged).contains("INFO resv: generator version or options changed; regenerating every policy");
  }

  @Test
  void aChangedImportRegeneratesItsImporterOnly() throws Exception {
    run();
    write("lib/classes.resv", "predicate usb = device.class matches 0x0c0330;\n");
    ResvSourceGenerator.Result r = run();
    assertThat(r.generated()).containsExactly(name("src/main/resv/alpha.resv"));
    assertThat(r.upToDate()).containsExactly(name("src/main/resv/sub/beta.resv"));
    assertThat(Files.readString(out.resolve("t/Alpha.java"))).contains("0x0c0330");
  }

  @Test
  void aChangedOrDeletedOutputIsRegenerated() throws Exception {
    run();
    Files.writeString(out.resolve("t/Alpha.java"), "edited");
    Files.delete(out.resolve("t/sub/Beta.java"));
    assertThat(run().generated()).hasSize(2);
    assertThat(Files.readString(out.resolve("t/Alpha.java"))).contains("class Alpha");
  }

  @Test
  void deletedAndRenamedPoliciesLoseTheirOutputs() throws Exception {
    run();
    Files.delete(src.resolve("sub/beta.resv"));
    write("alpha.resv", ALPHA.replace("policy t.Alpha;", "policy t.Gamma;"));
    ResvSourceGenerator.Result r = run();
    assertThat(r.deleted()).containsExactly(out.resolve("t/Alpha.java"), out.resolve("t/sub/Beta.java"));
    assertThat(changed).containsAtLeast(out.resolve("t/Alpha.java"), out.resolve("t/sub/Beta.java"));
    assertThat(Files.exists(out.resolve("t/Gamma.java"))).isTrue();
    assertThat(Files.readString(res.resolve(PolicyGenerator.SERVICE_FILE))).isEqualTo("t.Gamma\n");
    Files.delete(src.resolve("alpha.resv"));
    run();
    assertThat(Files.exists(out.resolve("t/Gamma.java"))).isFalse();
    assertThat(Files.exists(res.resolve(PolicyGenerator.SERVICE_FILE))).isFalse();
  }

  @Test
  void failsWithEveryDiagnosticOfEveryBrokenPolicy() throws Exception {
    write("alpha.resv", ALPHA.replace("and usb", "and usbb"));
    write("broken.resv", "policy t.Broken;\nclassify {\n  rule r: when region.typ == msi => keep;\n  default => keep;\n}\n");
    var e = assertThrows(PolicyFailure.class, this::run);
    assertThat(e.getMessage()).startsWith("2 .resv policies have errors:\n");
    // one line per diagnostic, the file named absolutely, notes on the same line
    assertThat(e.getMessage()).contains("\n" + src.resolve("alpha.resv") + ":4:49: error[E101]: unknown predicate `usbb`"
        + " (note: did you mean `usb`?)\n");
    assertThat(e.getMessage()).containsMatch(Pattern("\n" + java.util.regex.Pattern.quote(src.resolve("broken.resv").toString())
        + ":3:\\d+: error\\[E\\d+\\]"));
    for (String line : e.getMessage().lines().skip(1).toList()) {
      assertThat(line).startsWith(src.toString());
    }
    // the same problems went to the log (an IDE's markers), at their place
    assertThat(problems.stream().map(Problem::text).toList())
        .containsExactlyElementsIn(e.getMessage().lines().skip(1).toList());
    Problem usbb = problems.stream().filter(p -> p.text().contains("usbb")).findFirst().orElseThrow();
    assertThat(usbb.file()).isEqualTo(src.resolve("alpha.resv"));
    assertThat(usbb.line()).isEqualTo(4);
    assertThat(usbb.column()).isEqualTo(49);
    assertThat(usbb.message()).isEqualTo("[E101] unknown predicate `usbb` (note: did you mean `usb`?)");
    assertThat(e.getStackTrace()).isEmpty();
    // the good policy was still generated; the broken ones are retried next time
    assertThat(Files.exists(out.resolve("t/sub/Beta.java"))).isTrue();
    assertThrows(PolicyFailure.class, this::run);
    write("alpha.resv", ALPHA);
    Files.delete(src.resolve("broken.resv"));
    assertThat(run().generated()).containsExactly(name("src/main/resv/alpha.resv"));
  }

  @Test
  void aFileWithoutPolicyButWithRulesIsCompiledAndReported() throws Exception {
    write("nameless.resv", "classify {\n  default => keep;\n}\n");
    var e = assertThrows(PolicyFailure.class, this::run);
    assertThat(e.getMessage()).contains(src.resolve("nameless.resv") + ":1:1: error[E115]");
  }

  @Test
  void twoFilesDeclaringOnePolicyFail() throws Exception {
    write("again.resv", BETA);
    var e = assertThrows(PolicyFailure.class, this::run);
    assertThat(e.getMessage()).contains(src.resolve("sub/beta.resv") + ": error: policy t.sub.Beta is also declared by "
        + src.resolve("again.resv"));
  }

  @Test
  void includesSelectFiles() throws Exception {
    ResvSourceGenerator.Result r = generator(false, List.of("sub/**")).run();
    assertThat(r.classNames()).containsExactly("t.sub.Beta");
    assertThat(PolicySources.antPattern("**/*.resv").matcher("a.resv").matches()).isTrue();
    assertThat(PolicySources.antPattern("**/*.resv").matcher("x/y/a.resv").matches()).isTrue();
    assertThat(PolicySources.antPattern("*.resv").matcher("x/a.resv").matches()).isFalse();
    assertThat(PolicySources.antPattern("sub/").matcher("sub/x/a.resv").matches()).isTrue();
  }

  @Test
  void excludesDeselectIncludedFiles() throws Exception {
    ResvSourceGenerator.Result r = generator(false, new PolicySources(src, List.of(), List.of("sub/**"))).run();
    assertThat(r.classNames()).containsExactly("t.Alpha");
    // an excluded import is still read by the policies that import it
    r = generator(false, new PolicySources(src, List.of(), List.of("lib/", "sub/beta.resv"))).run();
    assertThat(r.generated()).isEmpty();
    assertThat(r.upToDate()).containsExactly(name("src/main/resv/alpha.resv"));
    assertThat(r.skippedImports()).isEmpty();
    // a file excluded later loses its class, as a deleted one does
    assertThat(Files.exists(out.resolve("t/sub/Beta.java"))).isFalse();
  }

  @Test
  void deniedWarningsAreReportedOnALineEachWithTheAbsolutePath() throws Exception {
    write("sub/beta.resv", BETA.replace("default => keep;",
        "rule a: when region.type == msi => keep;\n  rule b: when region.type == msi => keep;\n  default => keep;"));
    assertThrows(PolicyFailure.class, () -> generator(true, List.of()).run());
    List<Problem> warnings = problems.stream()
        .filter(p -> p.severity() == dev.resvc.compiler.diag.Diagnostic.Severity.WARNING).toList();
    assertThat(warnings).isNotEmpty();
    for (Problem p : warnings) {
      assertThat(p.file()).isEqualTo(src.resolve("sub/beta.resv"));
      assertThat(p.text()).startsWith(src.resolve("sub/beta.resv") + ":4:");
      assertThat(p.text()).doesNotContain("\n");
    }
    assertThat(problems.get(problems.size() - 1).text())
        .isEqualTo(src.resolve("sub/beta.resv") + ": error: warnings are errors (denyWarnings)");
  }

  @Test
  void denyWarningsFailsOnWarningsAndChangingItRechecks() throws Exception {
    // W203: the second rule never fires. Without denyWarnings the linter does not run.
    write("sub/beta.resv", BETA.replace("default => keep;",
        "rule a: when region.type == msi => keep;\n  rule b: when region.type == msi => keep;\n  default => keep;"));
    assertThat(run().generated()).hasSize(2);
    var e = assertThrows(PolicyFailure.class, () -> generator(true, List.of()).run());
    assertThat(e.getMessage()).containsMatch("beta.resv:4:\\d+: warning\\[W20[34]\\]");
    assertThat(e.getMessage()).contains(src.resolve("sub/beta.resv") + ": error: warnings are errors (denyWarnings)");
    // alpha was up to date under other options, so it was re-checked too
    assertThat(generator(false, List.of()).run().generated()).hasSize(2);
  }

  @Test
  void aMissingSourceDirectoryGeneratesNothing() throws Exception {
    src = project.resolve("nowhere");
    ResvSourceGenerator.Result r = run();
    assertThat(r.classNames()).isEmpty();
    assertThat(Files.exists(out)).isFalse();
  }

  private static java.util.regex.Pattern Pattern(String re) {
    return java.util.regex.Pattern.compile(re);
  }

  private static String name(String slashPath) {
    return Path.of(slashPath).toString();
  }
}
