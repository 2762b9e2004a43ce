package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IortBuilder.map;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;
import static dev.resvc.runtime.firmware.IortBuilder.single;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.firmware.IortBuilder;
import dev.resvc.runtime.firmware.MadtBuilder;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.kernel.PciDmaAliases.BridgeKind;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ArmPlatformReader} on sysfs trees laid out as the kernel lays them out, and the regions the
 * host builder then gives: a conventional PCI card behind a PCIe-to-PCI bridge, on a HiSilicon Hi161x
 * SMMUv3 host with 64 KiB pages.
 */
class ArmPlatformReaderTest {
  @TempDir Path tmp;
  private final List<InputNote> notes = new ArrayList<>();

  private static final PciAddress ROOT_PORT = PciAddress.parse("0000:00:1c.0");
  private static final PciAddress BRIDGE = PciAddress.parse("0000:04:00.0");
  private static final PciAddress CARD = PciAddress.parse("0000:05:03.0");

  /**
   * 256 bytes of a bridge's config space as root reads it: capability list on (status bit 4), a
   * power-management capability at 0x40, then the PCI Express capability at 0x60 whose Device/Port
   * Type is {@code pcieType} (4 root port, 7 PCIe-to-PCI bridge).
   */
  static byte[] bridgeConfig(int pcieType) {
    byte[] c = new byte[256];
    c[0x06] = 0x10;
    c[0x0e] = 0x01; // header type 1: a bridge
    c[0x34] = 0x40;
    c[0x40] = 0x01;
    c[0x41] = 0x60;
    c[0x60] = 0x10;
    c[0x62] = (byte) (pcieType << 4 | 2);
    return c;
  }

  /** ITS group (ITS 0, 1) at 0x30, Hi161x SMMUv3 at 0x4c, root complex 1:1, RMR for stream 0x500 (bus 5). */
  private static byte[] iort() {
    IortBuilder b = IortBuilder.iort(5).its(0, 1);
    int smmu = b.offset();
    b.smmuV3(0x0b010000L, 1, map(0, 0xffff, 0, 0x30, 0));
    b.rootComplex(0, map(0, 0xffff, 0, smmu, 0));
    return b.rmr(0x11, ranges(range(0x84800800L, 0x1000L)), single(0x500, smmu)).build();
  }

  private SysfsFixture host(Path root, String groupOne) {
    SysfsFixture f = new SysfsFixture(root);
    f.pciDevice("0000:00:1c.0", 0x19e5, 0xa120, 0, 0, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:04:00.0", 0x12d8, 0xe113, 0, 0, 0x060401, null);
    f.pciDevice("0000:00:1c.0/0000:04:00.0/0000:05:03.0", 0x10b5, 0x9054, 0, 0, 0x028000, null);
    f.write("devices/pci0000:00/0000:00:1c.0/config", bridgeConfig(4));
    f.write("devices/pci0000:00/0000:00:1c.0/0000:04:00.0/config", bridgeConfig(7));
    f.write(ArmPlatformReader.HPAGE_PMD_SIZE, "536870912\n");
    f.acpiTable("IORT", iort());
    f.acpiTable("APIC", MadtBuilder.gicIts(0, 0x202100000L));
    f.group(0, "DMA", "0x0000000008000000 0x00000000080fffff msi\n0x0000000202110000 0x000000020211ffff msi\n",
        "0000:00:1c.0");
    f.group(1, "DMA", groupOne, "0000:04:00.0", "0000:05:03.0");
    return f;
  }

  /** What Linux shows for group 1: SW_MSI, the RMR rounded to one 64 KiB page, the ITS 0 page. */
  private static final String GROUP_ONE = "0x0000000008000000 0x00000000080fffff msi\n"
      + "0x0000000084800000 0x000000008480ffff direct-relaxable\n"
      + "0x0000000202110000 0x000000020211ffff msi\n";

  @Test
  void pageSizeMadtAndBridgeKindsAreRead() throws Exception {
    host(tmp, GROUP_ONE);
    ArmPlatform p = Notes.keep(ArmPlatformReader.read(Notes.keep(SysfsReader.read(tmp), notes)), notes);

    assertThat(p.pageSize()).hasValue(0x10000L);
    assertThat(p.madt().orElseThrow().its(0).orElseThrow().baseAddress()).isEqualTo(0x202100000L);
    assertThat(p.bridgeKinds()).containsExactly(ROOT_PORT, BridgeKind.PCIE_PORT, BRIDGE, BridgeKind.PCIE_TO_PCI);
  }

  /**
   * The card's alias 0x500 (the PCIe-to-PCI bridge's secondary bus) selects the RMR, rounded to a
   * 64 KiB page; the Hi161x SMMU adds ITS 0's translation page; ITS 1 is not in the MADT (a note).
   */
  @Test
  void theHostGivesTheCardItsAliasRmrAndTheItsPage() throws Exception {
    host(tmp, GROUP_ONE);
    Host host = build(tmp);

    assertThat(warnings()).isEmpty();
    IommuGroup.Member card = host.group(1).orElseThrow().member(CARD).orElseThrow();
    assertThat(card.regions().stream().map(Region::toSysfsLine).toList()).containsExactly(
        "0x0000000008000000 0x00000000080fffff msi", "0x0000000202110000 0x000000020211ffff msi",
        "0x0000000084800000 0x000000008480ffff direct-relaxable").inOrder();
    assertThat(notes.stream().map(InputNote::message).toList()).contains("ITS group at 0x30 names ITS 1, which"
        + " the MADT does not list: the kernel reserves no msi region for it (iort_find_its_base fails)");
  }

  /** A snapshot copies hpage_pmd_size and the bridges' config, so the copy gives the same regions. */
  @Test
  void aSnapshotKeepsWhatTheArmRegionsDependOn() throws Exception {
    Path live = tmp.resolve("live");
    host(live, GROUP_ONE);
    Path copy = tmp.resolve("copy");
    Notes.keep(SnapshotWriter.write(live, copy), notes);

    assertThat(build(copy).groups()).isEqualTo(build(live).groups());
    ArmPlatform p = Notes.keep(ArmPlatformReader.read(Notes.keep(SysfsReader.read(copy), notes)), notes);
    assertThat(p.pageSize()).hasValue(0x10000L);
    assertThat(p.bridgeKinds()).containsEntry(BRIDGE, BridgeKind.PCIE_TO_PCI);
    assertThat(warnings()).isEmpty();
  }

  private Host build(Path root) throws InputException {
    SysfsSnapshot s = Notes.keep(SysfsReader.read(root), notes);
    return Notes.keep(HostBuilder.withFirmware(s, "hi1616", Notes.keep(HostBuilder.snapshotFirmware(s), notes)),
        notes);
  }

  private List<String> warnings() {
    return notes.stream().filter(n -> n.level() == InputNote.Level.WARNING).map(InputNote::render)
        .filter(w -> !w.contains("[Firmware Bug]: RMR descriptor")).toList();
  }

  /** Without the page size and bridge kinds (a user's non-root read): 4 KiB assumed, bridges taken as ports. */
  @Test
  void withoutThemTheAnswerSaysWhatItAssumed() throws Exception {
    host(tmp, GROUP_ONE);
    new SysfsFixture(tmp).delete(ArmPlatformReader.HPAGE_PMD_SIZE)
        .write("devices/pci0000:00/0000:00:1c.0/0000:04:00.0/config", Arrays.copyOf(bridgeConfig(7), 64));
    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);
    ArmPlatform p = Notes.keep(ArmPlatformReader.read(s), notes);

    assertThat(p.pageSize()).isEmpty();
    assertThat(p.bridgeKinds()).doesNotContainKey(BRIDGE);
    build(tmp);
    assertThat(notes.stream().map(InputNote::message).toList()).contains("bridge 0000:04:00.0 above 0000:05:03.0 is"
        + " of unknown kind (sysfs showed no PCI Express capability for it): taken as a PCIe port, which adds no DMA"
        + " alias; were it a PCIe-to-PCI or conventional bridge, alias 0x500 (stream ID 0x500) would add RMR regions"
        + " (pci_for_each_dma_alias)");
  }

  @Test
  void aGarbledPmdSizeIsOneLineNamingTheFile() {
    host(tmp, GROUP_ONE).write(ArmPlatformReader.HPAGE_PMD_SIZE, "two megabytes\n");
    InputException e = assertThrows(InputException.class,
        () -> ArmPlatformReader.read(Notes.keep(SysfsReader.read(tmp), notes)));
    assertThat(e.source()).endsWith(ArmPlatformReader.HPAGE_PMD_SIZE);
    assertThat(e.detail()).isEqualTo("'two megabytes' is not a size in bytes as the kernel prints it (e.g. 2097152)");
  }

  @Test
  void aPmdSizeOfNoArm64PageSizeLeavesItUnknownWithANote() throws Exception {
    host(tmp, GROUP_ONE).write(ArmPlatformReader.HPAGE_PMD_SIZE, "1048576\n");
    ArmPlatform p = Notes.keep(ArmPlatformReader.read(Notes.keep(SysfsReader.read(tmp), notes)), notes);
    assertThat(p.pageSize()).isEmpty();
    assertThat(notes.stream().map(InputNote::message).toList()).contains("1048576 is not an arm64 PMD size (2 MiB,"
        + " 32 MiB or 512 MiB with 4, 16 or 64 KiB pages): the kernel's page size stays unknown");
  }

  /** pci_find_capability over the bytes read: no list → not PCIe; a list leading past them → unknown. */
  @Test
  void bridgeKindFromConfigSpace() {
    assertThat(ArmPlatformReader.kind(bridgeConfig(6))).hasValue(BridgeKind.PCIE_PORT);
    assertThat(ArmPlatformReader.kind(bridgeConfig(8))).hasValue(BridgeKind.PCI_TO_PCIE);
    byte[] noList = bridgeConfig(7);
    noList[0x06] = 0;
    assertThat(ArmPlatformReader.kind(noList)).hasValue(BridgeKind.CONVENTIONAL);
    byte[] pmOnly = bridgeConfig(7);
    pmOnly[0x41] = 0;
    assertThat(ArmPlatformReader.kind(pmOnly)).hasValue(BridgeKind.CONVENTIONAL);
    byte[] firstSixtyFour = Arrays.copyOf(bridgeConfig(7), 64);
    assertThat(ArmPlatformReader.kind(firstSixtyFour)).isEqualTo(Optional.empty());
    byte[] loop = bridgeConfig(7);
    loop[0x41] = 0x40; // the kernel gives up after 48 (PCI_FIND_CAP_TTL): not PCIe
    assertThat(ArmPlatformReader.kind(loop)).hasValue(BridgeKind.CONVENTIONAL);
  }
}
