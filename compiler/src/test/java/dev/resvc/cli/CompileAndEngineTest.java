package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.policy.Policy;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** resvc compile's outputs, and the two engines of check and test agreeing on every shipped example. */
class CompileAndEngineTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir Path tmp;

  private static List<String> policies() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("examples/policies"))) {
      return files.filter(f -> f.toString().endsWith(".resv")).sorted().map(Path::toString).toList();
    }
  }

  private static List<String> hosts() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT.resolve("examples/hosts"))) {
      return dirs.filter(Files::isDirectory).sorted().map(Path::toString).toList();
    }
  }

  @Test
  void everyExamplePolicyCompilesToAJarThatServiceLoaderFinds() throws IOException {
    List<String> args = new ArrayList<>(List.of("compile", "--jar", tmp.resolve("p.jar").toString(),
        "--java-out", tmp.resolve("src").toString(), "-d", tmp.resolve("classes").toString()));
    args.addAll(policies());
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("resvc: compiled " + policies().size() + " policies");
    assertThat(Files.exists(tmp.resolve("src/examples/KernelIntel.java"))).isTrue();
    assertThat(Files.exists(tmp.resolve("classes/META-INF/services/dev.resvc.runtime.policy.Policy"))).isTrue();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.resolve("p.jar").toUri().toURL()},
        Policy.class.getClassLoader())) {
      List<String> names = ServiceLoader.load(Policy.class, loader).stream().map(p -> p.get().name()).sorted().toList();
      assertThat(names).contains("examples.KernelIntel");
      assertThat(names).hasSize(policies().size());
    }
  }

  @Test
  void compileNeedsAnOutputAndRefusesBrokenPolicies() throws IOException {
    assertThat(CliRun.of("compile", policies().get(0)).exitCode()).isEqualTo(2);
    Path bad = tmp.resolve("bad.resv");
    Files.writeString(bad, "policy t.Bad;\nclassify { rule a: when region.type == 7 => keep; }\n");
    CliRun run = CliRun.of("compile", "--jar", tmp.resolve("x.jar").toString(), bad.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("error[E103]");
    assertThat(Files.exists(tmp.resolve("x.jar"))).isFalse();
  }

  @Test
  void denyWarningsFailsOnTheKernelBug() throws IOException {
    Path bug = tmp.resolve("bug.resv");
    Files.writeString(bug, """
        policy t.KernelBug;
        classify {
          rule skip_non_direct: when region.type != direct or region.type != direct-relaxable => keep;
          default => drop;
        }
        """);
    CliRun warn = CliRun.of("compile", "--java-out", tmp.resolve("o").toString(), bug.toString());
    assertThat(warn.exitCode()).isEqualTo(0);
    assertThat(warn.err()).contains("did you mean `and`?");
    CliRun deny = CliRun.of("compile", "--deny-warnings", "--java-out", tmp.resolve("o2").toString(), bug.toString());
    assertThat(deny.exitCode()).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("o2"))).isFalse();
    CliRun quiet = CliRun.of("compile", "--no-lint", "--java-out", tmp.resolve("o3").toString(), bug.toString());
    assertThat(quiet.exitCode()).isEqualTo(0);
    assertThat(quiet.err()).doesNotContain("did you mean");
    assertThat(Files.exists(tmp.resolve("o3/t/KernelBug.java"))).isTrue();
    CliRun both = CliRun.of("compile", "--no-lint", "--deny-warnings", "--java-out", tmp.resolve("o4").toString(),
        bug.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--deny-warnings needs the analyser");
  }

  @Test
  void compiledAndInterpretedEnginesGiveIdenticalVerdictsOnEveryShippedHost() throws IOException {
    int compared = 0;
    for (String policy : policies()) {
      for (String host : hosts()) {
        String guest = host.endsWith("radxa-orion-o6") ? "virt,ram=8G" : "q35,ram=8G";
        CliRun compiled = CliRun.of("check", "--engine", "compiled", "--format", "json", "--policy", policy,
            "--host", host, "--guest", guest);
        CliRun interpreted = CliRun.of("check", "--engine", "interpreted", "--format", "json", "--policy", policy,
            "--host", host, "--guest", guest);
        assertThat(compiled.exitCode()).isEqualTo(interpreted.exitCode());
        assertThat(compiled.out()).isEqualTo(interpreted.out());
        compared++;
      }
      CliRun t1 = CliRun.of("test", "--engine", "compiled", policy);
      CliRun t2 = CliRun.of("test", "--engine", "interpreted", policy);
      assertThat(t1.out()).isEqualTo(t2.out());
      assertThat(t1.exitCode()).isEqualTo(0);
    }
    assertThat(compared).isAtLeast(40);
  }
}
