package dev.resvc.compiler;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.analysis.Differ;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.testrun.PolicyTestRunner;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue #17: predicates that use the one before several times ({@code pN = p(N-1) and not p(N-1) or
 * p(N-1)}, 3^N tests once written out) and a chain of 3,000 predicates. Every phase must finish, with
 * a correct answer or one diagnostic: lint, diff, generate + javac, the interpreter and test blocks.
 * The bound is generous: a hang is the bug, not a slow run.
 */
public class ExplodingPredicatesTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path dir;

  /** {@code levels} levels over {@code base}; {@code pN} holds exactly where {@code p0} does. */
  public static String exploding(int levels, String base) {
    StringBuilder sb = new StringBuilder("policy t.Exploding;\n\npredicate p0 = " + base + ";\n");
    for (int i = 1; i <= levels; i++) {
      sb.append("predicate p").append(i).append(" = p").append(i - 1).append(" and not p").append(i - 1)
          .append(" or p").append(i - 1).append(";\n");
    }
    sb.append("\nclassify {\n  rule r: when p").append(levels).append(" => direct-relaxable;\n  default => keep;\n}\n");
    sb.append("""

        test "an Intel RMRR of type direct is relaxed" {
          device 00:14.0 vendor 0x8086 device_id 0xa36d class 0x0c0330;
          region rmrr 0x3e2e0000 .. 0x3e2fffff type direct on 00:14.0;
          expect 00:14.0 region 0x3e2e0000 type direct-relaxable;
        }

        test "another vendor's reserved region is kept" {
          device 00:02.0 vendor 0x1022 device_id 0x1234 class 0x030000;
          region rmrr 0x3e2e0000 .. 0x3e2fffff type reserved on 00:02.0;
          expect 00:02.0 region 0x3e2e0000 type reserved;
        }
        """);
    return sb.toString();
  }

  /** {@code predicate p0 = p1; … p{n} = p{n-1}} used by one rule. */
  public static String chain(int n) {
    StringBuilder sb = new StringBuilder("policy t.Chain;\n\npredicate p0 = region.type == direct;\n");
    for (int i = 1; i <= n; i++) {
      sb.append("predicate p").append(i).append(" = p").append(i - 1).append(";\n");
    }
    sb.append("\nclassify {\n  rule r: when p").append(n).append(" => direct-relaxable;\n  default => keep;\n}\n");
    return sb.toString();
  }

  private PolicyCompiler.Compilation compile(String text) throws IOException {
    Path file = dir.resolve("policy.resv");
    Files.writeString(file, text);
    return PolicyCompiler.compile(file);
  }

  // The base test is either on the field the generated code dispatches on (the predicate folds away
  // there) or on one it does not (the rule calls the predicate's method).
  @ParameterizedTest(name = "{0} levels over {1}")
  @CsvSource(delimiter = ';', value = {
      "16; region.type == direct", "20; region.type == direct",
      "16; device.vendor == 0x8086 and region.type == direct", "20; device.vendor == 0x8086 and region.type == direct"})
  void everyPhaseFinishesWithTheRightAnswer(int levels, String base) {
    assertTimeoutPreemptively(BOUND, () -> {
      PolicyCompiler.Compilation c = compile(exploding(levels, base));
      assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
      CheckedPolicy policy = c.policy().orElseThrow();

      List<Diagnostic> lint = Linter.lint(policy);
      assertThat(lint.stream().filter(d -> d.code().id().equals("I205")).map(Diagnostic::message).toList())
          .containsExactly("analysis skipped: the condition of rule `r` is too large to analyse (more than 1000"
              + " terms after expanding predicates)");
      assertThat(lint.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList()).isEmpty();
      assertThat(Differ.diff(policy, policy).changes()).isEmpty();

      JavaFile file = PolicyGenerator.generate(policy, "0".repeat(64));
      String source = file.toString();
      assertThat(source.length()).isLessThan(20_000);
      Policy compiled = CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(file)));
      Interpreter interpreter = new Interpreter(policy);

      for (Policy engine : List.of(interpreter, compiled)) {
        assertThat(PolicyTestRunner.run(policy, engine).stream().allMatch(PolicyTestRunner.Result::passed)).isTrue();
        assertThat(classify(engine, 0x8086, RegionType.DIRECT).type()).isEqualTo(RegionType.DIRECT_RELAXABLE);
        assertThat(classify(engine, 0x8086, RegionType.RESERVED).kind()).isEqualTo(ClassifyDecision.Kind.KEEP);
      }
      boolean onVendor = base.contains("vendor");
      assertThat(classify(interpreter, 0x1022, RegionType.DIRECT).kind())
          .isEqualTo(onVendor ? ClassifyDecision.Kind.KEEP : ClassifyDecision.Kind.SET_TYPE);
      assertThat(classify(compiled, 0x1022, RegionType.DIRECT).kind())
          .isEqualTo(classify(interpreter, 0x1022, RegionType.DIRECT).kind());
      if (onVendor) {
        // One method per predicate, each calling the one before.
        assertThat(source).contains("private static boolean isP" + levels + "(");
        assertThat(source).contains("return (isP0(vendor, rtype) && !isP0(vendor, rtype)) || isP0(vendor, rtype);");
      }
    });
  }

  @Test
  void aChainOfThreeThousandPredicatesIsOneError() {
    assertTimeoutPreemptively(BOUND, () -> {
      PolicyCompiler.Compilation c = compile(chain(3000));
      List<Diagnostic> errors =
          c.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
      assertWithMessage(c.renderText()).that(errors).hasSize(1);
      Diagnostic e = errors.get(0);
      assertThat(e.code().id()).isEqualTo("E124");
      // p0 nests 1 level, pK K + 1: p256, at line 3 + 256, is the first deeper than 256.
      assertThat(e.span().line()).isEqualTo(3 + 256);
      assertThat(e.message()).contains("through predicate `p255`");
      assertThat(e.message()).contains("flatten the chain");
      assertThat(c.policy()).isEmpty();
    });
  }

  @Test
  void aChainAtTheLimitIsAccepted() {
    assertTimeoutPreemptively(BOUND, () -> {
      // The rule's condition is the use of p254: 1 + 255 levels.
      String text = chain(254);
      PolicyCompiler.Compilation c = compile(text);
      assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
      CheckedPolicy policy = c.policy().orElseThrow();
      Policy compiled = CompiledPolicies.load(InMemoryJavaCompiler.compile(
          List.of(PolicyGenerator.generate(policy, "0".repeat(64)))));
      for (Policy engine : List.of(new Interpreter(policy), compiled)) {
        assertThat(classify(engine, 0x8086, RegionType.DIRECT).type()).isEqualTo(RegionType.DIRECT_RELAXABLE);
      }
      assertThat(Linter.lint(policy).stream().map(x -> x.code().id()).toList()).doesNotContain("I205");
    });
  }

  @Test
  void aCycleIsStillReportedWhereItCloses() throws IOException {
    PolicyCompiler.Compilation c = compile("""
        policy t.Cycle;
        predicate a = device.bridge or b;
        predicate b = region.type == direct and c;
        predicate c = a;
        """);
    List<Diagnostic> errors = c.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
    assertWithMessage(c.renderText()).that(errors).hasSize(1);
    assertThat(errors.get(0).code().id()).isEqualTo("E117");
    assertThat(errors.get(0).span().line()).isEqualTo(4);
    assertThat(errors.get(0).message()).isEqualTo("predicate `a` refers to itself through a -> b -> c -> a;"
        + " a definition cannot depend on itself");
  }

  private static ClassifyDecision classify(Policy engine, int vendor, RegionType type) {
    PciDevice device = new PciDevice(PciAddress.parse("00:14.0"), vendor, 0x1234, 0, 0, 0x0c0330, Optional.empty(),
        false, List.of());
    Region region = new Region(0x3e2e0000L, 0x20000L, type, Prot.NONE, RegionSource.RMRR);
    return engine.classify(TargetKernel.newest(), device, 0, region);
  }
}
