package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of equivalence: random policies (through the whole front end) × random hosts, guests and
 * apertures, evaluated by the interpreter and by the generated class; every verdict — classifications
 * with provenance, effective regions, IOVA list, conflict checks, findings with their messages — must
 * be equal. Half of the policies are generated with every section indexed, as large policies are.
 * Names and strings are sometimes hostile to the generator (see {@link RandomPolicies}).
 * {@code -Dresvc.differential.cases=N} sets the number of (policy, host) cases (default
 * 4000); {@code -Dresvc.differential.seed=S} replays a run.
 */
class DifferentialTest {
  static final int HOSTS_PER_POLICY = 8;
  static final int POLICIES_PER_JAVAC = 125;

  @TempDir Path dir;

  @Test
  void compiledPoliciesAgreeWithTheInterpreter() throws IOException {
    int cases = Integer.getInteger("resvc.differential.cases", 4000);
    long seed = Long.getLong("resvc.differential.seed", 20240501L);
    Files.writeString(dir.resolve("common.resv"), RandomPolicies.COMMON);
    Random r = new Random(seed);
    int policies = (cases + HOSTS_PER_POLICY - 1) / HOSTS_PER_POLICY;
    long began = System.nanoTime();
    int compared = 0;
    for (int batch = 0; batch * POLICIES_PER_JAVAC < policies; batch++) {
      List<JavaFile> files = new ArrayList<>();
      List<Interpreter> interpreters = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      for (int i = batch * POLICIES_PER_JAVAC; i < Math.min(policies, (batch + 1) * POLICIES_PER_JAVAC); i++) {
        // The first policies of a batch take names of classes the generated code refers to; javac
        // compiles them with the others of the package `diff`, as a jar of several policies is.
        int inBatch = i - batch * POLICIES_PER_JAVAC;
        String className = inBatch < RandomPolicies.HOSTILE_CLASS_NAMES.size()
            ? "diff." + RandomPolicies.HOSTILE_CLASS_NAMES.get(inBatch) : "diff.P" + i;
        String text = RandomPolicies.text(r, className, r.nextBoolean());
        Codegen.Checked checked = Codegen.checkText(dir, "p" + i + ".resv", text);
        // Every other policy with its sections indexed as if they were large (see IndexPlan).
        files.add(i % 2 == 0 ? checked.generate() : checked.generateIndexed());
        interpreters.add(new Interpreter(checked.policy()));
        texts.add(text);
      }
      Map<String, Policy> compiled = new HashMap<>();
      for (Policy p : CompiledPolicies.loadAll(InMemoryJavaCompiler.compile(files))) {
        compiled.put(p.name(), p);
      }
      assertThat(compiled).hasSize(files.size());
      for (int i = 0; i < interpreters.size(); i++) {
        Interpreter interpreter = interpreters.get(i);
        Policy policy = compiled.get(interpreter.name());
        for (int h = 0; h < HOSTS_PER_POLICY && compared < cases; h++) {
          Differential.assertSame(interpreter, policy, RandomHosts.host(r, h), RandomHosts.kernel(r), RandomHosts.guest(r),
              RandomHosts.aperture(r), "policy (seed " + seed + "):\n" + texts.get(i));
          compared++;
        }
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    System.out.printf("differential: %d (policy, host) cases over %d random policies compared, 0 differences,"
        + " %.1f s (seed %d)%n", compared, policies, seconds, seed);
    assertWithMessage("cases compared").that(compared).isEqualTo(cases);
  }
}
