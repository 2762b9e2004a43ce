import dev.resvc.bench.HandIntelVtdKernelDefault;
import dev.resvc.bench.Hosts;
import dev.resvc.bench.Policies;
import dev.resvc.bench.Section4;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Verdict;
import java.util.Arrays;
import java.util.List;

/**
 * A/B aid for the whole-host target, not a replacement for JMH: the compiled §4 verdict and the
 * merge step alone (as {@code HostBench.verdictCompiled} and {@code HostBench.mergeOnly}) run in
 * the same JVM, alternating in 100 ms slices after 15 s of warmup, and the answer is the median
 * ratio of adjacent slices. Drift of the machine's speed cancels at that scale, so two builds can be
 * compared with a few runs each where JMH forks need dozens. Both share one JIT profile here, unlike
 * JMH's separate forks, so quote JMH's figures and use this to choose between changes.
 *
 * <p>usage: {@code java -Xms2g -Xmx6g -cp bench/target/benchmarks.jar bench/scripts/InterleavedRatio.java [groups] [slices]}
 */
public class InterleavedRatio {
  private static long sink;

  public static void main(String[] args) {
    int groups = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int slices = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    Host host = Hosts.host(groups);
    Policy compiled = Policies.compiled(Section4.front());
    List<List<Region>> effective = Hosts.effectiveRegions(host, new HandIntelVtdKernelDefault());
    long warm = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < warm) {
      slice(true, compiled, host, effective);
      slice(false, compiled, host, effective);
    }
    double[] verdict = new double[slices];
    double[] merge = new double[slices];
    double[] ratio = new double[slices];
    for (int i = 0; i < slices; i++) {
      boolean verdictFirst = i % 2 == 0; // alternate which goes first
      double v = verdictFirst ? slice(true, compiled, host, effective) : 0;
      double m = slice(false, compiled, host, effective);
      if (!verdictFirst) {
        v = slice(true, compiled, host, effective);
      }
      verdict[i] = v;
      merge[i] = m;
      ratio[i] = v / m;
    }
    Arrays.sort(verdict);
    Arrays.sort(merge);
    Arrays.sort(ratio);
    System.out.printf("%d groups: verdict %.0f ns, merge alone %.0f ns (medians); ratio median %.3f,"
        + " quartiles %.3f-%.3f, over %d slice pairs (%d)%n", groups, verdict[slices / 2], merge[slices / 2],
        ratio[slices / 2], ratio[slices / 4], ratio[3 * slices / 4], slices, sink & 1);
  }

  /** Nanoseconds per operation over a 100 ms slice. */
  private static double slice(boolean verdict, Policy policy, Host host, List<List<Region>> effective) {
    long ops = 0;
    long start = System.nanoTime();
    long stop = start + 100_000_000L;
    long now;
    do {
      for (int k = 0; k < 10; k++) {
        if (verdict) {
          Verdict v = Evaluator.evaluate(policy, host, Hosts.GUEST, Hosts.APERTURE);
          sink += v.groups().size();
        } else {
          for (List<Region> group : effective) {
            GroupRegionMerger merger = new GroupRegionMerger();
            group.forEach(merger::insert);
            sink += merger.regions().size();
          }
        }
      }
      ops += 10;
      now = System.nanoTime();
    } while (now < stop);
    return (now - start) / (double) ops;
  }
}
