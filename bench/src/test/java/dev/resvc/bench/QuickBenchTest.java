package dev.resvc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.junit.jupiter.api.Test;

/** Runs every benchmark once in quick mode (see {@link BenchMain}), so the benchmarks never rot. */
class QuickBenchTest {
  private static final Class<?>[] BENCHMARKS =
      {ClassifyBench.class, HostBench.class, MergeBench.class, CompileBench.class, LintBench.class};

  @Test
  void everyBenchmarkProducesAResult() throws Exception {
    Collection<RunResult> results = new Runner(BenchMain.quick(new OptionsBuilder()
        .include("dev\\.resvc\\.bench\\..*")).build()).run();
    Set<String> expected = new TreeSet<>();
    for (Class<?> c : BENCHMARKS) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Benchmark.class)) {
          expected.add(c.getName() + "." + m.getName());
        }
      }
    }
    Set<String> ran = new TreeSet<>();
    for (RunResult r : results) {
      ran.add(r.getParams().getBenchmark());
      double score = r.getPrimaryResult().getScore();
      assertTrue(score > 0 && !Double.isNaN(score), r.getParams().getBenchmark() + " " + r.getParams() + ": " + score);
    }
    assertEquals(expected, ran);
  }
}
