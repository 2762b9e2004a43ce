package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resvc compile} on names and strings that once made javac refuse the generated code (issue
 * #17): a policy the checker accepts compiles (exit 0), one it cannot compile is refused with a
 * diagnostic or one usage line (exit 2); never exit 3.
 */
class HostileNamesCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir Path tmp;

  private static final String BODY = """
      classify {
        rule vendor: when device.driver == "i915" and region.start < 0x100000000 => drop;
        rule _: when region.size > 0x1000 => direct-relaxable;
        default => keep;
      }
      conflicts {
        rule class: when overlaps(guest.ram) => fatal "%s";
      }
      """;

  private Path policy(String file, String name, String message) throws IOException {
    Path p = tmp.resolve(file);
    Files.writeString(p, "policy " + name + ";\n" + BODY.formatted(message));
    return p;
  }

  @Test
  void policiesNamedLikeClassesTheGeneratedCodeNamesCompileTogether() throws IOException {
    List<String> args = new ArrayList<>(List.of("compile", "--no-lint", "-d", tmp.resolve("classes").toString(),
        "--jar", tmp.resolve("p.jar").toString()));
    int i = 0;
    for (String name : List.of("x.Long", "x.String", "x.Override", "x.Integer", "x.Region", "x.Policy", "x.Foo",
        "picocli.CommandLine", "var.record.Long")) {
      args.add(policy("p" + i++ + ".resv", name, "m").toString());
    }
    args.add(policy("long.resv", "x.LongMessage", "é".repeat(40_000)).toString());
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.err()).startsWith("resvc: compiled 10 policies");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(Files.exists(tmp.resolve("classes/x/Long.class"))).isTrue();
  }

  @Test
  void aPolicyNamedLikeAClassOfTheCommandLineRunsCompiled() throws IOException {
    Path p = policy("pico.resv", "picocli.CommandLine", "m");
    CliRun run = CliRun.of("check", "--engine", "compiled", "--policy", p.toString(), "--host",
        ROOT.resolve("examples/hosts/dell-latitude-5414").toString());
    assertThat(run.err()).doesNotContain("internal error");
    assertThat(run.exitCode()).isAnyOf(0, 1);
  }

  @Test
  void namesJavaCannotTakeAreRefusedWithACode() throws IOException {
    for (String[] c : new String[][] {{"a._", "E115"}, {"java.util.Foo", "E130"}, {"javax.swing.Foo", "E130"},
        {"dev.resvc.runtime.model.Region", "E130"}, {"x.var", "E115"}, {"x." + "A".repeat(201), "E131"}}) {
      Path p = policy("bad.resv", c[0], "m");
      CliRun run = CliRun.of("compile", "--no-lint", "-d", tmp.resolve("bad").toString(), p.toString());
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("bad.resv:1:1: error[" + c[1] + "]");
      assertThat(run.err()).doesNotContain("internal error");
    }
  }

  @Test
  void aClassThatIsAlsoAPackageIsOneLineAtTheLaterFile() throws IOException {
    Path ab = policy("ab.resv", "a.b", "m");
    Path abc = policy("abc.resv", "a.b.C", "m");
    // Given in either order, the file later in name order is refused, naming the one that keeps its class.
    CliRun run = CliRun.of("compile", "--no-lint", "-d", tmp.resolve("o").toString(), abc.toString(), ab.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(abc + ": error: policy a.b is also the package of policy a.b.C; a name cannot be"
        + " both a class and a package, so rename one (" + ab + ")\n");
    assertThat(Files.exists(tmp.resolve("o"))).isFalse();
  }
}
