package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.AcpiNode;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.testing.Notes;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SysfsReaderTest {
  @TempDir Path tmp;

  private final List<InputNote> notes = new ArrayList<>();

  private static PciAddress a(String s) {
    return PciAddress.parse(s);
  }

  private static Region sysfs(long start, long end, RegionType type) {
    return Region.ofInclusive(start, end, type, Prot.NONE, RegionSource.SYSFS);
  }

  private static final Region MSI = sysfs(0xfee00000L, 0xfeefffffL, RegionType.MSI);

  @Test
  void readsTheLaptopDevices() throws Exception {
    SysfsSnapshot s = Notes.keep(SysfsReader.read(SysfsFixture.laptop(tmp).root()), notes);

    assertThat(notes).isEmpty();
    assertThat(s.root()).isEqualTo(tmp);
    assertThat(s.devices().stream().map(PciDevice::address).toList())
        .containsExactly(a("00:00.0"), a("00:02.0"), a("00:14.0"), a("00:1c.0"), a("00:1f.0"), a("00:1f.4"),
            a("02:00.0"))
        .inOrder();
    assertThat(s.device(a("00:14.0")).get()).isEqualTo(new PciDevice(
        a("00:14.0"), 0x8086, 0xa0ed, 0x17aa, 0x22d8, 0x0c0330, Optional.of("xhci_hcd"), false, List.of()));
    assertThat(s.device(a("00:00.0")).get().driver()).isEmpty();
    assertThat(s.device(a("00:1f.0")).get().driver()).isEmpty();
    assertThat(s.device(a("00:02.0")).get().driver()).hasValue("i915");
    assertThat(s.device(a("00:1f.4")).get().driver()).hasValue("i801_smbus");
  }

  @Test
  void nvmeBelowTheRootPortHasItAsUpstreamBridge() throws Exception {
    SysfsSnapshot s = Notes.keep(SysfsReader.read(SysfsFixture.laptop(tmp).root()), notes);

    PciDevice nvme = s.device(a("02:00.0")).get();
    assertThat(nvme).isEqualTo(new PciDevice(
        a("02:00.0"), 0x144d, 0xa80a, 0x144d, 0xa801, 0x010802, Optional.of("nvme"), false, List.of(a("00:1c.0"))));
    assertThat(nvme.isDownstreamOf(a("00:1c.0"))).isTrue();
    assertThat(nvme.rootBus()).isEqualTo(0);
    PciDevice rootPort = s.device(a("00:1c.0")).get();
    assertThat(rootPort.bridge()).isTrue();
    assertThat(rootPort.upstreamBridges()).isEmpty();
    // Non-PCI child directories (drm/, usb1/) do not make a device a bridge; an ISA bridge is no PCI bridge.
    assertThat(s.device(a("00:02.0")).get().bridge()).isFalse();
    assertThat(s.device(a("00:14.0")).get().bridge()).isFalse();
    assertThat(s.device(a("00:1f.0")).get().bridge()).isFalse();
  }

  @Test
  void aDirectoryWithPciChildrenIsABridgeWhateverItsClass() throws Exception {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:01.0", 0x1022, 0x1633, 0, 0, 0x068000, null);
    f.pciDevice("0000:00:01.0/0000:01:00.0", 0x10de, 0x2520, 0, 0, 0x030000, "nouveau");
    f.pciDevice("0000:00:01.0/0000:01:00.0/0000:02:00.0", 0x10de, 0x228e, 0, 0, 0x040300, null);

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.device(a("00:01.0")).get().bridge()).isTrue();
    assertThat(s.device(a("01:00.0")).get().bridge()).isTrue();
    assertThat(s.device(a("02:00.0")).get().bridge()).isFalse();
    assertThat(s.device(a("02:00.0")).get().upstreamBridges()).containsExactly(a("00:01.0"), a("01:00.0")).inOrder();
  }

  @Test
  void readsTheLaptopGroups() throws Exception {
    SysfsSnapshot s = Notes.keep(SysfsReader.read(SysfsFixture.laptop(tmp).root()), notes);

    assertThat(s.groups().stream().map(SysfsGroup::id).toList()).containsExactly(0, 1, 2, 3, 4, 5).inOrder();
    assertThat(s.group(0).get()).isEqualTo(new SysfsGroup(0, Optional.of("DMA-FQ"), List.of(a("00:02.0")),
        List.of(sysfs(0x7b800000L, 0x7fffffffL, RegionType.DIRECT_RELAXABLE), MSI), false));
    assertThat(s.group(2).get().reservedRegions())
        .containsExactly(sysfs(0x3e2e0000L, 0x3e2fffffL, RegionType.DIRECT_RELAXABLE), MSI).inOrder();
    assertThat(s.group(4).get().devices()).containsExactly(a("00:1f.0"), a("00:1f.4")).inOrder();
    assertThat(s.group(4).get().reservedRegions())
        .containsExactly(sysfs(0, 0xffffffL, RegionType.DIRECT_RELAXABLE), MSI).inOrder();
    assertThat(s.group(5).get().devices()).containsExactly(a("02:00.0"));
    assertThat(s.group(5).get().reservedRegions()).containsExactly(MSI);
    for (SysfsGroup g : s.groups()) {
      assertThat(g.truncated()).isFalse();
      assertThat(g.domainType()).hasValue("DMA-FQ");
    }
    assertThat(s.acpiTables().keySet()).containsExactly("DMAR");
    assertThat(s.acpiTable("DMAR").get()).isEqualTo(SysfsFixture.dmarBytes());
  }

  @Test
  void groupMembersComeInAddressOrderNotDirectoryOrder() throws Exception {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:1f.5", 0x8086, 0xa0a4, 0, 0, 0x0c8000, null);
    f.pciDevice("0000:00:1f.3", 0x8086, 0xa0c8, 0, 0, 0x040380, "snd_hda_intel");
    f.pciDevice("0000:00:1f.0", 0x8086, 0xa082, 0, 0, 0x060100, null);
    f.group(9, null, SysfsFixture.ISA_FLOPPY + SysfsFixture.MSI, "0000:00:1f.5", "0000:00:1f.3", "0000:00:1f.0");

    SysfsGroup g = Notes.keep(SysfsReader.read(tmp), notes).group(9).get();

    assertThat(g.devices()).containsExactly(a("00:1f.0"), a("00:1f.3"), a("00:1f.5")).inOrder();
    assertThat(g.domainType()).isEmpty();
  }

  @Test
  void toHostWithoutFirmwareMakesSysfsLinesGroupRegions() throws Exception {
    SysfsSnapshot s = Notes.keep(SysfsReader.read(SysfsFixture.laptop(tmp).root()), notes);

    Host host = s.toHostWithoutFirmware("laptop");

    assertThat(host.name()).isEqualTo("laptop");
    assertThat(host.devices()).isEqualTo(s.devices());
    assertThat(host.groups()).hasSize(6);
    IommuGroup isa = host.groupOf(a("00:1f.4")).get();
    assertThat(isa.id()).isEqualTo(4);
    assertThat(isa.domainType()).hasValue("DMA-FQ");
    assertThat(isa.devices()).containsExactly(s.device(a("00:1f.0")).get(), s.device(a("00:1f.4")).get()).inOrder();
    assertThat(isa.members().stream().allMatch(m -> m.regions().isEmpty())).isTrue();
    assertThat(isa.groupRegions()).isEqualTo(s.group(4).get().reservedRegions());
    assertThat(isa.groupRegions().stream().allMatch(r -> r.source() == RegionSource.SYSFS)).isTrue();
  }

  @Test
  void noIommuGroupsMeansIommuOffNotAnError() throws Exception {
    SysfsSnapshot s = Notes.keep(SysfsReader.read(SysfsFixture.laptopIommuOff(tmp).root()), notes);

    assertThat(s.groups()).isEmpty();
    assertThat(s.devices()).hasSize(7);
    assertThat(s.acpiTables()).isEmpty();
    assertThat(s.toHostWithoutFirmware("off").groups()).isEmpty();
    assertThat(notes).isEmpty();
  }

  @Test
  void emptyIommuGroupsDirectoryMeansIommuOff() throws Exception {
    SysfsFixture.laptopIommuOff(tmp).mkdirs("kernel/iommu_groups");

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.groups()).isEmpty();
    assertThat(s.devices()).hasSize(7);
  }

  @Test
  void anEmptyIommuGroupsDirectoryIsAMachineWithTheIommuOff() throws Exception {
    Files.createDirectories(tmp.resolve("kernel/iommu_groups"));

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.devices()).isEmpty();
    assertThat(s.groups()).isEmpty();
    assertThat(notes).isEmpty();
  }

  @Test
  void aMissingRootIsAnInputException() {
    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp.resolve("nope")), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("nope").toString());
  }

  @Test
  void aLineCutAtOnePageIsDroppedWithAWarning() throws Exception {
    StringBuilder text = new StringBuilder();
    long start = 0x100000000L;
    while (text.length() + 55 <= SysfsReader.SYSFS_PAGE_LIMIT) {
      text.append(String.format("0x%016x 0x%016x direct-relaxable\n", start, start + 0xfff));
      start += 0x1000;
    }
    int fullLines = text.length() / 55;
    String next = String.format("0x%016x 0x%016x direct-relaxable\n", start, start + 0xfff);
    text.append(next, 0, SysfsReader.SYSFS_PAGE_LIMIT - text.length());
    assertThat(text.length()).isEqualTo(4095);
    assertThat(fullLines).isEqualTo(74);
    SysfsFixture.laptop(tmp).write("kernel/iommu_groups/7/reserved_regions", text.toString())
        .symlink("kernel/iommu_groups/7/devices/0000:00:14.0", "devices/pci0000:00/0000:00:14.0")
        .delete("kernel/iommu_groups/2/devices/0000:00:14.0");

    SysfsGroup g = Notes.keep(SysfsReader.read(tmp), notes).group(7).get();

    assertThat(g.truncated()).isTrue();
    assertThat(g.reservedRegions()).hasSize(74);
    assertThat(g.reservedRegions().get(73).start()).isEqualTo(0x100000000L + 73 * 0x1000L);
    assertThat(notes).hasSize(1);
    InputNote n = notes.get(0);
    assertThat(n.level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(n.source()).isEqualTo(tmp.resolve("kernel/iommu_groups/7/reserved_regions").toString());
    assertThat(n.position()).isEqualTo(Position.line(75));
    assertThat(n.message()).contains("IOMMU group 7");
    assertThat(n.message()).contains("cut the file at one page");
    assertThat(n.message()).contains("may be missing");
  }

  @Test
  void aCompleteFileOfExactlyOnePageMayBeCut() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 91; i++) {
      text.append(String.format("0x%016x 0x%016x direct\n", 0x200000L * i, 0x200000L * i + 0xfffff));
    }
    assertThat(text.length()).isEqualTo(4095);
    SysfsFixture.laptop(tmp).write("kernel/iommu_groups/3/reserved_regions", text.toString());

    SysfsGroup g = Notes.keep(SysfsReader.read(tmp), notes).group(3).get();

    assertThat(g.truncated()).isTrue();
    assertThat(g.reservedRegions()).hasSize(91);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(notes.get(0).message()).contains("IOMMU group 3");
    assertThat(notes.get(0).message()).contains("may have cut it at one page");
  }

  @Test
  void aShortFileWithoutFinalNewlineLosesItsLastLine() throws Exception {
    // "direct" is a prefix of "direct-relaxable": a cut line may parse, so it must not be trusted.
    SysfsFixture.laptop(tmp).write("kernel/iommu_groups/2/reserved_regions",
        SysfsFixture.MSI + "0x000000003e2e0000 0x000000003e2fffff direct");

    SysfsGroup g = Notes.keep(SysfsReader.read(tmp), notes).group(2).get();

    assertThat(g.truncated()).isTrue();
    assertThat(g.reservedRegions()).containsExactly(MSI);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).position()).isEqualTo(Position.line(2));
  }

  @Test
  void aGarbageLineIsAnInputExceptionWithFileAndLine() throws Exception {
    SysfsFixture.laptop(tmp).write("kernel/iommu_groups/4/reserved_regions",
        SysfsFixture.ISA_FLOPPY + "0x00000000fee00000 banana msi\n");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("kernel/iommu_groups/4/reserved_regions").toString());
    assertThat(e.position()).isInstanceOf(Position.Line.class);
    assertThat(((Position.Line) e.position()).line()).isEqualTo(2);
    assertThat(e.getMessage()).startsWith(tmp.resolve("kernel/iommu_groups/4/reserved_regions") + ":2");
  }

  @Test
  void aNonNumericGroupDirectoryIsAnInputException() throws Exception {
    SysfsFixture.laptop(tmp).mkdirs("kernel/iommu_groups/seven");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("kernel/iommu_groups/seven").toString());
    assertThat(e.detail()).contains("not a decimal IOMMU group number");
  }

  @Test
  void aMalformedVendorIsAnInputExceptionNamingTheFile() throws Exception {
    SysfsFixture.laptop(tmp).write("devices/pci0000:00/0000:00:14.0/vendor", "0x80g6\n");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("bus/pci/devices/0000:00:14.0/vendor").toString());
    assertThat(e.detail()).contains("0x80g6");
  }

  @Test
  void aVendorWiderThan16BitsIsAnInputException() throws Exception {
    SysfsFixture.laptop(tmp).write("devices/pci0000:00/0000:00:14.0/device", "0x18086\n");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("bus/pci/devices/0000:00:14.0/device").toString());
    assertThat(e.detail()).contains("above 0xffff");
  }

  @Test
  void aMissingClassIsAnInputExceptionNamingTheFile() throws Exception {
    SysfsFixture.laptop(tmp).delete("devices/pci0000:00/0000:00:1c.0/0000:02:00.0/class");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("bus/pci/devices/0000:02:00.0/class").toString());
    assertThat(e.detail()).contains("missing");
  }

  @Test
  void aClassWithoutHexPrefixIsAnInputException() throws Exception {
    SysfsFixture.laptop(tmp).write("devices/pci0000:00/0000:00:02.0/class", "030000\n");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("bus/pci/devices/0000:00:02.0/class").toString());
  }

  @Test
  void aDanglingDeviceLinkIsAnInputException() throws Exception {
    SysfsFixture.laptop(tmp).symlink("bus/pci/devices/0000:00:16.0", "devices/pci0000:00/0000:00:16.0");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("bus/pci/devices/0000:00:16.0").toString());
  }

  @Test
  void aPlatformDeviceInAGroupIsReadWithItsAcpiObject() throws Exception {
    SysfsFixture.laptop(tmp).platformDeviceInGroup(2, "INT33C2:00", "\\_SB_.PCI0.I2C0", "1");

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.group(2).get().devices()).containsExactly(a("00:14.0"));
    assertThat(s.group(2).get().platformDevices()).containsExactly(new PlatformDevice("INT33C2:00", "platform",
        Optional.empty(), Optional.of(AcpiNode.own("\\_SB_.PCI0.I2C0", "INT33C2", Optional.of("1")))));
    assertThat(notes).isEmpty();
    Host host = s.toHostWithoutFirmware("laptop");
    assertThat(host.group(2).get().devices().stream().map(Device::name).toList())
        .containsExactly("0000:00:14.0", "INT33C2:00").inOrder();
  }

  @Test
  void anFslMcObjectTakesTheAcpiObjectOfTheBusDeviceAboveIt() throws Exception {
    // drivers/bus/fsl-mc: the root container dprc.1 is a child of the platform device of the MC's ACPI
    // device (NXP0008 on LX2160A), has no firmware_node of its own, and its subsystem is bus/fsl-mc.
    SysfsFixture f = SysfsFixture.laptop(tmp);
    f.mkdirs("devices/platform/NXP0008:00/dprc.1").mkdirs("bus/fsl-mc").mkdirs("bus/fsl-mc/drivers/fsl_mc_dprc");
    f.symlink("devices/platform/NXP0008:00/dprc.1/subsystem", "bus/fsl-mc");
    f.symlink("devices/platform/NXP0008:00/dprc.1/driver", "bus/fsl-mc/drivers/fsl_mc_dprc");
    f.acpiNode("devices/platform/NXP0008:00", "devices/LNXSYSTM:00/LNXSYBUS:00/NXP0008:00", "\\_SB_.MCE0",
        "NXP0008", null);
    f.symlink("kernel/iommu_groups/9/devices/dprc.1", "devices/platform/NXP0008:00/dprc.1");
    f.write("kernel/iommu_groups/9/reserved_regions", "0x0000000008000000 0x00000000080fffff msi\n");

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.group(9).get().platformDevices()).containsExactly(new PlatformDevice("dprc.1", "fsl-mc",
        Optional.of("fsl_mc_dprc"),
        Optional.of(new AcpiNode("\\_SB_.MCE0", "NXP0008", Optional.empty(), Optional.of("NXP0008:00")))));
    assertThat(s.group(9).get().devices()).isEmpty();
  }

  @Test
  void aPlatformDeviceWithoutASubsystemLinkIsRefusedNamingTheFile() throws Exception {
    SysfsFixture.laptop(tmp).platformDeviceInGroup(2, "INT33C2:00").delete("devices/platform/INT33C2:00/subsystem");

    InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp));

    assertThat(e.source()).isEqualTo(tmp.resolve("kernel/iommu_groups/2/devices/INT33C2:00/subsystem").toString());
  }

  @Test
  void aFirmwareNodeLinkOutOfTheSnapshotIsRefused() throws Exception {
    SysfsFixture f = SysfsFixture.laptop(tmp.resolve("snap")).platformDeviceInGroup(2, "INT33C2:00");
    f.delete("devices/platform/INT33C2:00/firmware_node");
    Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(tmp.resolve("snap/devices/platform/INT33C2:00/firmware_node"), tmp.resolve("outside"));

    InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp.resolve("snap")));

    assertThat(e.getMessage()).contains("links outside the snapshot");
    assertThat(e.source()).isEqualTo(tmp.resolve("snap/devices/platform/INT33C2:00/firmware_node").toString());
  }

  @Test
  void aDeviceBeyondPciAddressIsNotedAndSkipped() throws Exception {
    // Intel VMD puts the drives behind it in PCI domain 0x10000, which a 16-bit segment cannot hold.
    SysfsFixture f = SysfsFixture.laptop(tmp);
    f.mkdirs("devices/pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:06.0");
    f.symlink("bus/pci/devices/10000:e0:06.0", "devices/pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:06.0");

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.devices()).hasSize(7);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).source()).isEqualTo(tmp.resolve("bus/pci/devices/10000:e0:06.0").toString());
  }

  @Test
  void aDeviceLinkLeavingTheRootIsAnInputException() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("elsewhere/0000:00:16.0"));
    Path root = tmp.resolve("root");
    SysfsFixture.laptop(root);
    Files.createSymbolicLink(root.resolve("bus/pci/devices/0000:00:16.0"), outside);

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(root), notes));

    assertThat(e.source()).isEqualTo(root.resolve("bus/pci/devices/0000:00:16.0").toString());
    assertThat(e.detail()).isEqualTo("links outside the snapshot (to " + outside.toRealPath()
        + "); a snapshot is read only inside its directory");
  }

  @Test
  void readsIvrsAndIortToo() throws Exception {
    SysfsFixture.laptopIommuOff(tmp).acpiTable("IVRS", new byte[] {'I', 'V', 'R', 'S'})
        .acpiTable("IORT", new byte[] {'I', 'O', 'R', 'T'}).acpiTable("APIC", new byte[] {1});

    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);

    assertThat(s.acpiTables().keySet()).containsExactly("IVRS", "IORT");
    assertThat(s.acpiTable("IORT").get()).isEqualTo(new byte[] {'I', 'O', 'R', 'T'});
  }

  @Test
  void anAcpiTableThatIsADirectoryIsAnErrorNamingIt() throws Exception {
    // Permission bits do not stop root (tests and CI run as root), so the unreadable-table note cannot
    // be tested here; a directory where the table should be is an error.
    SysfsFixture.laptop(tmp);
    Path dmar = tmp.resolve("firmware/acpi/tables/DMAR");
    Files.delete(dmar);
    Files.createDirectory(dmar);

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("firmware/acpi/tables/DMAR").toString());
    assertThat(e.detail()).isEqualTo("is a directory, not a file");
  }

  // ---------------------------------------------------------------- hostile snapshots

  /** Each kind of file read as content, the path a link replaces, and the name the error gives it. */
  private static Stream<Arguments> contentFiles() {
    return Stream.of(
        Arguments.of("kernel/iommu_groups/1/type", "kernel/iommu_groups/1/type"),
        Arguments.of("kernel/iommu_groups/1/reserved_regions", "kernel/iommu_groups/1/reserved_regions"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/vendor", "bus/pci/devices/0000:00:14.0/vendor"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/device", "bus/pci/devices/0000:00:14.0/device"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/subsystem_vendor",
            "bus/pci/devices/0000:00:14.0/subsystem_vendor"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/class", "bus/pci/devices/0000:00:14.0/class"),
        Arguments.of("firmware/acpi/tables/DMAR", "firmware/acpi/tables/DMAR"));
  }

  /** A snapshot in {@code tmp/snap} whose {@code rel} is a link to a file beside the snapshot. */
  private Path snapshotLinkingOut(String rel, boolean absolute) throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "SECRET\n");
    Path root = tmp.resolve("snap");
    SysfsFixture.laptop(root).delete(rel);
    Path link = root.resolve(rel);
    Files.createSymbolicLink(link, absolute ? secret : link.getParent().relativize(secret));
    return root;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contentFiles")
  void anAbsoluteLinkOutOfTheSnapshotIsRefusedAndNothingIsRead(String rel, String named) throws Exception {
    Path root = snapshotLinkingOut(rel, true);

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(root), notes));

    assertThat(e.source()).isEqualTo(root.resolve(named).toString());
    assertThat(e.detail()).isEqualTo("links outside the snapshot (to " + tmp.resolve("secret").toRealPath()
        + "); a snapshot is read only inside its directory");
    assertThat(notes.toString()).doesNotContain("SECRET");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contentFiles")
  void aRelativeLinkOutOfTheSnapshotIsRefused(String rel, String named) throws Exception {
    Path root = snapshotLinkingOut(rel, false);
    assertThat(Files.readSymbolicLink(root.resolve(rel)).toString()).startsWith("../");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(root), notes));

    assertThat(e.source()).isEqualTo(root.resolve(named).toString());
    assertThat(e.detail()).startsWith("links outside the snapshot (to " + tmp.resolve("secret").toRealPath() + ")");
  }

  @Test
  void aDirectoryLinkOutOfTheSnapshotIsNotListed() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/iommu_groups/0"));
    Files.writeString(elsewhere.resolve("reserved_regions"), SysfsFixture.MSI);
    Path root = tmp.resolve("snap");
    SysfsFixture.laptopIommuOff(root).delete("kernel/iommu_groups");
    Files.createSymbolicLink(root.resolve("kernel/iommu_groups"), elsewhere.getParent());

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(root), notes));

    assertThat(e.source()).isEqualTo(root.resolve("kernel/iommu_groups").toString());
    assertThat(e.detail()).startsWith("links outside the snapshot");
  }

  @Test
  void aDriverLinkOutOfTheSnapshotIsRefused() throws Exception {
    Path root = tmp.resolve("snap");
    SysfsFixture.laptop(root).delete("devices/pci0000:00/0000:00:14.0/driver");
    Files.createSymbolicLink(root.resolve("devices/pci0000:00/0000:00:14.0/driver"), Path.of("/etc/passwd"));

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(root), notes));

    assertThat(e.source()).isEqualTo(root.resolve("bus/pci/devices/0000:00:14.0/driver").toString());
    assertThat(e.detail()).isEqualTo("links outside the snapshot (to /etc/passwd); a snapshot is read only inside its directory");
  }

  @Test
  void aDriverLinkWhoseDirectoryIsLeftOutStillNamesTheDriver() throws Exception {
    // git keeps no empty directories, so the shipped examples' driver links dangle.
    SysfsFixture.laptop(tmp).delete("bus/pci/drivers/xhci_hcd/0000:00:14.0").delete("bus/pci/drivers/xhci_hcd");

    assertThat(Notes.keep(SysfsReader.read(tmp), notes).device(a("00:14.0")).get().driver()).hasValue("xhci_hcd");
  }

  @Test
  void aGroupTypeThatIsNoWordIsRefusedNotShown() throws Exception {
    SysfsFixture.laptop(tmp).write("kernel/iommu_groups/1/type", "\u001b]0;pwned\u0007DMA\n");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.getMessage()).isEqualTo(tmp.resolve("kernel/iommu_groups/1/type")
        + ": '\\x1b]0;pwned\\x07DMA' is not a group type as the kernel prints it"
        + " (one of blocked, DMA, DMA-FQ, identity, unknown, unmanaged)");
  }

  @Test
  void aGroupTypeThisVersionDoesNotKnowIsKeptWithANote() throws Exception {
    SysfsFixture.laptop(tmp).write("kernel/iommu_groups/1/type", "DMA-SVA\n");

    assertThat(Notes.keep(SysfsReader.read(tmp), notes).group(1).get().domainType()).hasValue("DMA-SVA");
    assertThat(notes.stream().map(InputNote::message).toList())
        .contains("'DMA-SVA' is not a group type this version of resvc knows; shown as read");
  }

  @Test
  void everyGroupTypeTheKernelPrintsReadsWithoutANote() throws Exception {
    SysfsFixture fixture = SysfsFixture.laptop(tmp);
    for (String type : SysfsReader.KERNEL_GROUP_TYPES) {
      fixture.write("kernel/iommu_groups/1/type", type + "\n");
      notes.clear();
      assertThat(Notes.keep(SysfsReader.read(tmp), notes).group(1).get().domainType()).hasValue(type);
      assertThat(notes.stream().map(InputNote::message).filter(m -> m.contains("group type")).toList()).isEmpty();
    }
  }

  @Test
  void linksWithinTheSnapshotAreFollowed() throws Exception {
    // A type file shared through a link inside the tree reads like a copy.
    SysfsFixture.laptop(tmp).delete("kernel/iommu_groups/1/type").symlink("kernel/iommu_groups/1/type",
        "kernel/iommu_groups/0/type");

    assertThat(Notes.keep(SysfsReader.read(tmp), notes).group(1).get().domainType()).hasValue("DMA-FQ");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void devZeroLinkedFromTheSnapshotIsRefusedAtOnce() throws Exception {
    SysfsFixture.laptop(tmp).delete("kernel/iommu_groups/2/reserved_regions");
    Files.createSymbolicLink(tmp.resolve("kernel/iommu_groups/2/reserved_regions"), Path.of("/dev/zero"));

    InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes)));

    assertThat(e.detail()).startsWith("links outside the snapshot (to /dev/zero)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contentFiles")
  @EnabledOnOs(OS.LINUX)
  void aFifoInTheSnapshotIsRefusedWithoutOpeningIt(String rel, String named) throws Exception {
    SysfsFixture.laptop(tmp).delete(rel);
    Process mkfifo = new ProcessBuilder("mkfifo", tmp.resolve(rel).toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isEqualTo(0);

    InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes)));

    assertThat(e.source()).isEqualTo(tmp.resolve(named).toString());
    assertThat(e.detail()).contains("is not a regular file");
  }

  @Test
  void aReservedRegionsFileAboveTheSysfsCapIsRefused() throws Exception {
    SysfsFixture.laptop(tmp);
    sparse(tmp.resolve("kernel/iommu_groups/3/reserved_regions"), InputLimits.SYSFS_FILE.maxBytes() + 1);

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("kernel/iommu_groups/3/reserved_regions").toString());
    assertThat(e.detail()).isEqualTo("is longer than 1 MiB, the most resvc reads from a sysfs file");
  }

  @Test
  void anAcpiTableAboveItsCapIsRefused() throws Exception {
    SysfsFixture.laptop(tmp);
    sparse(tmp.resolve("firmware/acpi/tables/DMAR"), InputLimits.ACPI_TABLE.maxBytes() + 1);

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.resolve("firmware/acpi/tables/DMAR").toString());
    assertThat(e.detail()).isEqualTo("is longer than 4 MiB, the most resvc reads from an ACPI table");
  }

  private static void sparse(Path file, long length) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  @Test
  void aDirectoryWithoutIommuGroupsIsNotASnapshot() throws Exception {
    SysfsFixture.laptop(tmp).mkdirs("unrelated");
    Path unrelated = tmp.resolve("unrelated");
    Files.writeString(unrelated.resolve("README"), "not sysfs");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(unrelated), notes));

    assertThat(e.getMessage()).isEqualTo(unrelated + ": no kernel/iommu_groups directory: not a sysfs snapshot"
        + " (make one with 'resvc snapshot')");
  }

  @Test
  void anEmptyDirectoryIsNotASnapshot() throws Exception {
    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.source()).isEqualTo(tmp.toString());
    assertThat(e.detail()).startsWith("no kernel/iommu_groups directory");
  }

  @Test
  void controlCharactersInNamesAndContentAreEscaped() throws Exception {
    SysfsFixture.laptop(tmp).write("devices/pci0000:00/0000:00:14.0/vendor", "\u001b[2J\n");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SysfsReader.read(tmp), notes));

    assertThat(e.getMessage()).doesNotContain("\u001b");
    assertThat(e.detail()).contains("\\x1b[2J");
  }
}
