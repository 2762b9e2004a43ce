package dev.resvc.docs;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The body of docs/embedding.md's {@code PolicyCheck}, run in-process with the interpreter in place of
 * the generated class (paths from the repository root); FreshProjectIT builds and runs the page's
 * program itself.
 */
class EmbeddingTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theEmbeddingExampleReportsWhatResvcCheckReports() throws Exception {
    Policy policy = new Interpreter(
        PolicyCompiler.compile(ROOT.resolve("examples/policies/kernel-intel.resv")).policy().orElseThrow());

    // --- as in embedding.md ---
    Read<SysfsSnapshot> snapshot = SysfsReader.read(ROOT.resolve("examples/hosts/hp-proliant-dl360-g7"));
    Read<Firmware> firmware = HostBuilder.snapshotFirmware(snapshot.value());
    Host host = HostBuilder.withFirmware(snapshot.value(), "hp-proliant-dl360-g7", firmware.value()).value();
    GuestLayout guest = GuestPresets.parseSpec("q35,ram=16G");
    AddressRange aperture = HostBuilder.aperture(firmware.value());
    Verdict verdict = Evaluator.evaluate(policy, host, guest, aperture); // what a VMM asks at start
    List<String> lines = new ArrayList<>();
    for (Verdict.Group g : verdict.groups()) {
      if (!g.assignable()) {
        // Why: the same evaluation of the group, with every decision recorded.
        Explanation.Group why = Evaluator.explainGroup(policy, host.group(g.id()).orElseThrow(), guest, aperture);
        for (Explanation.Finding f : why.findings()) {
          lines.add("group " + g.id() + ": " + f.severity() + " " + f.message()
              + " [" + f.provenance().rule() + " " + f.provenance().file() + ":" + f.provenance().line() + "]");
        }
      }
    }
    // ---

    assertThat(verdict.groups().stream().filter(g -> !g.assignable()).map(Verdict.Group::id).toList())
        .containsExactly(5, 9, 10, 11).inOrder();
    assertThat(lines).contains("group 10: FATAL refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22);"
        + " the kernel logs \"vfio-pci 0000:03:00.0: Firmware has requested this device have a 1:1 IOMMU mapping,"
        + " rejecting configuring the device without a 1:1 mapping. Contact your platform vendor.\""
        + " [__iommu_device_set_domain <kernel>:0]");
    // The snippet in the page is this code.
    String page = Files.readString(Path.of("embedding.md"));
    assertThat(page).contains("Verdict verdict = Evaluator.evaluate(policy, host, guest, aperture);");
    assertThat(page).contains("Explanation.Group why = Evaluator.explainGroup(policy, host.group(g.id()).orElseThrow(),"
        + " guest, aperture);");
    assertThat(page).contains("Read<Firmware> firmware = HostBuilder.snapshotFirmware(snapshot.value());");
  }

  @Test
  void aPolicyBuiltForAnotherApiVersionIsRefusedWithAMessage() throws Exception {
    Policy real = new Interpreter(
        PolicyCompiler.compile(ROOT.resolve("examples/policies/kernel-intel.resv")).policy().orElseThrow());
    Policy stale = new Policy() {
      @Override public String name() { return real.name(); }
      @Override public int apiVersion() { return Policy.API_VERSION + 1; }
      @Override public dev.resvc.runtime.policy.ClassifyDecision classify(dev.resvc.runtime.kernel.TargetKernel k,
          dev.resvc.runtime.model.Device d, int g, dev.resvc.runtime.model.Region r) { return real.classify(k, d, g, r); }
      @Override public dev.resvc.runtime.policy.ConflictDecision conflict(dev.resvc.runtime.kernel.TargetKernel k,
          dev.resvc.runtime.model.Region r, dev.resvc.runtime.guest.GuestRange g) { return real.conflict(k, r, g); }
    };
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Evaluator.checkApiVersion(stale));
    assertThat(e).hasMessageThat().contains("recompile the policy");
  }
}
