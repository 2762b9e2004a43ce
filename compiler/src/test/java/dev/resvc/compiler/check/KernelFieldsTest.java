package dev.resvc.compiler.check;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel as policies see it (docs/language.md §5, "Versions"): version literals beside the integer
 * syntax they share characters with, the series end of a range, the test statements that set the
 * kernel, and analyser witnesses that name a kernel the interpreter confirms.
 */
class KernelFieldsTest {
  @TempDir Path dir;

  private PolicyCompiler.Compilation compile(String text) throws IOException {
    Path file = dir.resolve("k.resv");
    Files.writeString(file, text);
    return PolicyCompiler.compile(file, "k.resv");
  }

  private CheckedPolicy check(String text) throws IOException {
    PolicyCompiler.Compilation c = compile(text);
    assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
    return c.policy().orElseThrow();
  }

  private static TargetKernel on(String release) {
    return TargetKernel.newest().withRelease(KernelRelease.parse(release));
  }

  private static boolean holds(CheckedPolicy p, TargetKernel k) {
    return new Interpreter(p).classify(k, null, 0, new dev.resvc.runtime.model.Region(0, 1,
        dev.resvc.runtime.model.RegionType.DIRECT, dev.resvc.runtime.model.Prot.NONE,
        dev.resvc.runtime.model.RegionSource.RMRR)).provenance().rule().equals("r");
  }

  @Test
  void versionsAddressRangesAndIntegerRangesAllStillParse() throws IOException {
    CheckedPolicy p = check("""
        policy k.Lex;
        classify {
          rule addresses: when region.start in 0x3e2e0000 .. 0x3e2fffff => keep;
          rule integers: when device.group in 5..6 => keep;
          rule releases: when kernel.version in 5.3 .. 6.5 => keep;
          rule patch: when kernel.version >= 5.14.3 => keep;
          default => keep;
        }
        """);
    assertThat(CondPrinter.print(p.classifyRules().get(1).condition())).isEqualTo("device.group in 0x5 .. 0x6");
    assertThat(CondPrinter.print(p.classifyRules().get(2).condition())).isEqualTo("kernel.version in 5.3 .. 6.5");
    assertThat(CondPrinter.print(p.classifyRules().get(3).condition())).isEqualTo("kernel.version >= 5.14.3");
  }

  @Test
  void aRangeEndWrittenXYCoversTheSeriesAndComparisonsAreExact() throws IOException {
    CheckedPolicy range = check("policy k.R;\nclassify {\n  rule r: when kernel.version in 5.3 .. 6.5 => keep;\n"
        + "  default => drop;\n}\n");
    assertThat(holds(range, on("5.2.21"))).isFalse();
    assertThat(holds(range, on("5.3"))).isTrue();
    assertThat(holds(range, on("6.5.9-300.fc39.x86_64"))).isTrue();
    assertThat(holds(range, on("6.6"))).isFalse();
    CheckedPolicy ge = check("policy k.G;\nclassify {\n  rule r: when kernel.version >= 6.6 => keep;\n"
        + "  default => drop;\n}\n");
    assertThat(holds(ge, on("6.5.13"))).isFalse();
    assertThat(holds(ge, on("6.6.0"))).isTrue();
  }

  @Test
  void equalityWithAnXYVersionIsWarnedAbout() throws IOException {
    PolicyCompiler.Compilation c = compile("policy k.E;\nclassify {\n  rule r: when kernel.version == 6.6 => keep;\n"
        + "  rule s: when kernel.version == 6.6.0 => keep;\n  default => drop;\n}\n");
    assertThat(c.hasErrors()).isFalse();
    assertThat(c.diagnostics().stream().map(d -> d.code()).toList()).containsExactly(Code.EXACT_KERNEL_VERSION);
  }

  @Test
  void anUnknownDriverMatchesNoValue() throws IOException {
    CheckedPolicy p = check("policy k.D;\nclassify {\n  rule r: when not (kernel.driver in {intel, amd, arm-smmu}) => keep;\n"
        + "  default => drop;\n}\n");
    assertThat(holds(p, TargetKernel.newest())).isTrue();
    TargetKernel intel = new TargetKernel(TargetKernel.NEWEST, Backend.VFIO_TYPE1, Optional.of(IommuDriver.INTEL), true,
        false, List.of());
    assertThat(holds(p, intel)).isFalse();
  }

  @Test
  void testStatementsSetTheKernelAndDefaultToTheNewest() throws IOException {
    CheckedPolicy p = check("""
        policy k.T;
        classify { default => keep; }
        test "set" {
          kernel 5.14;
          backend iommufd;
          iommu amd;
          msi not isolated;
          expect no findings;
        }
        test "default" {
          expect no findings;
        }
        """);
    assertThat(p.tests().get(0).kernel()).isEqualTo(new TargetKernel(KernelRelease.of(5, 14), Backend.IOMMUFD,
        Optional.of(IommuDriver.AMD), false, false, List.of()));
    assertThat(p.tests().get(1).kernel()).isEqualTo(TargetKernel.newest());
  }

  @Test
  void regionsWithoutTypeTakeTheTypeOfTheTestsKernel() throws IOException {
    // kernel-eras.md section 3: RMRRs of USB devices relaxable from v5.3 (1c5c59fbad20); the floppy
    // region direct with prot 0 in v5.3-v5.4 (d850c2ee5fe2), relaxable from v5.5 (d8018a0e9195);
    // section 4: exclusion IVMDs reserved in v5.1-v5.5 (8aafaaf22121).
    CheckedPolicy p = check("""
        policy k.T;
        classify { default => keep; }
        test "5.4" {
          device 00:1f.0 class 0x060100;
          device 00:14.0 class 0x0c0330;
          device 01:00.0 class 0x010802;
          region floppy-wa 0x0 .. 0xffffff on 00:1f.0;
          region rmrr 0x3e2e0000 .. 0x3e2fffff on 00:14.0;
          region ivmd-exclusion 0xc9f42000 .. 0xc9f67fff on 01:00.0;
          kernel 5.4;
          expect no findings;
        }
        test "5.2" {
          device 00:14.0 class 0x0c0330;
          region rmrr 0x3e2e0000 .. 0x3e2fffff on 00:14.0;
          kernel 5.2;
          expect no findings;
        }
        test "newest" {
          device 00:14.0 class 0x0c0330;
          region rmrr 0x3e2e0000 .. 0x3e2fffff on 00:14.0;
          expect no findings;
        }
        """);
    List<dev.resvc.runtime.model.Region> at54 = p.tests().get(0).host().groups().stream()
        .flatMap(g -> g.members().stream()).flatMap(m -> m.regions().stream()).toList();
    assertThat(at54.stream().map(r -> r.source() + " " + r.type() + " " + r.prot()).toList()).containsExactly(
        "floppy-wa direct " + dev.resvc.runtime.model.Prot.NONE,
        "rmrr direct-relaxable " + dev.resvc.runtime.model.Prot.READ_WRITE,
        "ivmd-exclusion reserved " + dev.resvc.runtime.model.Prot.READ_WRITE);
    assertThat(p.tests().get(1).host().groups().get(0).members().get(0).regions().get(0).type())
        .isEqualTo(dev.resvc.runtime.model.RegionType.DIRECT);
    assertThat(p.tests().get(2).host().groups().get(0).members().get(0).regions().get(0).type())
        .isEqualTo(dev.resvc.runtime.model.RegionType.DIRECT_RELAXABLE);
  }

  @Test
  void aPciWindowIsNoKernelsRegionAndNeedsAType() throws IOException {
    // drivers/iommu/dma-iommu.c iova_reserve_pci_windows reserves host-bridge windows only in the DMA
    // domain's own IOVA allocator: never in reserved_regions, never cut by VFIO.
    PolicyCompiler.Compilation c = compile("""
        policy k.T;
        classify { default => keep; }
        test "window" {
          device 05:00.0 class 0x020000;
          region pci-window 0x7f000000 .. 0x7fffffff on 05:00.0;
          expect assignable;
        }
        """);
    assertThat(c.diagnostics().stream().map(d -> d.code()).toList()).containsExactly(Code.BAD_TEST_STATEMENT);
    assertThat(c.renderText()).contains("no kernel reports a `pci-window` region: dma-iommu keeps PCI host-bridge"
        + " windows in its own IOVA allocator (iova_reserve_pci_windows)");
    // With a stated type it is what the test says the kernel reports.
    PolicyCompiler.Compilation typed = compile("""
        policy k.T;
        classify { default => keep; }
        test "window" {
          device 05:00.0 class 0x020000;
          region pci-window 0x7f000000 .. 0x7fffffff type reserved on 05:00.0;
          expect assignable;
        }
        """);
    assertThat(typed.diagnostics()).isEmpty();
  }

  @Test
  void aRegionTheTestsKernelDoesNotReportNeedsAType() throws IOException {
    PolicyCompiler.Compilation c = compile("""
        policy k.T;
        classify { default => keep; }
        test "4.19" {
          kernel 4.19;
          device 00:1f.0 class 0x060100;
          region floppy-wa 0x0 .. 0xffffff on 00:1f.0;
          expect no findings;
        }
        """);
    assertThat(c.diagnostics().stream().map(d -> d.code()).toList()).containsExactly(Code.BAD_TEST_STATEMENT);
    assertThat(c.renderText()).contains("kernel 4.19 reports no `floppy-wa` region");
  }

  @Test
  void aSecondKernelStatementAndAnUnknownBackendAreErrors() throws IOException {
    PolicyCompiler.Compilation c = compile("""
        policy k.T;
        classify { default => keep; }
        test "twice" {
          kernel 5.14;
          kernel 6.1;
          backend vfio;
          expect no findings;
        }
        """);
    assertThat(c.diagnostics().stream().map(d -> d.code()).toList())
        .containsExactly(Code.BAD_TEST_STATEMENT, Code.UNKNOWN_NAME);
  }

  @Test
  void aShadowingWitnessNamesAKernelVersionTheInterpreterConfirms() throws IOException {
    CheckedPolicy p = check("""
        policy k.S;
        classify {
          rule old: when kernel.version < 5.3 => drop;
          rule older: when kernel.version in 4.18 .. 5.2 and kernel.backend == vfio-type1 => keep;
          default => keep;
        }
        """);
    List<Linter.Finding> findings = Linter.analyse(p);
    Linter.Finding shadowed = findings.stream().filter(f -> f.code() == Code.RULE_NEVER_FIRES).findFirst().orElseThrow();
    assertThat(shadowed.witness()).isPresent();
    TargetKernel k = shadowed.witness().get().kernel();
    assertThat(k.release().compareTo(KernelRelease.of(4, 18))).isAtLeast(0);
    assertThat(k.release().compareTo(KernelRelease.of(5, 3))).isLessThan(0);
    assertThat(shadowed.witness().get().text()).contains("kernel " + k.release().version());
    assertThat(Interpreter.eval(p.classifyRules().get(1).condition(), shadowed.witness().get().facts())).isTrue();
  }
}
