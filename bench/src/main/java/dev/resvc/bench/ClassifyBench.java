package dev.resvc.bench;

import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per decision: one {@code classify} of one (device, region) pair, averaged over {@value #SAMPLES}
 * realistic pairs (a synthetic VT-d host's devices and regions; for the generated policies 4 of them
 * are replaced by pairs that hit rules at 1/4, 1/2, 3/4 and the end of the policy).
 *
 * <p>The generated policies warm up for 20 s: the 10,000-rule class is about 650 KB of bytecode in
 * 109 nested classes, and on two cores C2 needs some 15 s to compile the part a decision walks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClassifyBench {
  public static final int SAMPLES = 16;

  /** The inputs: host pairs, then pairs aimed at the given rules. */
  static RuleMix.Sample[] samples(RuleMix mix) {
    Host host = Hosts.host(8);
    List<RuleMix.Sample> all = new ArrayList<>(Hosts.samples(host));
    List<RuleMix.Sample> out = new ArrayList<>(all.subList(0, mix == null ? SAMPLES : SAMPLES - 4));
    if (mix != null) {
      int n = mix.rules().size();
      for (int at : new int[] {n / 4, n / 2, 3 * n / 4, n - 1}) {
        out.add(RuleMix.sampleFor(mix.rules().get(at)));
      }
    }
    return out.toArray(new RuleMix.Sample[0]);
  }

  static void run(Policy policy, RuleMix.Sample[] samples, Blackhole bh) {
    for (RuleMix.Sample s : samples) {
      bh.consume(policy.classify(TargetKernel.newest(), s.device(), s.group(), s.region()));
    }
  }

  /** The §4 policy in its four forms. */
  @State(Scope.Benchmark)
  public static class Section4State {
    Policy compiled;
    Policy hand;
    Policy cel;
    Policy interpreter;
    RuleMix.Sample[] samples;

    @Setup(Level.Trial)
    public void setup() {
      Policies.Front front = Section4.front();
      compiled = Policies.compiled(front);
      hand = new HandIntelVtdKernelDefault();
      cel = Section4.cel(front.checked());
      interpreter = Policies.interpreted(front);
      samples = samples(null);
    }
  }

  /** A generated policy; each implementation is built only by the benchmarks that use it. */
  @State(Scope.Benchmark)
  public static class MixState {
    @Param({"10", "100", "1000", "10000"})
    public int rules;

    RuleMix mix;
    RuleMix.Sample[] samples;

    @Setup(Level.Trial)
    public void setup() {
      mix = RuleMix.generate(rules);
      samples = samples(mix);
    }

    Policies.Front front() {
      return Policies.front("mix" + rules + ".resv", mix.toResv());
    }
  }

  @State(Scope.Benchmark)
  public static class MixCompiled {
    Policy policy;

    @Setup(Level.Trial)
    public void setup(MixState s) {
      policy = Policies.compiled(s.front());
    }
  }

  @State(Scope.Benchmark)
  public static class MixInterpreter {
    Policy policy;

    @Setup(Level.Trial)
    public void setup(MixState s) {
      policy = Policies.interpreted(s.front());
    }
  }

  @State(Scope.Benchmark)
  public static class MixCel {
    Policy policy;

    @Setup(Level.Trial)
    public void setup(MixState s) {
      policy = Section4.cel(s.mix);
    }
  }

  /** Hand-written: an if-chain for 10 and 100 rules, the rule table above. */
  @State(Scope.Benchmark)
  public static class MixHand {
    Policy policy;

    @Setup(Level.Trial)
    public void setup(MixState s) {
      policy = s.rules <= 100 ? HandChainWriter.load(s.mix) : new HandRuleTable(s.mix);
    }
  }

  @State(Scope.Benchmark)
  public static class MixHandTable {
    Policy policy;

    @Setup(Level.Trial)
    public void setup(MixState s) {
      policy = new HandRuleTable(s.mix);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void section4Compiled(Section4State s, Blackhole bh) {
    run(s.compiled, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void section4Hand(Section4State s, Blackhole bh) {
    run(s.hand, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void section4Cel(Section4State s, Blackhole bh) {
    run(s.cel, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void section4Interpreter(Section4State s, Blackhole bh) {
    run(s.interpreter, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  @Warmup(iterations = 20, time = 1)
  public void mixCompiled(MixState s, MixCompiled p, Blackhole bh) {
    run(p.policy, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  @Warmup(iterations = 20, time = 1)
  public void mixHand(MixState s, MixHand p, Blackhole bh) {
    run(p.policy, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  @Warmup(iterations = 20, time = 1)
  public void mixHandTable(MixState s, MixHandTable p, Blackhole bh) {
    run(p.policy, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  @Warmup(iterations = 20, time = 1)
  public void mixCel(MixState s, MixCel p, Blackhole bh) {
    run(p.policy, s.samples, bh);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  @Warmup(iterations = 20, time = 1)
  public void mixInterpreter(MixState s, MixInterpreter p, Blackhole bh) {
    run(p.policy, s.samples, bh);
  }
}
