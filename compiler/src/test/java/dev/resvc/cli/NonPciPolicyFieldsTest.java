package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.interp.Explainer;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policies classify group members that are not PCI (#16) through {@code device.kind}, {@code
 * device.name} and {@code device.hid}, and the PCI-only fields are absent on them: on real layouts (the
 * ASUS Zenbook S 16's ACPI-HID member {@code MSFT0201:00}, whose IVMD unity map the AMD driver gives it
 * from the IVHD F0 entry, and an Arm host whose group holds only the fsl-mc container {@code dprc.1}),
 * the shipped policies decide as runtime API 3 did by keeping every region of such a member, but where a
 * rule of theirs tests the region alone, and a rule naming the member changes its verdict, alike in the
 * interpreter and the generated class.
 */
class NonPciPolicyFieldsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path ZENBOOK = ROOT.resolve("examples/hosts/asus-zenbook-s16-um5606wa");
  private static final GuestLayout GUEST = GuestPresets.q35(8L << 30);
  /** Releases at the boundaries of docs/kernel-eras.md where the shipped policies' rules change. */
  private static final List<String> RELEASES = List.of("4.18", "5.0", "5.2", "5.4", "5.5", "5.14", "6.0", "6.5", "6.6",
      "6.16");

  @TempDir Path tmp;

  /**
   * What runtime API 3 did ({@code Policy.classifyMember}, removed in 4): a member that is not PCI
   * keeps every region as its IOMMU driver reports it; PCI functions go to the policy.
   */
  private record KeepNonPci(Policy policy) implements Policy {
    private static final ClassifyDecision KEEP = ClassifyDecision.keep(Provenance.kernel("iommu_get_resv_regions"));

    @Override
    public String name() {
      return policy.name();
    }

    @Override
    public int apiVersion() {
      return API_VERSION;
    }

    @Override
    public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {
      return device instanceof PciDevice ? policy.classify(kernel, device, group, region) : KEEP;
    }

    @Override
    public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) {
      return policy.conflict(kernel, region, guest);
    }
  }

  /**
   * The shipped policies test PCI fields only through tests that are false on a member that is not PCI,
   * so such a member is decided by their rules that test the region alone: kernel-amd's {@code
   * unity_direct} (an IVMD is {@code direct}, the type the AMD driver already gives it) and cloud-strict's
   * {@code no_relax} (no relaxable region, for any device). Every other decision is the default's {@code
   * keep}, and every verdict is the one API 3 gave, but cloud-strict's on the Arm host's platform device
   * with a relaxable RMR: not assignable either way, with the RMR now {@code direct}, as the policy says.
   */
  @Test
  void theShippedPoliciesGiveTheNonPciMembersTheVerdictsTheyHadWhenNoRuleSawThem() throws Exception {
    Path arm = NonPciMembersCliTest.armHost(tmp.resolve("lx2160a"));
    List<Path> policies;
    try (Stream<Path> files = Files.list(ROOT.resolve("examples/policies"))) {
      policies = files.filter(f -> f.toString().endsWith(".resv")).sorted().toList();
    }
    assertThat(policies).hasSize(8);
    int nonPciGroups = 0;
    Set<String> deciding = new TreeSet<>();
    Set<String> changed = new TreeSet<>();
    for (Path file : policies) {
      String policy = file.getFileName().toString();
      Interpreter interpreter = new Interpreter(checked(file));
      for (Path root : List.of(ZENBOOK, arm)) {
        for (String version : RELEASES) {
          KernelRelease release = KernelRelease.parse(version);
          Host host = HostLoader.load(root, HostLoader.TableFiles.none(), HostLoader.RegionsFrom.firmware,
              Optional.of(release)).host();
          TargetKernel kernel = TargetKernel.newest().withRelease(release);
          Explanation now = Evaluator.explain(interpreter, host, GUEST, AddressRange.FULL, kernel);
          Explanation before = Evaluator.explain(new KeepNonPci(interpreter), host, GUEST, AddressRange.FULL, kernel);
          for (Explanation.Group g : now.groups()) {
            Explanation.Group b = before.group(g.verdict().id()).orElseThrow();
            String what = policy + " on " + root.getFileName() + " " + version + " group " + g.verdict().id();
            assertWithMessage(what).that(g.verdict().assignable()).isEqualTo(b.verdict().assignable());
            if (!g.verdict().equals(b.verdict()) || !g.findings().equals(b.findings())) {
              changed.add(what);
            }
            for (Explanation.Classification c : g.classifications()) {
              if (!(c.device() instanceof PciDevice)) {
                String rule = c.decision().provenance().rule();
                if (!rule.equals("default")) {
                  deciding.add(policy + " " + rule + " (" + c.input().source() + " " + c.input().type() + " -> "
                      + c.effective().map(r -> r.type().resvName()).orElse("dropped") + ")");
                }
              }
            }
            if (g.devices().stream().anyMatch(d -> !(d instanceof PciDevice))) {
              nonPciGroups++;
            }
          }
        }
      }
    }
    // MSFT0201:00, dprc.1 and TEST0001:00, for every policy and release
    assertThat(nonPciGroups).isEqualTo(8 * RELEASES.size() * 3);
    assertThat(deciding).containsExactly(
        "cloud-strict.resv no_relax (iort-rmr direct-relaxable -> direct)",
        "kernel-amd.resv unity_direct (ivmd direct -> direct)");
    assertThat(changed).containsExactly(
        "cloud-strict.resv on lx2160a 6.16 group 1", "cloud-strict.resv on lx2160a 6.5 group 1",
        "cloud-strict.resv on lx2160a 6.6 group 1");
  }

  private static final String RELAX_PLATFORM_IVMD = """
      policy t.RelaxPlatformIvmd;

      classify {
        rule pci_ivmd: when region.source == ivmd and device.vendor == 0x1022 => drop;
        rule relax_pltf: when device.kind == platform and device.hid == "MSFT0201" and region.source == ivmd
                         => direct-relaxable;
        rule container: when device.kind == fsl-mc and device.name == "dprc.1" => keep;
        default => keep;
      }

      conflicts {
        default => allow;
      }
      """;

  @Test
  void aRuleNamingTheAcpiHidMemberRelaxesItsIvmdAndTheGroupBecomesAssignable() throws Exception {
    CheckedPolicy checked = checked(write("relax.resv", RELAX_PLATFORM_IVMD));
    Interpreter interpreter = new Interpreter(checked);
    Policy compiled = CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(PolicyGenerator.generate(checked, "0"))));
    TargetKernel kernel = TargetKernel.newest().withRelease(KernelRelease.parse("6.6"));
    Host host = HostLoader.load(ZENBOOK, HostLoader.TableFiles.none(), HostLoader.RegionsFrom.firmware,
        Optional.of(kernel.release())).host();
    IommuGroup group0 = host.groups().stream().filter(g -> g.id() == 0).findFirst().orElseThrow();
    Device member = group0.members().get(0).device();
    assertThat(member.name()).isEqualTo("MSFT0201:00");
    Region ivmd = group0.members().get(0).regions().stream()
        .filter(r -> r.source() == RegionSource.IVMD).findFirst().orElseThrow();

    for (Policy p : List.of(interpreter, compiled)) {
      assertWithMessage(p.getClass().getName()).that(p.classify(kernel, member, 0, ivmd).provenance().rule())
          .isEqualTo("relax_pltf");
      Verdict.Group verdict = Evaluator.evaluate(p, host, GUEST, AddressRange.FULL, kernel).group(0).orElseThrow();
      // 6.6 refuses a device with a direct region at attach (EINVAL); relaxed, the group attaches.
      assertWithMessage(p.getClass().getName()).that(verdict.attachFailure()).isEmpty();
      Verdict.Group kept = Evaluator.evaluate(new KeepNonPci(p), host, GUEST, AddressRange.FULL, kernel)
          .group(0).orElseThrow();
      assertWithMessage(p.getClass().getName()).that(kept.attachFailure()).isPresent();
    }

    // The explanation shows the facts the rule tested, and that the PCI-only rule did not hold.
    List<Explainer.Trial> trials = Explainer.trials(checked, Section.CLASSIFY,
        new Interpreter.Facts(kernel, member, 0, ivmd, null));
    assertThat(trials.get(0).parts().get(1).facts()).isEqualTo("vendor none (not PCI)");
    assertThat(trials.get(1).rule()).isEqualTo("relax_pltf");
    assertThat(trials.get(1).matched()).isTrue();
    assertThat(trials.get(1).parts().stream().map(Explainer.Part::facts).toList())
        .containsAtLeast("kind platform", "hid \"MSFT0201\"").inOrder();
  }

  @Test
  void resvcTestBuildsMembersThatAreNotPciAndNamesThemWhenAnExpectationFails() throws IOException {
    Path file = write("members.resv", RELAX_PLATFORM_IVMD.replace("""
        conflicts {
          default => allow;
        }
        """, """
        test "the relaxed ACPI-HID member attaches on 6.6" {
          kernel 6.6;
          platform "MSFT0201:00" hid "MSFT0201";
          region ivmd 0x7d900000 .. 0x7d9fffff on "MSFT0201:00";
          expect "MSFT0201:00" region 0x7d900000 type direct-relaxable;
          expect attach succeeds on "MSFT0201:00";
        }

        test "without the HID the rule does not hold" {
          kernel 6.6;
          platform "AMDI0040:00" driver "i2c_designware" group 0;
          platform "dprc.1" kind fsl-mc group 0;
          region ivmd 0x7d900000 .. 0x7d9fffff on "AMDI0040:00";
          expect attach succeeds;
        }
        """));

    CliRun run = CliRun.of("test", file.toString());

    assertWithMessage(run.err()).that(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("PASS " + file + ": the relaxed ACPI-HID member attaches on 6.6\n");
    assertThat(run.out()).contains("FAIL " + file + ": without the HID the rule does not hold\n");
    assertThat(run.out()).contains("group 0 (AMDI0040:00, dprc.1): refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL");
    assertThat(run.out()).endsWith("1 passed, 1 failed\n");
  }

  @Test
  void explainShowsTheFactsOfTheMemberThatIsNotPci() throws IOException {
    Path policy = write("relax.resv", RELAX_PLATFORM_IVMD);

    CliRun run = CliRun.of("explain", "--policy", policy.toString(), "--host", ZENBOOK.toString(),
        "--device", "MSFT0201:00", "--kernel", "6.6", "--guest", "q35,ram=8G");

    assertWithMessage(run.err()).that(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("vendor none (not PCI)");
    assertThat(run.out()).contains("kind platform");
    assertThat(run.out()).contains("hid \"MSFT0201\"");
    assertThat(run.out()).contains("relax_pltf");
  }

  private Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static CheckedPolicy checked(Path file) {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
    assertWithMessage("%s: %s", file, c.diagnostics()).that(c.policy()).isPresent();
    return c.policy().orElseThrow();
  }
}
