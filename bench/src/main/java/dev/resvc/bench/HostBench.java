package dev.resvc.bench;

import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Verdict;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Whole host: {@link Evaluator#evaluate} (classify, merge, IOVA list, conflicts, verdict) of the §4
 * policy over a synthetic host of 8, 64 or 512 IOMMU groups and a q35 guest with 8 GiB, per
 * implementation; and the merge step alone over the same host (each group's classified regions
 * through {@link GroupRegionMerger}, as the evaluator does it). 15 s of warmup: at 64 and 512 groups
 * the evaluator's allocation-heavy code keeps getting faster for about 10 s on two cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
public class HostBench {
  @State(Scope.Benchmark)
  public static class HostState {
    @Param({"8", "64", "512"})
    public int groups;

    Host host;
    Policy compiled;
    Policy hand;
    Policy cel;
    Policy interpreter;
    List<List<Region>> effective;

    @Setup(Level.Trial)
    public void setup() {
      host = Hosts.host(groups);
      Policies.Front front = Section4.front();
      compiled = Policies.compiled(front);
      hand = new HandIntelVtdKernelDefault();
      cel = Section4.cel(front.checked());
      interpreter = Policies.interpreted(front);
      effective = Hosts.effectiveRegions(host, hand);
    }
  }

  private static Verdict verdict(Policy p, HostState s) {
    return Evaluator.evaluate(p, s.host, Hosts.GUEST, Hosts.APERTURE);
  }

  @Benchmark
  public Verdict verdictCompiled(HostState s) {
    return verdict(s.compiled, s);
  }

  @Benchmark
  public Verdict verdictHand(HostState s) {
    return verdict(s.hand, s);
  }

  @Benchmark
  public Verdict verdictCel(HostState s) {
    return verdict(s.cel, s);
  }

  @Benchmark
  public Verdict verdictInterpreter(HostState s) {
    return verdict(s.interpreter, s);
  }

  /**
   * The compiled verdict read in full, as {@code resvc check} reads it: {@link Evaluator#explain},
   * the same walk recording every decision as records, with each finding's message and the valid
   * IOVA ranges.
   */
  @Benchmark
  public void verdictCompiledReadInFull(HostState s, Blackhole bh) {
    Explanation x = Evaluator.explain(s.compiled, s.host, Hosts.GUEST, Hosts.APERTURE);
    for (Explanation.Group g : x.groups()) {
      bh.consume(g.devices());
      bh.consume(g.classifications());
      bh.consume(g.effectiveRegions());
      bh.consume(g.conflictChecks());
      bh.consume(g.verdict().iova().validRanges());
      for (Explanation.Finding f : g.findings()) {
        bh.consume(f.message());
      }
    }
  }

  /**
   * The merge step alone: the inserts {@link Evaluator} makes as it classifies (each region the
   * policy keeps, in the same order) and the merged list it reads back.
   */
  @Benchmark
  public void mergeOnly(HostState s, Blackhole bh) {
    for (List<Region> group : s.effective) {
      GroupRegionMerger merger = new GroupRegionMerger();
      group.forEach(merger::insert);
      bh.consume(merger.regions());
    }
  }
}
