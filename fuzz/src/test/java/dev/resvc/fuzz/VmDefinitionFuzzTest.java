package dev.resvc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.vmm.LibvirtDomainReader;
import dev.resvc.runtime.vmm.QemuCommandLineReader;
import dev.resvc.runtime.vmm.VmDefinition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What {@code resvc check --domain} and {@code --qemu-cmdline} read, fed arbitrary bytes: a libvirt
 * domain XML (DOCTYPEs refused, so no entity is expanded) and a QEMU command line, each taken on to
 * the guest map its machine type, RAM and options give, for an Intel, an AMD and an unknown host. A
 * refusal must be an {@link InputException} in one clean line; anything else that escapes, or a call
 * that runs for seconds, is a finding.
 */
class VmDefinitionFuzzTest {
  private static final String SOURCE = "fuzzed.xml";

  @FuzzTest
  void libvirtDomain(byte[] data) {
    VmDefinition vm;
    try {
      vm = LibvirtDomainReader.read(data, SOURCE);
    } catch (InputException e) {
      Refusals.requireOneCleanLine(e);
      return;
    }
    layOut(vm);
  }

  @FuzzTest
  void qemuCommandLine(byte[] data) {
    VmDefinition vm;
    try {
      vm = QemuCommandLineReader.read(new String(data, StandardCharsets.UTF_8), SOURCE);
    } catch (InputException e) {
      Refusals.requireOneCleanLine(e);
      return;
    }
    layOut(vm);
  }

  private static void layOut(VmDefinition vm) {
    Refusals.requireCleanTexts(vm.notes());
    for (Optional<Boolean> amdHost : List.of(Optional.of(false), Optional.of(true), Optional.<Boolean>empty())) {
      try {
        Refusals.requireCleanTexts(vm.guest(amdHost).notes());
      } catch (InputException e) {
        Refusals.requireOneCleanLine(e);
      }
    }
  }
}
