package dev.resvc.runtime.vmm;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import org.junit.jupiter.api.Test;

class QemuCommandLineReaderTest {
  private static VmDefinition read(String text) throws InputException {
    return QemuCommandLineReader.read(text, "vm.sh");
  }

  private static String refused(String text) {
    return assertThrows(InputException.class, () -> read(text)).getMessage();
  }

  @Test
  void aScriptWithContinuationsQuotesAndComments() throws Exception {
    VmDefinition vm = read("""
        #!/bin/sh
        # a GPU guest
        exec /usr/bin/qemu-system-x86_64 \\
          -enable-kvm -machine q35,accel=kvm \\
          -cpu EPYC-v4,+topoext \\
          -m 16G \\
          -name "gpu guest" \\
          -device 'vfio-pci,host=0000:01:00.0,id=gpu' \\
          -device vfio-pci,host=01:00.1 \\
          -device "vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:02:00.0" \\
          -device virtio-net-pci,netdev=n0
        """);
    assertThat(vm.origin()).isEqualTo(VmDefinition.Origin.QEMU_COMMAND_LINE);
    assertThat(vm.arch()).hasValue("x86_64");
    assertThat(vm.machine()).isEqualTo("q35");
    assertThat(vm.machineAt()).isEqualTo(Position.line(4, 24));
    assertThat(vm.cpu()).hasValue("EPYC-v4");
    assertThat(vm.ramBytes()).isEqualTo(16L << 30);
    assertThat(vm.devices().stream().map(VmDefinition.AssignedDevice::address).toList()).containsExactly(
        PciAddress.of(0, 1, 0, 0), PciAddress.of(0, 1, 0, 1), PciAddress.of(0, 2, 0, 0)).inOrder();
    assertThat(vm.devices().get(0).alias()).hasValue("gpu");
    assertThat(vm.devices().get(1).at()).isEqualTo(Position.line(9, 11));
    assertThat(vm.notes()).isEmpty();
  }

  @Test
  void dashMReadsMibWithoutASuffixAsQemuDoes() throws Exception {
    assertThat(read("qemu-system-x86_64 -m 16384").ramBytes()).isEqualTo(16L << 30);
    assertThat(read("qemu-system-x86_64 -m size=2G,slots=4,maxmem=32G").ramBytes()).isEqualTo(2L << 30);
    assertThat(read("qemu-system-x86_64 -m 1024M").ramBytes()).isEqualTo(1L << 30);
    assertThat(read("qemu-system-x86_64 -M pc-i440fx-8.2").ramBytes()).isEqualTo(128L << 20);
    assertThat(read("qemu-system-x86_64 -M pc-i440fx-8.2").notes()).contains("no -m: QEMU's default RAM, 128M");
    assertThat(read("qemu-system-x86_64 -machine type=pc,max-ram-below-4g=2G -m 4G").maxRamBelow4g().getAsLong())
        .isEqualTo(2L << 30);
  }

  @Test
  void malformedKnownOptionsArePositioned() {
    assertThat(refused("qemu-system-x86_64 \\\n  -m lots")).isEqualTo(
        "vm.sh:2:6: -m: 'lots' is not a size QEMU reads here (e.g. 16G, 16384 for MiB, 0x1000)");
    assertThat(refused("qemu-system-x86_64 -m $MEM")).startsWith("vm.sh:1:23: -m: '$MEM' is not a size");
    assertThat(refused("qemu-system-x86_64 -m 99999999999999999999G")).contains("is not a size");
    assertThat(refused("qemu-system-x86_64 -device vfio-pci,host=01:00.8")).startsWith(
        "vm.sh:1:28: -device vfio-pci: '01:00.8': function 8 is above 7");
    assertThat(refused("qemu-system-x86_64 -device vfio-pci,id=x")).contains("names no host device");
    assertThat(refused("qemu-system-x86_64 -machine")).isEqualTo("vm.sh:1:20: -machine needs a value");
    assertThat(refused("qemu-system-x86_64 -name 'unclosed")).isEqualTo(
        "vm.sh:1:26: the single quote here is never closed");
    assertThat(refused("qemu-system-aarch64 -m 4G")).contains("has no default machine type");
    assertThat(refused("qemu-system-x86_64 -M isapc")).startsWith("vm.sh:1:23: machine type 'isapc'");
    assertThat(refused("qemu-system-x86_64 -m 0")).contains("a guest needs some RAM");
  }

  @Test
  void noMachineIsQemusPcDefault() throws Exception {
    VmDefinition vm = read("qemu-system-x86_64 -m 4G");
    assertThat(vm.machine()).isEqualTo("pc");
    assertThat(vm.guest(java.util.Optional.of(false)).layout().name()).isEqualTo("pc,ram=4G");
  }

  @Test
  void maxRamBelow4gAbove4GIsRefusedAtTheMachine() throws Exception {
    // Found by VmDefinitionFuzzTest: QEMU refuses it (pc_machine_set_max_ram_below_4g, "expects size
    // less than or equal to 4G"), and so does QemuMachine.Memory, whose refusal escaped unchecked.
    VmDefinition vm = read("qemu-system-x86_64 -machine q35,max-ram-below-4g=5G -m 16G");
    InputException e = assertThrows(InputException.class, () -> vm.guest(java.util.Optional.of(false)));
    assertThat(e.getMessage()).isEqualTo("vm.sh:1:29: max-ram-below-4g=5G is above 4G, which QEMU refuses");
  }
}
