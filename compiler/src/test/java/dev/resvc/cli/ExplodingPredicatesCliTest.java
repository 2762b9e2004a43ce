package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.resvc.compiler.ExplodingPredicatesTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17 at the command line: a 1 KB policy of predicates that each use the one before three
 * times, and a chain of 3,000 predicates. Each command finishes with a correct answer or exit 2 and
 * one diagnostic, never a stack trace or exit 3.
 */
class ExplodingPredicatesCliTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void twentyLevelsOfPredicatesLintCompileAndTest() throws IOException {
    Path policy = dir.resolve("exploding.resv");
    Files.writeString(policy, ExplodingPredicatesTest.exploding(20, "device.vendor == 0x8086 and region.type == direct"));
    assertTimeoutPreemptively(BOUND, () -> {
      CliRun lint = clean(CliRun.of("lint", policy.toString()));
      assertThat(lint.exitCode()).isEqualTo(0);
      assertThat(lint.out()).contains("info[I205]: analysis skipped: the condition of rule `r` is too large");

      CliRun compile = clean(CliRun.of("compile", "--java-out=" + dir.resolve("java"), "-d", dir.resolve("classes").toString(),
          policy.toString()));
      assertThat(compile.exitCode()).isEqualTo(0);
      assertThat(Files.readString(dir.resolve("java/t/Exploding.java"))).contains("private static boolean isP20(");

      for (String engine : List.of("compiled", "interpreted")) {
        CliRun test = clean(CliRun.of("test", "--engine", engine, policy.toString()));
        assertWithMessage(test.out()).that(test.exitCode()).isEqualTo(0);
        assertThat(test.out()).contains("2 passed, 0 failed");
      }
      assertThat(clean(CliRun.of("diff", policy.toString(), policy.toString())).exitCode()).isAnyOf(0, 1);
      assertThat(clean(CliRun.of("fmt", "--check", policy.toString())).exitCode()).isAnyOf(0, 1);
    });
  }

  @Test
  void aChainOfThreeThousandPredicatesIsExitTwo() throws IOException {
    Path policy = dir.resolve("chain.resv");
    Files.writeString(policy, ExplodingPredicatesTest.chain(3000));
    assertTimeoutPreemptively(BOUND, () -> {
      for (List<String> args : List.of(List.of("lint"), List.of("compile", "-d", dir.resolve("classes").toString()),
          List.of("test"), List.of("test", "--engine", "interpreted"))) {
        String[] all = new String[args.size() + 1];
        args.toArray(all);
        all[args.size()] = policy.toString();
        CliRun run = clean(CliRun.of(all));
        assertWithMessage("%s: %s%s", args, run.out(), run.err()).that(run.exitCode()).isEqualTo(2);
        String text = run.out() + run.err();
        assertThat(text).contains("chain.resv:259:18: error[E124]: condition nested deeper than 256 levels");
        assertThat(text.split("error\\[", -1)).hasLength(2);
      }
      assertThat(clean(CliRun.of("fmt", "--check", policy.toString())).exitCode()).isAnyOf(0, 1);
    });
  }

  /** The run, after checking it printed no stack trace and was no internal error. */
  private static CliRun clean(CliRun run) {
    String text = run.out() + run.err();
    assertWithMessage(text).that(run.exitCode()).isNotEqualTo(3);
    assertWithMessage(text).that(text).doesNotContain("Exception");
    assertWithMessage(text).that(text).doesNotContain("Error:");
    assertWithMessage(text).that(text).doesNotContain("\tat ");
    return run;
  }
}
