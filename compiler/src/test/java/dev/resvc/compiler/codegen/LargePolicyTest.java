package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertThat;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.policy.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy of 10,000 classify rules and 500 conflicts rules compiles, loads and agrees with the interpreter. */
class LargePolicyTest {
  @TempDir Path dir;

  static String policy(int classify, int conflicts) {
    String[] sources = {"rmrr", "ivmd", "iort-rmr", "msi-window", "sysfs"};
    String[] actions = {"keep", "drop", "direct", "direct-relaxable", "reserved"};
    StringBuilder sb = new StringBuilder("policy big.TenThousand;\nclassify {\n");
    for (int i = 0; i < classify; i++) {
      String vendor = RandomPolicies.VENDORS.get(i % RandomPolicies.VENDORS.size());
      String cond = i % 10 == 9
          ? "device.device_id == " + (i % 0x10000) + " and region.size <= 1M"
          : "device.vendor == " + vendor + " and device.device_id == " + (i % 0x10000) + " and region.source == "
              + sources[i % sources.length];
      sb.append("  rule r").append(i).append(": when ").append(cond).append(" => ").append(actions[i % actions.length])
          .append(";\n");
    }
    sb.append("  rule catch_all: when device.class matches 0x0c03xx => direct-relaxable;\n}\nconflicts {\n");
    for (int i = 0; i < conflicts; i++) {
      sb.append("  rule x").append(i).append(": when region.type == ").append(RandomPolicies.TYPES.get(i % 5))
          .append(" and region.start == ").append(0x1000L * i).append(" and overlaps(guest.ram) => warn \"x")
          .append(i).append(" {region}\";\n");
    }
    return sb.append("  default => allow;\n}\n").toString();
  }

  @Test
  void tenThousandRulesCompileAndRun() {
    Codegen.Checked checked = Codegen.checkText(dir, "big.resv", policy(10_000, 500));
    long t0 = System.nanoTime();
    JavaFile file = checked.generate();
    long t1 = System.nanoTime();
    Map<String, byte[]> classes = InMemoryJavaCompiler.compile(List.of(file));
    long t2 = System.nanoTime();
    Policy compiled = CompiledPolicies.load(classes);
    assertThat(compiled.name()).isEqualTo("big.TenThousand");
    assertThat(classes.size()).isGreaterThan(10);
    Interpreter interpreter = new Interpreter(checked.policy());
    Random r = new Random(7);
    for (int i = 0; i < 300; i++) {
      Differential.assertSame(interpreter, compiled, RandomHosts.host(r, i), RandomHosts.kernel(r), RandomHosts.guest(r),
          RandomHosts.aperture(r), "the 10,000-rule policy");
    }
    System.out.printf("10,000-rule policy: %d source lines, generate %.1f s, javac %.1f s, %d classes%n",
        file.toString().lines().count(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, classes.size());
  }
}
