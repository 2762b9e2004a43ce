package dev.resvc.maven;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.build.PolicyBuild;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.testrun.PolicyTestRunner;
import dev.resvc.runtime.input.MessageText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the {@code test} goal does, without Maven: runs the {@code test} blocks of each policy of
 * {@link PolicySources} with {@link PolicyTestRunner}, as {@code resvc test} does. The policies run on
 * the reference {@link Interpreter}: the goal needs no javac, and the compiler's own tests hold the
 * generated classes to the interpreter's verdicts.
 *
 * <p>Only errors are reported for the policies' diagnostics: the {@code compile} goal, which runs in
 * the same build, reports their warnings.
 */
public final class PolicyTestSuite {
  /** The most characters of an expected or actual outcome one failure line shows, as for a diagnostic. */
  private static final int MAX_OUTCOME = 1000;

  private final Path baseDir;
  private final PolicySources sources;
  private final BuildLog log;

  public PolicyTestSuite(Path baseDir, PolicySources sources, BuildLog log) {
    this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * What a run found: how many test blocks passed and failed, and one problem per expectation that did
   * not hold, at the {@code expect} that states it.
   */
  public record Result(int passed, int failed, List<Problem> failures) {
    public Result {
      failures = List.copyOf(failures);
    }
  }

  /** @throws PolicyFailure when a policy does not compile (every policy is still tried first) */
  public Result run() throws PolicyFailure, IOException {
    Path base = baseDir.toAbsolutePath().normalize();
    int passed = 0;
    int failed = 0;
    int broken = 0;
    List<Problem> failures = new ArrayList<>();
    List<Problem> errors = new ArrayList<>();
    for (Path file : sources.files()) {
      String name = PolicyBuild.name(base, file);
      if (PolicyBuild.servesOnlyAsImport(file, name)) {
        continue;
      }
      PolicyCompiler.Compilation c = PolicyCompiler.compile(file, name);
      if (c.policy().isEmpty()) {
        broken++;
        c.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR)
            .map(d -> Problem.of(d, base)).forEach(p -> {
              log.problem(p);
              errors.add(p);
            });
        continue;
      }
      CheckedPolicy policy = c.policy().get();
      if (policy.tests().isEmpty()) {
        log.debug("resv: " + name + " has no tests");
      }
      for (PolicyTestRunner.Result r : PolicyTestRunner.run(policy, new Interpreter(policy))) {
        String test = MessageText.clean(r.test().name());
        if (r.passed()) {
          passed++;
          log.debug("resv: PASS " + name + ": " + test);
          continue;
        }
        failed++;
        for (PolicyTestRunner.Failure f : r.failures()) {
          Problem p = Problem.at(f.expect().span(), base, "test \"" + test + "\" failed: expected "
              + MessageText.clean(f.expected(), MAX_OUTCOME) + ", but got " + MessageText.clean(f.actual(), MAX_OUTCOME));
          log.problem(p);
          failures.add(p);
        }
      }
    }
    if (broken > 0) {
      throw new PolicyFailure(broken, errors);
    }
    return new Result(passed, failed, failures);
  }
}
