package dev.resvc.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark jar's entry point: JMH's command line, plus the quick mode. With {@code -Dbench.quick}
 * every benchmark runs once, briefly, in this JVM (no fork, no warmup, one 100 ms iteration; single-shot
 * benchmarks one shot), at the small sizes only: 10 and 100 rules per decision, 100 rules to compile,
 * 1,000 regions for the kernel's quadratic merge. It proves the benchmarks run; its numbers mean nothing.
 */
public final class BenchMain {
  private BenchMain() {}

  public static boolean quick() {
    return System.getProperty("bench.quick") != null && !"false".equals(System.getProperty("bench.quick"));
  }

  /** The quick-mode settings on top of {@code b}. */
  public static ChainedOptionsBuilder quick(ChainedOptionsBuilder b) {
    return b.forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .param("rules", "10", "100")
        .param("compileRules", "100")
        .param("lintRules", "100")
        .param("largeRegions", "1000")
        .shouldFailOnError(true);
  }

  public static void main(String[] args) throws CommandLineOptionException, RunnerException, java.io.IOException {
    CommandLineOptions cli = new CommandLineOptions(args);
    if (cli.shouldHelp() || cli.shouldList() || cli.shouldListProfilers() || cli.shouldListResultFormats()
        || cli.shouldListWithParams()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
    if (quick()) {
      quick(b);
    }
    new Runner(b.build()).run();
  }
}
