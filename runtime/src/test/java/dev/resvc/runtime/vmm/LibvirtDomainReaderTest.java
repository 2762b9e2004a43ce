package dev.resvc.runtime.vmm;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.AddressRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibvirtDomainReaderTest {
  private static final Path LIBVIRT = Path.of("src/test/resources/dev/resvc/runtime/vmm/libvirt");

  private static VmDefinition read(String xml) throws InputException {
    return LibvirtDomainReader.read(xml.getBytes(StandardCharsets.UTF_8), "dom.xml");
  }

  private static InputException refused(String xml) {
    return assertThrows(InputException.class, () -> read(xml));
  }

  private static VmDefinition file(String name) throws IOException, InputException {
    return LibvirtDomainReader.read(Files.readAllBytes(LIBVIRT.resolve(name)), name);
  }

  private static List<PciAddress> addresses(VmDefinition vm) {
    return vm.devices().stream().map(VmDefinition.AssignedDevice::address).toList();
  }

  /** libvirt's tests/qemuxmlconfdata files, verbatim (README.md beside them). */
  @Test
  void libvirtsOwnTestDomainsParse() throws Exception {
    VmDefinition vfio = file("hostdev-vfio.xml");
    assertThat(vfio.name()).hasValue("QEMUGuest2");
    assertThat(vfio.machine()).isEqualTo("pc");
    assertThat(vfio.arch()).hasValue("x86_64");
    assertThat(vfio.ramBytes()).isEqualTo(219100L * 1024);
    assertThat(addresses(vfio)).containsExactly(PciAddress.of(0, 6, 0x12, 1), PciAddress.of(0, 6, 0x12, 2),
        PciAddress.of(0, 6, 0x12, 3), PciAddress.of(0, 6, 0x12, 4)).inOrder();
    // The JDK parser places an element just past its start tag: line 29 holds the first <address/>.
    assertThat(vfio.devices().get(0).at()).isEqualTo(Position.line(29, 73));
    assertThat(vfio.guest(INTEL).layout().ramSize().longValue()).isEqualTo(219100L * 1024);

    for (String name : List.of("hostdev-pci-address.xml", "hostdev-pci-address-device.xml")) {
      VmDefinition one = file(name);
      assertThat(one.arch()).hasValue("i686");
      assertThat(addresses(one)).containsExactly(PciAddress.of(0, 6, 0x12, 5));
    }

    VmDefinition vf = file("net-hostdev-multidomain.xml");
    assertThat(addresses(vf)).containsExactly(PciAddress.of(0x2424, 0x21, 0x1c, 6));
    assertThat(vf.devices().get(0).written()).isEqualTo("<interface type='hostdev'>");
    assertThat(vf.ramBytes()).isEqualTo(219136L * 1024);
  }

  private static String domain(String memory, String extra) {
    return "<domain type='kvm'>\n  <name>vm</name>\n  " + memory + "\n"
        + "  <os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os>\n" + extra + "\n</domain>\n";
  }

  @Test
  void unitsAreLibvirtsVirScaleInteger() throws Exception {
    assertThat(read(domain("<memory>1024</memory>", "")).ramBytes()).isEqualTo(1L << 20);
    assertThat(read(domain("<memory unit='GiB'>16</memory>", "")).ramBytes()).isEqualTo(16L << 30);
    assertThat(read(domain("<memory unit='G'>16</memory>", "")).ramBytes()).isEqualTo(16L << 30);
    assertThat(read(domain("<memory unit='gib'>1</memory>", "")).ramBytes()).isEqualTo(1L << 30);
    // 10^9 bytes, rounded up to whole KiB as libvirt does
    assertThat(read(domain("<memory unit='MB'>1000</memory>", "")).ramBytes()).isEqualTo(1_000_000_512L);
    assertThat(read(domain("<memory unit='bytes'>1</memory>", "")).ramBytes()).isEqualTo(1024);
    assertThat(read(domain("<memory unit='b'>4096</memory>", "")).ramBytes()).isEqualTo(4096);
    assertThat(read(domain("<memory unit='TiB'>1</memory>", "")).ramBytes()).isEqualTo(1L << 40);
    assertThat(read(domain("<memory unit='KB'>1024</memory>", "")).ramBytes()).isEqualTo(1024000);
  }

  @Test
  void badUnitsAndValuesArePositioned() {
    assertThat(refused(domain("<memory unit='GiBs'>16</memory>", "")).getMessage())
        .isEqualTo("dom.xml:3:23: <memory>: unknown unit 'GiBs' (libvirt accepts b, bytes, KB, k, KiB, MB, M, MiB,"
            + " GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E, EiB)");
    assertThat(refused(domain("<memory unit='KiB'>-5</memory>", "")).getMessage()).contains("is not a whole number");
    assertThat(refused(domain("<memory unit='KiB'>0x10</memory>", "")).getMessage()).contains("is not a whole number");
    assertThat(refused(domain("<memory unit='EiB'>16</memory>", "")).getMessage())
        .isEqualTo("dom.xml:3:22: <memory> 16 EiB is past libvirt's limit of 2^63 - 1 bytes (virMemoryMaxValue)");
    assertThat(refused(domain("<memory>99999999999999999999999999</memory>", "")).getMessage())
        .contains("is past libvirt's limit of 2^63 - 1 bytes");
    assertThat(refused(domain("<memory>0</memory>", "")).getMessage()).contains("leaves no boot RAM");
  }

  @Test
  void numaCellsDecideTheRamAsLibvirtDoes() throws Exception {
    VmDefinition vm = read(domain("<memory unit='GiB'>8</memory>",
        "<cpu mode='host-passthrough'><numa><cell id='0' cpus='0' memory='4' unit='GiB'/>"
            + "<cell id='1' cpus='1' memory='2097152'/></numa></cpu>"));
    assertThat(vm.ramBytes()).isEqualTo(6L << 30);
    assertThat(vm.cpu()).hasValue("host-passthrough");
    assertThat(vm.notes()).contains("<memory> 8G differs from the NUMA cells' 6G: libvirt uses the cells' sum"
        + " (virDomainDefPostParseMemory)");
  }

  @Test
  void notesWhatDoesNotChangeTheMap() throws Exception {
    VmDefinition vm = read(domain("<memory unit='GiB'>16</memory><currentMemory unit='GiB'>8</currentMemory>"
        + "<maxMemory slots='4' unit='GiB'>32</maxMemory><memoryBacking><hugepages/></memoryBacking>",
        "<devices><memory model='dimm'><target><size unit='GiB'>2</size><node>0</node></target></memory>"
            + "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/></source></hostdev></devices>"));
    assertThat(vm.ramBytes()).isEqualTo(14L << 30);
    assertThat(vm.notes()).hasSize(5);
    assertThat(String.join("\n", vm.notes())).contains("currentMemory 8G: the balloon's target");
    assertThat(String.join("\n", vm.notes())).contains("hugepages");
    assertThat(String.join("\n", vm.notes())).contains("type='usb'");
    assertThat(vm.devices()).isEmpty();
  }

  @Test
  void addressesAreReadAsStrtoulBaseZero() throws Exception {
    VmDefinition vm = read(domain("<memory>4194304</memory>", "<devices>"
        + "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='10' slot='0x1f' function='07'/>"
        + "</source><alias name='hostdev0'/></hostdev></devices>"));
    assertThat(addresses(vm)).containsExactly(PciAddress.of(0, 10, 0x1f, 7));
    assertThat(vm.devices().get(0).alias()).hasValue("hostdev0");
    assertThat(refused(domain("<memory>1</memory>", "<devices><hostdev mode='subsystem' type='pci'><source>"
        + "<address domain='0x0000' bus='0x100' slot='0' function='0'/></source></hostdev></devices>")).getMessage())
        .contains("PCI address bus='0x100' is out of range (0 to 0xff;");
    assertThat(refused(domain("<memory>1</memory>", "<devices><hostdev mode='subsystem' type='pci'><source>"
        + "<address bus='0x1' slot='0x20'/></source></hostdev></devices>")).getMessage())
        .contains("slot='0x20' is out of range (0 to 0x1f;");
    assertThat(refused(domain("<memory>1</memory>", "<devices><hostdev mode='subsystem' type='pci'><source>"
        + "<address bus='zz'/></source></hostdev></devices>")).getMessage()).contains("bus='zz' is not a number");
    assertThat(refused(domain("<memory>1</memory>", "<devices><hostdev mode='subsystem' type='pci'>"
        + "</hostdev></devices>")).getMessage()).contains("<hostdev> has no <source><address");
  }

  @Test
  void qemuCommandLinePassThroughAddsDevicesAndTheSplit() throws Exception {
    VmDefinition vm = read("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
        + "<memory unit='GiB'>8</memory><os><type machine='q35'>hvm</type></os>"
        + "<qemu:commandline><qemu:arg value='-machine'/><qemu:arg value='max-ram-below-4g=1G'/>"
        + "<qemu:arg value='-device'/><qemu:arg value='vfio-pci,host=01:00.0,id=gpu'/></qemu:commandline></domain>");
    assertThat(vm.maxRamBelow4g().getAsLong()).isEqualTo(1L << 30);
    assertThat(addresses(vm)).containsExactly(PciAddress.of(0, 1, 0, 0));
    assertThat(vm.devices().get(0).alias()).hasValue("gpu");
  }

  private static final Optional<Boolean> INTEL = Optional.of(false);
  private static final Optional<Boolean> AMD = Optional.of(true);

  @Test
  void machineTypesAreLaidOutByQemuMachine() throws Exception {
    VmDefinition q35 = read(domain("<memory unit='GiB'>16</memory>", ""));
    assertThat(q35.guest(INTEL).layout().name()).isEqualTo("pc-q35-8.2,ram=16G");
    assertThat(q35.guest(INTEL).layout().ramSize().longValue()).isEqualTo(16L << 30);
    assertThat(q35.guest(INTEL).layout().ranges(GuestKind.RAM)).hasSize(2);
    assertThat(q35.guest(INTEL).notes()).isEmpty();
    assertThat(refused("<domain><memory>1024</memory><os><type machine='microvm'>hvm</type></os></domain>")
        .getMessage()).startsWith("dom.xml:1:58: machine type 'microvm' has no memory map in resvc");
    assertThat(refused("<domain><memory>1024</memory><os><type machine='pc-q35-1.3'>hvm</type></os></domain>")
        .getMessage()).contains("QEMU has no machine type 'pc-q35-1.3'");
  }

  @Test
  void maxRamBelow4gMovesTheSplit() throws Exception {
    VmDefinition vm = read("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
        + "<memory unit='GiB'>8</memory><os><type machine='pc-q35-8.2'>hvm</type></os>"
        + "<qemu:commandline><qemu:arg value='-machine'/><qemu:arg value='max-ram-below-4g=1G'/>"
        + "</qemu:commandline></domain>");
    List<GuestRange> ram = vm.guest(INTEL).layout().ranges(GuestKind.RAM);
    // pc_q35_init: lowmem = max-ram-below-4g when it is set, the rest from 4 GiB.
    assertThat(ram.get(0).range()).isEqualTo(AddressRange.of(0, (1L << 30) - 1));
    assertThat(ram.get(1).range().start()).isEqualTo(1L << 32);
    assertThat(ram.get(1).range().size().longValue()).isEqualTo(7L << 30);
  }

  @Test
  void anAmdHostGetsTheOneTerabyteMoveFromQemu71() throws Exception {
    // 1020 GiB: 2 GiB below 4 GiB (q35's split above 2.75 GiB of RAM), 1018 GiB from 4 GiB would reach
    // 0xfd00000000, so on an AMD vCPU QEMU 7.1+ starts it at 1 TiB (pc_memory_init).
    VmDefinition big = read(domain("<memory unit='GiB'>1020</memory>", "").replace("machine='pc-q35-8.2'",
        "machine='pc-q35-8.2'"));
    assertThat(highRamStart(big.guest(AMD))).isEqualTo(1L << 40);
    assertThat(big.guest(AMD).notes()).containsExactly("AMD host: KVM gives the vCPU the host's vendor, so QEMU"
        + " reserves the HyperTransport window at 0xfd00000000 and starts RAM above 4 GiB at 1 TiB (pc_memory_init,"
        + " enforce_amd_1tb_hole)");
    assertThat(highRamStart(big.guest(INTEL))).isEqualTo(1L << 32);
    assertThat(highRamStart(big.guest(Optional.empty()))).isEqualTo(1L << 32);
    assertThat(big.guest(Optional.empty()).notes().get(0)).startsWith("the host's CPU vendor is not known");
    VmDefinition old = read(domain("<memory unit='GiB'>1020</memory>", "").replace("machine='pc-q35-8.2'",
        "machine='pc-q35-7.0'"));
    assertThat(highRamStart(old.guest(AMD))).isEqualTo(1L << 32);
    assertThat(old.guest(AMD).notes()).isEmpty();
    assertThat(read(domain("<memory unit='GiB'>16</memory>", "")).guest(AMD).notes()).containsExactly("AMD host:"
        + " KVM gives the vCPU the host's vendor, so QEMU reserves the HyperTransport window at 0xfd00000000"
        + " (pc_memory_init)");
  }

  @Test
  void aDistributionsOwnTypeIsLaidOutOnlyWhenEveryUpstreamVersionAgrees() throws Exception {
    VmDefinition rhel = read(domain("<memory unit='GiB'>16</memory>", "").replace("machine='pc-q35-8.2'",
        "machine='pc-q35-rhel9.4.0'"));
    VmDefinition.Guest guest = rhel.guest(INTEL);
    assertThat(guest.machine().name()).isEqualTo("pc-q35-10.2");
    assertThat(guest.notes()).containsExactly("machine type 'pc-q35-rhel9.4.0' is a distribution's own: laid out"
        + " as pc-q35-10.2, whose RAM map every upstream version from 2.0 on shares");
    assertThat(rhel.guest(AMD).notes().get(0)).endsWith("; upstream versions differ in " + htName(rhel)
        + ", taken as pc-q35-10.2 has it");
    VmDefinition huge = read(domain("<memory unit='GiB'>1020</memory>", "").replace("machine='pc-q35-8.2'",
        "machine='pc-q35-rhel9.4.0'"));
    assertThat(huge.guest(INTEL).layout().ranges(GuestKind.RAM)).hasSize(2);
    InputException e = assertThrows(InputException.class, () -> huge.guest(AMD));
    assertThat(e.getMessage()).contains("upstream's RAM maps for this RAM differ by version (pc-q35-2.0 and pc-q35-10.2)");
  }

  /** The name of the range the AMD layout has at the HyperTransport window. */
  private static String htName(VmDefinition vm) throws InputException {
    return vm.guest(AMD).layout().ranges().stream().filter(r -> r.range().start() == 0xfd00000000L)
        .findFirst().orElseThrow().name();
  }

  private static long highRamStart(VmDefinition.Guest guest) {
    return guest.layout().ranges(GuestKind.RAM).get(1).range().start();
  }

  @Test
  void xxeIsRefusedAtTheDoctype() {
    InputException e = refused("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>\n"
        + "<domain><name>&xxe;</name><memory>1</memory></domain>");
    assertThat(e.getMessage()).startsWith("dom.xml:2:");
    assertThat(e.getMessage()).contains("has a DOCTYPE");
  }

  @Test
  void billionLaughsIsRefusedBeforeAnyExpansion() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE domain [<!ENTITY a0 'lol'>");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY a").append(i).append(" '").append(("&a" + (i - 1) + ";").repeat(10)).append("'>");
    }
    dtd.append("]>");
    InputException e = refused(dtd + "\n<domain><name>&a9;</name></domain>");
    assertThat(e.getMessage()).contains("has a DOCTYPE");
  }

  @Test
  void anUndeclaredEntityIsMalformedXml() {
    assertThat(refused("<domain><name>&xxe;</name></domain>").getMessage()).startsWith("dom.xml:1:");
  }

  @Test
  void truncatedAndEmptyXmlArePositioned() {
    InputException truncated = refused("<domain type='kvm'>\n  <memory unit='GiB'>4</memory>\n  <devices>\n");
    assertThat(truncated.getMessage()).startsWith("dom.xml:");
    assertThat(truncated.getMessage()).contains("malformed XML");
    assertThat(truncated.getMessage()).doesNotContain("\n");
    assertThat(refused("").getMessage()).contains("malformed XML");
    assertThat(refused("<network/>").getMessage())
        .isEqualTo("dom.xml:1:11: is not a libvirt domain: the root element is <network>, not <domain>");
  }

  @Test
  void aFifoOrDevZeroIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("dom.fifo");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    assertThat(assertThrows(InputException.class, () -> InputFiles.read(fifo, "dom.fifo", InputLimits.TEXT_INPUT))
        .getMessage()).contains("is not a regular file");
    assertThat(assertThrows(InputException.class,
        () -> InputFiles.read(Path.of("/dev/zero"), "/dev/zero", InputLimits.TEXT_INPUT)).getMessage())
        .contains("is not a regular file");
  }
}
