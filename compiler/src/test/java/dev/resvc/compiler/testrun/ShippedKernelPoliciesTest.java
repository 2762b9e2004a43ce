package dev.resvc.compiler.testrun;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped kernel policies restate the kernel's region types per era; this checks that
 * kernel-intel.resv's classification agrees with the runtime's Intel region builder
 * (docs/kernel-eras.md §3) on every shipped Intel host and at every Intel era boundary, i.e. that
 * it changes no type of a region the builder rebuilt from the host's DMAR table.
 */
class ShippedKernelPoliciesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> INTEL_HOSTS =
      List.of("asus-prime-z270-a", "dell-latitude-5414", "hp-proliant-dl360-g7", "msi-ms-7885");

  private static CheckedPolicy policy(String name) {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(ROOT.resolve("examples/policies/" + name));
    assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
    return c.policy().orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4.19", "5.2", "5.3", "5.4", "5.5", "6.5", "6.6", "6.8"})
  void kernelIntelClassifiesAsTheBuilderOfEachRelease(String version) throws Exception {
    CheckedPolicy p = policy("kernel-intel.resv");
    KernelRelease release = KernelRelease.parse(version);
    TargetKernel kernel = TargetKernel.newest().withRelease(release);
    int classified = 0;
    for (String name : INTEL_HOSTS) {
      Path root = ROOT.resolve("examples/hosts/" + name);
      SysfsSnapshot snapshot = SysfsReader.read(root).value();
      Firmware firmware = HostBuilder.snapshotFirmware(snapshot).value();
      Host host = HostBuilder.withFirmware(snapshot, name, firmware, release, Optional.empty()).value();
      Explanation e = Evaluator.explain(new Interpreter(p), host, GuestPresets.q35(GuestPresets.DEFAULT_RAM),
          AddressRange.FULL, kernel);
      for (Explanation.Group g : e.groups()) {
        for (Explanation.Classification c : g.classifications()) {
          assertWithMessage("%s on %s: %s region %s (%s)", name, version, c.device(), c.input(),
              c.decision().provenance())
              .that(c.effective().map(r -> r.type())).isEqualTo(Optional.of(c.input().type()));
          classified++;
        }
      }
    }
    assertThat(classified).isGreaterThan(0);
  }
}
