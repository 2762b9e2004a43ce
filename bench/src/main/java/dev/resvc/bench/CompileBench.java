package dev.resvc.bench;

import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.runtime.policy.Policy;
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
 * Compiling a generated policy of 100 or 10,000 rules: {@code .resv} text → Java source (load, parse,
 * check, generate, print), and → loaded classes (the same, then javac in memory and class loading).
 * Single shots: what a user waits for.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class CompileBench {
  @State(Scope.Benchmark)
  public static class Text {
    @Param({"100", "10000"})
    public int compileRules;

    String resv;

    @Setup(Level.Trial)
    public void setup() {
      resv = RuleMix.generate(compileRules).toResv();
    }
  }

  @Benchmark
  public String toSource(Text t) {
    return Policies.source(Policies.front("mix.resv", t.resv)).toString();
  }

  @Benchmark
  public Policy toLoadedClasses(Text t) {
    Policies.Front front = Policies.front("mix.resv", t.resv);
    return CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(Policies.source(front))));
  }
}
