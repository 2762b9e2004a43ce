package dev.resvc.compiler.testrun;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.TestCase;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.format.AstEquivalence;
import dev.resvc.compiler.format.PolicyFormatter;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.syntax.PolicyParser;
import dev.resvc.runtime.kernel.Errno;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.range.AddressRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test-block expectations of the kernel's own steps ({@code expect attach fails EPERM on 03:00.0;},
 * {@code expect map fails EINVAL at …;}, {@code … succeeds}): how they are checked, how the runner
 * decides them against the evaluator's steps, and what a failure says happened instead.
 */
class StepExpectationsTest {
  @TempDir Path dir;

  /** A DL360-like RAID controller with a non-relaxable RMRR (docs/kernel-eras.md §1.2, §1.1). */
  private static final String RAID = """
      iommu intel;
      device 03:00.0 class 0x010400;
      region rmrr 0xdf61e000 .. 0xdf61ffff on 03:00.0;
      """;

  /** A device with a unity IVMD in guest RAM: never refused before 6.6, cut by VFIO from 5.4 (§1, §2, §4). */
  private static final String UNITY_IN_RAM = """
      iommu amd;
      device 01:00.0 class 0x010802;
      region ivmd 0x10000000 .. 0x1000ffff on 01:00.0;
      guest q35 ram 2G;
      """;

  /** A q35 guest's RAM below 2 GiB, which the unity IVMD lies in. */
  private static final AddressRange LOW_RAM = AddressRange.of(0, 0x7fffffffL);

  private PolicyCompiler.Compilation compile(String tests) throws IOException {
    Path file = dir.resolve("s.resv");
    Files.writeString(file, "policy s.Steps;\nclassify { default => keep; }\n" + tests);
    return PolicyCompiler.compile(file, "s.resv");
  }

  private List<PolicyTestRunner.Result> run(String tests) throws IOException {
    PolicyCompiler.Compilation c = compile(tests);
    assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
    CheckedPolicy p = c.policy().orElseThrow();
    return PolicyTestRunner.run(p, new Interpreter(p));
  }

  private static String test(String kernel, String body, String expect) {
    return "test \"t\" {\n  kernel " + kernel + ";\n" + body + "  " + expect + "\n}\n";
  }

  private PolicyTestRunner.Result one(String kernel, String body, String expect) throws IOException {
    List<PolicyTestRunner.Result> r = run(test(kernel, body, expect));
    assertThat(r).hasSize(1);
    return r.get(0);
  }

  @Test
  void theRaidControllerIsRefusedWithEpermBefore66AndEinvalFrom66() throws IOException {
    assertThat(one("4.19", RAID, "expect attach fails EPERM on 03:00.0;").passed()).isTrue();
    assertThat(one("6.5", RAID, "expect attach fails EPERM;").passed()).isTrue();
    assertThat(one("6.6", RAID, "expect attach fails EINVAL on 03:00.0;").passed()).isTrue();
  }

  @Test
  void aWrongErrnoSaysWhichCallFailedWithWhatAndForWhichDevice() throws IOException {
    PolicyTestRunner.Result r = one("4.19", RAID, "expect attach fails EINVAL on 03:00.0;");
    assertThat(r.passed()).isFalse();
    PolicyTestRunner.Failure f = r.failures().get(0);
    assertThat(f.expected()).isEqualTo("attach fails with EINVAL in the group of 03:00.0");
    assertThat(f.actual()).startsWith("group 0 (03:00.0): refused at attach: VFIO_SET_IOMMU fails with EPERM (-1)");
    assertThat(f.actual()).contains("Device is ineligible for IOMMU domain attach");
    assertThat(f.actual()).endsWith("(device 03:00.0)");
  }

  @Test
  void attachSucceedsFailsWhenTheGroupIsRefused() throws IOException {
    PolicyTestRunner.Result r = one("6.8", RAID, "expect attach succeeds on 03:00.0;");
    assertThat(r.passed()).isFalse();
    assertThat(r.failures().get(0).actual())
        .startsWith("group 0 (03:00.0): refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22)");
  }

  @Test
  void guestRamOverADirectRegionMapsBefore54AndFailsFrom54() throws IOException {
    assertThat(one("5.3", UNITY_IN_RAM, "expect map succeeds;").passed()).isTrue();
    assertThat(one("5.3", UNITY_IN_RAM, "expect attach succeeds on 01:00.0;").passed()).isTrue();
    assertThat(one("5.4", UNITY_IN_RAM, "expect map fails EINVAL at 0x0 .. 0x7fffffff on 01:00.0;").passed())
        .isTrue();
    assertThat(one("5.4", UNITY_IN_RAM, "expect map fails EINVAL;").passed()).isTrue();
    PolicyTestRunner.Result succeeds = one("5.4", UNITY_IN_RAM, "expect map succeeds;");
    assertThat(succeeds.passed()).isFalse();
    assertThat(succeeds.failures().get(0).actual()).isEqualTo("group 0 (01:00.0): guest RAM " + LOW_RAM
        + " cannot be mapped: VFIO_IOMMU_MAP_DMA fails with EINVAL (-22); the kernel logs nothing");
  }

  @Test
  void aMapExpectationAtAnotherRangeFailsAndNamesTheRangeThatFailed() throws IOException {
    PolicyTestRunner.Result r = one("5.4", UNITY_IN_RAM, "expect map fails EINVAL at 0x100000000 .. 0x17fffffff;");
    assertThat(r.passed()).isFalse();
    assertThat(r.failures().get(0).expected()).isEqualTo("map fails with EINVAL at "
        + AddressRange.of(0x100000000L, 0x17fffffffL));
    assertThat(r.failures().get(0).actual()).contains("guest RAM " + LOW_RAM + " cannot be mapped");
  }

  @Test
  void mapSucceedsNeedsTheAttachToSucceed() throws IOException {
    PolicyTestRunner.Result r = one("6.6", RAID, "expect map succeeds;");
    assertThat(r.passed()).isFalse();
    assertThat(r.failures().get(0).actual()).contains("refused at attach");
  }

  @Test
  void theCheckerBuildsStepExpectations() throws IOException {
    PolicyCompiler.Compilation c = compile(test("5.4", UNITY_IN_RAM, "expect map fails EINVAL at 0x0 + 2G on 01:00.0;"));
    TestCase.Expect e = c.policy().orElseThrow().tests().get(0).expectations().get(0);
    assertThat(e).isInstanceOf(TestCase.Expect.Step.class);
    TestCase.Expect.Step s = (TestCase.Expect.Step) e;
    assertThat(s.stage()).isEqualTo(StepFailure.Stage.MAP);
    assertThat(s.fails()).hasValue(Errno.EINVAL);
    assertThat(s.at()).hasValue(LOW_RAM);
    assertThat(s.device().orElseThrow().shortName()).isEqualTo("01:00.0");
  }

  @Test
  void anUnknownErrnoIsAnUnknownNameWithTheKnownList() throws IOException {
    PolicyCompiler.Compilation c = compile(test("6.6", RAID, "expect attach fails EPREM;"));
    Diagnostic d = c.diagnostics().get(0);
    assertThat(d.code().id()).isEqualTo("E101");
    assertThat(d.message()).isEqualTo("unknown errno `EPREM`");
    assertThat(d.notes().stream().map(Diagnostic.Note::message).toList())
        .containsExactly("did you mean `EPERM`?", "errnos a step fails with: EPERM, EINVAL, EADDRINUSE");
  }

  @Test
  void anAttachHasNoGuestRangeAndAnUndeclaredDeviceIsAnError() throws IOException {
    PolicyCompiler.Compilation at = compile(test("6.6", RAID, "expect attach fails EINVAL at 0x0 .. 0xfff;"));
    assertThat(at.diagnostics().stream().map(d -> d.code().id()).toList()).containsExactly("E120");
    PolicyCompiler.Compilation undeclared = compile(test("6.6", RAID, "expect attach succeeds on 04:00.0;"));
    assertThat(undeclared.diagnostics().stream().map(Diagnostic::message).toList())
        .containsExactly("device 04:00.0 is not declared in this test");
  }

  @Test
  void theFormatterRoundTripsEveryForm() {
    String text = """
        policy s.Fmt;

        test "steps" {
          device 03:00.0 class 0x010400;
          expect attach fails EPERM on 03:00.0;
          expect attach fails EINVAL;
          expect attach succeeds on 03:00.0;
          expect map fails EINVAL;
          expect map fails EINVAL at 0x0 .. 0x7fffffff on 03:00.0;
          expect map succeeds at 0x100000000 + 2G;
        }
        """;
    Diagnostics d = new Diagnostics();
    PolicyFile file = PolicyParser.parse(text, "f.resv", d);
    assertThat(d.all()).isEmpty();
    String formatted = PolicyFormatter.format(file, text);
    assertThat(formatted).isEqualTo(text);
    PolicyFile again = PolicyParser.parse(formatted, "f.resv", d);
    assertThat(AstEquivalence.firstDifference(file.items(), again.items(), "items")).isEqualTo(Optional.empty());
  }

  @Test
  void theStepWordsStayUsableAsNames() throws IOException {
    PolicyCompiler.Compilation c = compile("""
        const map = 0x1000 .. 0x1fff;
        predicate attach = device.class == 0x010400;
        predicate fails = attach and region.start in map;
        const at = 3;
        const succeeds = at;
        """);
    assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
  }
}
