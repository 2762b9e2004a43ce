package dev.resvc.bench;

import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.diag.Diagnostic;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Linting a policy of 100 or 1,000 rules of the realistic rule mix (issue 5: a 1,000-rule policy in
 * under a second on the CI machine): every analyser check, pairwise overlap included.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class LintBench {
  @State(Scope.Benchmark)
  public static class Checked {
    @Param({"100", "1000"})
    public int lintRules;

    CheckedPolicy policy;

    @Setup(Level.Trial)
    public void setup() {
      policy = Policies.front("lint.resv", RuleMix.generate(lintRules).toResv()).checked();
    }
  }

  @Benchmark
  public List<Diagnostic> lint(Checked c) {
    return Linter.lint(c.policy);
  }
}
