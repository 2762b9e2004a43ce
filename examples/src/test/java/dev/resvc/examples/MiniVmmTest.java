package dev.resvc.examples;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.testing.Notes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The embedding example, run on the policies that resv-maven-plugin compiled into this module. The
 * compiler is on the test class path only, to compare with the reference interpreter.
 */
class MiniVmmTest {
  private static final Path DL360 = Path.of("hosts/hp-proliant-dl360-g7");

  @Test
  void serviceLoaderFindsEveryShippedPolicy() throws IOException {
    List<String> declared = new ArrayList<>();
    Pattern decl = Pattern.compile("(?m)^policy\\s+([\\w.]+)\\s*;");
    try (Stream<Path> files = Files.list(Path.of("policies"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".resv")).toList()) {
        Matcher m = decl.matcher(Files.readString(f));
        assertThat(m.find()).isTrue();
        declared.add(m.group(1));
      }
    }
    assertThat(declared).hasSize(8);
    assertThat(MiniVmm.policyNames()).containsExactlyElementsIn(declared);
    for (String name : declared) {
      Policy p = MiniVmm.findPolicy(name);
      assertThat(p.getClass().getName()).isEqualTo(name); // a generated class, not an interpreter
      assertThat(p.getClass().getProtectionDomain().getCodeSource().getLocation().getPath())
          .endsWith("examples/target/classes/");
    }
  }

  @Test
  void theCompiledKernelIntelPolicyGivesTheKernelsAnswerOnTheDl360() throws Exception {
    Policy policy = MiniVmm.findPolicy("examples.KernelIntel");
    List<InputNote> notes = new ArrayList<>();
    Verdict verdict = Notes.keep(MiniVmm.evaluate(policy, DL360, GuestPresets.q35(8L << 30)), notes);
    List<Integer> refused = verdict.groups().stream().filter(g -> !g.assignable()).map(Verdict.Group::id).toList();
    assertThat(refused).containsExactly(5, 9, 10, 11).inOrder();
    assertThat(verdict.groups()).hasSize(12);
    // every refusal is the kernel's own step (the newest kernel's require_direct, docs/kernel-eras.md
    // §1.1), named after the kernel function that refuses
    Explanation why = MiniVmm.explain(policy, DL360, GuestPresets.q35(8L << 30)).value();
    assertThat(why.verdict()).isEqualTo(verdict);
    for (int id : refused) {
      assertThat(verdict.group(id).orElseThrow().attachFailure().orElseThrow().call())
          .isEqualTo("VFIO_GROUP_SET_CONTAINER");
      assertThat(why.group(id).orElseThrow().findings().stream()
          .anyMatch(f -> f.provenance().isKernel() && f.provenance().rule().equals("__iommu_device_set_domain")))
          .isTrue();
    }
  }

  @Test
  void compiledVerdictsEqualTheInterpretersOnEveryHostAndPolicy() throws Exception {
    List<Path> hosts;
    try (Stream<Path> dirs = Files.list(Path.of("hosts"))) {
      hosts = dirs.filter(Files::isDirectory).sorted().toList();
    }
    int compared = 0;
    try (Stream<Path> files = Files.list(Path.of("policies"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".resv")).sorted().toList()) {
        // the plugin names files relative to the module, so provenance is comparable as it is
        String name = Path.of("policies").resolve(file.getFileName()).toString();
        PolicyCompiler.Compilation c = PolicyCompiler.compile(file, name);
        assertThat(c.renderText()).isEmpty();
        Interpreter interpreter = new Interpreter(c.policy().orElseThrow());
        Policy compiled = MiniVmm.findPolicy(interpreter.name());
        for (Path host : hosts) {
          for (String guest : List.of("q35,ram=8G", "pc,ram=2G", "virt,ram=16G")) {
            Explanation a = MiniVmm.explain(compiled, host, GuestPresets.parseSpec(guest)).value();
            Explanation b = MiniVmm.explain(interpreter, host, GuestPresets.parseSpec(guest)).value();
            assertThat(a).isEqualTo(b);
            assertThat(MiniVmm.evaluate(compiled, host, GuestPresets.parseSpec(guest)).value())
                .isEqualTo(b.verdict());
            compared++;
          }
        }
      }
    }
    assertThat(compared).isEqualTo(8 * hosts.size() * 3);
  }

  @Test
  void mainPrintsEachGroupWithItsReasons() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      MiniVmm.main(new String[] {DL360.toString(), "examples.KernelIntel", "q35,ram=8G"});
    } finally {
      System.setOut(saved);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("group 5: NOT assignable");
    assertThat(out).contains("group 0: assignable");
    assertThat(out).contains("  fatal: refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22)");
    assertThat(out).contains("[kernel __iommu_device_set_domain]");
  }
}
