package dev.resvc.bench;

import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.model.Region;
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
 * The group merge alone: {@link GroupRegionMerger} (O(n log n)) against {@link KernelInsertion}, the
 * kernel's quadratic insertion, for 10, 1,000 and 100,000 regions. The kernel at 100,000 regions takes
 * tens of seconds per merge, so it runs as two single shots in {@link #kernelInsertionLarge}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MergeBench {
  @State(Scope.Benchmark)
  public static class Input {
    @Param({"10", "1000", "100000"})
    public int regions;

    List<Region> list;

    @Setup(Level.Trial)
    public void setup() {
      list = KernelInsertion.regions(regions);
    }
  }

  @State(Scope.Benchmark)
  public static class SmallInput {
    @Param({"10", "1000"})
    public int kernelRegions;

    List<Region> list;

    @Setup(Level.Trial)
    public void setup() {
      list = KernelInsertion.regions(kernelRegions);
    }
  }

  @State(Scope.Benchmark)
  public static class LargeInput {
    @Param({"100000"})
    public int largeRegions;

    List<Region> list;

    @Setup(Level.Trial)
    public void setup() {
      list = KernelInsertion.regions(largeRegions);
    }
  }

  @Benchmark
  public List<Region> resvcMerger(Input in) {
    return GroupRegionMerger.merge(in.list);
  }

  @Benchmark
  public List<Region> kernelInsertion(SmallInput in) {
    return KernelInsertion.merge(in.list);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 0)
  @Measurement(iterations = 2)
  public List<Region> kernelInsertionLarge(LargeInput in) {
    return KernelInsertion.merge(in.list);
  }
}
