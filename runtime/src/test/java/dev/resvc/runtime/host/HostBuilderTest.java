package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.firmware.DmarBuilder;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.kernel.IntelRegionBuilder;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts rebuilt from real DMAR tables of the corpus, checked against what the kernel prints in
 * {@code reserved_regions} for such machines (intel_iommu_get_resv_regions: RMRRs through their
 * scopes, relaxable for USB and display devices; the ISA-bridge floppy range; the IOAPIC window).
 */
class HostBuilderTest {
  @TempDir Path tmp;
  private final List<InputNote> notes = new ArrayList<>();

  private static final String MSI = SysfsFixture.MSI;
  private static final String DELL_USB = "0x00000000bb400000 0x00000000bb41ffff direct-relaxable\n";
  private static final String DELL_IGD = "0x00000000bd800000 0x00000000bfffffff direct-relaxable\n";

  /** A Dell Latitude 5414 (Skylake) as sysfs shows it, with its real DMAR table. */
  private SysfsSnapshot dellLatitude(String usbGroupLines) throws InputException {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:00.0", 0x8086, 0x1904, 0x1028, 0x06f3, 0x060000, "skl_uncore");
    f.pciDevice("0000:00:02.0", 0x8086, 0x1916, 0x1028, 0x06f3, 0x030000, "i915");
    f.pciDevice("0000:00:14.0", 0x8086, 0x9d2f, 0x1028, 0x06f3, 0x0c0330, "xhci_hcd");
    f.pciDevice("0000:00:1c.0", 0x8086, 0x9d10, 0x1028, 0x06f3, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:01:00.0", 0x8086, 0x24f3, 0x8086, 0x0130, 0x028000, "iwlwifi");
    f.pciDevice("0000:00:1f.0", 0x8086, 0x9d48, 0x1028, 0x06f3, 0x060100, null);
    f.pciDevice("0000:00:1f.3", 0x8086, 0x9d70, 0x1028, 0x06f3, 0x040300, "snd_hda_intel");
    f.group(0, "DMA", DELL_IGD + MSI, "0000:00:02.0");
    f.group(1, "DMA", MSI, "0000:00:00.0");
    f.group(2, "DMA", usbGroupLines, "0000:00:14.0");
    f.group(3, "DMA", MSI, "0000:00:1c.0");
    f.group(4, "DMA", MSI, "0000:01:00.0");
    f.group(5, "DMA", SysfsFixture.ISA_FLOPPY + MSI, "0000:00:1f.0", "0000:00:1f.3");
    f.acpiTable("DMAR", Corpus.dmar("dell-latitude-5414-0aac6c2f8f5c"));
    return Notes.keep(SysfsReader.read(tmp), notes);
  }

  private Host build(SysfsSnapshot snapshot) throws InputException {
    DmarTable dmar = Notes.keep(DmarReader.read(snapshot.acpiTable("DMAR").orElseThrow(), "DMAR", false), notes);
    return Notes.keep(HostBuilder.withDmar(snapshot, "dell", dmar, "DMAR"), notes);
  }

  private static List<String> lines(List<Region> regions) {
    return regions.stream().map(Region::toSysfsLine).toList();
  }

  @Test
  void firmwareExplainsEverySysfsLineOfARealLaptop() throws InputException {
    Host host = build(dellLatitude(DELL_USB + MSI));
    assertThat(notes).isEmpty();
    IommuGroup usb = host.group(2).orElseThrow();
    Region rmrr = usb.members().get(0).regions().get(0);
    assertThat(rmrr.source()).isEqualTo(RegionSource.RMRR);
    assertThat(rmrr.toSysfsLine()).isEqualTo(DELL_USB.strip());
    assertThat(usb.groupRegions()).isEmpty();
    // The LPC bridge's floppy range and the audio device's MSI window merge into one group list.
    assertThat(lines(HostBuilder.mergedRegions(host.group(5).orElseThrow()))).containsExactly(
        SysfsFixture.ISA_FLOPPY.strip(), MSI.strip()).inOrder();
  }

  @Test
  void aDifferenceFromSysfsIsReportedLineByLine() throws InputException {
    // A pre-5.3 kernel printed the USB RMRR as plain "direct".
    build(dellLatitude("0x00000000bb400000 0x00000000bb41ffff direct\n" + MSI));
    assertThat(notes.stream().map(InputNote::render).toList()).containsExactly(
        tmp.resolve("kernel/iommu_groups/2/reserved_regions") + ": warning: group 2: sysfs shows"
            + " '0x00000000bb400000 0x00000000bb41ffff direct', which the firmware tables do not explain",
        tmp.resolve("kernel/iommu_groups/2/reserved_regions") + ": warning: group 2: firmware explains"
            + " '0x00000000bb400000 0x00000000bb41ffff direct-relaxable', which sysfs does not show");
  }

  @Test
  void twoHopScopesBelowRootPortsBindTheHpProliantRaidAndNics() throws InputException {
    // HP ProLiant DL360 G7: RMRRs name devices behind root ports 00:01.0, 00:03.0, 00:09.0, 00:1c.4.
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:01.0", 0x8086, 0x3408, 0x103c, 0x330b, 0x060400, "pcieport");
    f.pciDevice("0000:00:01.0/0000:03:00.0", 0x103c, 0x323a, 0x103c, 0x3245, 0x010400, "hpsa");
    f.pciDevice("0000:00:1d.0", 0x8086, 0x3a34, 0x103c, 0x330d, 0x0c0300, "uhci_hcd");
    f.pciDevice("0000:00:1e.0", 0x8086, 0x244e, 0x103c, 0x330d, 0x060401, null);
    f.group(10, "DMA", MSI, "0000:03:00.0");
    f.group(11, "DMA", MSI, "0000:00:1d.0");
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(tmp), notes);
    DmarTable dmar = Notes.keep(DmarReader.read(Corpus.dmar("hewlett-packard-proliant-dl360-g7-60dcee46526a"), "DMAR", false), notes);
    notes.clear();
    Host host = Notes.keep(HostBuilder.withDmar(snapshot, "dl360", dmar, "DMAR"), notes);

    List<Region> raid = host.group(10).orElseThrow().members().get(0).regions();
    // RMRRs in reverse table order, the RAID controller (class 0x0104) keeps them direct.
    assertThat(lines(raid)).containsExactly(
        "0x00000000df61e000 0x00000000df61ffff direct", MSI.strip()).inOrder();
    List<Region> uhci = host.group(11).orElseThrow().members().get(0).regions();
    assertThat(lines(uhci)).containsExactly(
        "0x00000000df7df000 0x00000000df7e4fff direct-relaxable", MSI.strip()).inOrder();
    assertThat(notes.stream().map(InputNote::render).toList()).contains(
        tmp.resolve("kernel/iommu_groups/10/reserved_regions") + ": warning: group 10: firmware explains"
            + " '0x00000000df61e000 0x00000000df61ffff direct', which sysfs does not show");
  }

  @Test
  void aBridgeScopeCoversEveryDeviceBelowItWithTheirOwnRelaxability() throws InputException {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:1c.0", 0x8086, 0xa110, 0, 0, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:03:00.0", 0x1912, 0x0014, 0, 0, 0x0c0330, "xhci_hcd");
    f.pciDevice("0000:00:1c.0/0000:03:00.1", 0x8086, 0x1533, 0, 0, 0x020000, "igb");
    f.pciDevice("0000:00:1d.0", 0x8086, 0xa118, 0, 0, 0x060400, "pcieport");
    f.group(1, "DMA", MSI, "0000:00:1c.0", "0000:03:00.0", "0000:03:00.1");
    f.group(2, "DMA", MSI, "0000:00:1d.0");
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(tmp), notes);
    byte[] table = DmarBuilder.dmar()
        .drhd(1, 0, 0xfed91000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(2, 0, 0, 0x1c, 0))
        .build();
    DmarTable dmar = Notes.keep(DmarReader.read(table, "DMAR", true), notes);
    Host host = Notes.keep(HostBuilder.withDmar(snapshot, "bridge", dmar, "DMAR"), notes);

    IommuGroup group = host.group(1).orElseThrow();
    assertThat(lines(group.member(PciAddress.parse("03:00.0")).get().regions()).get(0))
        .isEqualTo("0x000000007c000000 0x000000007c0fffff direct-relaxable");
    assertThat(lines(group.member(PciAddress.parse("03:00.1")).get().regions()).get(0))
        .isEqualTo("0x000000007c000000 0x000000007c0fffff direct");
    assertThat(lines(group.member(PciAddress.parse("00:1c.0")).get().regions()).get(0))
        .isEqualTo("0x000000007c000000 0x000000007c0fffff direct");
    // A shared RMRR shows twice in the group: once relaxable, once not (KERNEL-MODEL §2).
    assertThat(lines(HostBuilder.mergedRegions(group))).containsExactly(
        "0x000000007c000000 0x000000007c0fffff direct",
        "0x000000007c000000 0x000000007c0fffff direct-relaxable",
        MSI.strip()).inOrder();
    assertThat(lines(HostBuilder.mergedRegions(host.group(2).orElseThrow()))).containsExactly(MSI.strip());

    IntelRegionBuilder intel = IntelRegionBuilder.bind(dmar, snapshot.devices(), TargetKernel.NEWEST, "DMAR").value();
    assertThat(intel.devicesCovered(intel.units().get(0), snapshot.devices()).stream()
        .map(d -> d.address().toShortString()).toList())
        .containsExactly("00:1c.0", "03:00.0", "03:00.1").inOrder();
  }

  /**
   * docs/kernel-eras.md section 3: before v5.3 ("iommu/vt-d: Handle RMRR with PCI bridge device
   * scopes") a bridge-scoped RMRR applies to the bridge alone, and every RMRR is direct (1c5c59fbad20).
   */
  @Test
  void beforeV53ABridgeScopeCoversOnlyTheBridgeAndEveryRmrrIsDirect() throws Exception {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:1c.0", 0x8086, 0xa110, 0, 0, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:03:00.0", 0x1912, 0x0014, 0, 0, 0x0c0330, "xhci_hcd");
    f.group(1, "DMA", "0x000000007c000000 0x000000007c0fffff direct\n" + MSI, "0000:00:1c.0", "0000:03:00.0");
    Path osrelease = tmp.resolve("proc/sys/kernel/osrelease");
    Files.createDirectories(osrelease.getParent());
    Files.writeString(osrelease, "5.2.21\n"); // the kernel that printed those lines, so they are compared
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(tmp), notes);
    byte[] table = DmarBuilder.dmar()
        .drhd(1, 0, 0xfed91000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(2, 0, 0, 0x1c, 0))
        .build();
    Firmware firmware = Firmware.none().withDmar(Notes.keep(DmarReader.read(table, "DMAR", true), notes), "DMAR");
    Host old = Notes.keep(HostBuilder.withFirmware(snapshot, "bridge", firmware, KernelRelease.of(5, 2),
        Optional.empty()), notes);
    IommuGroup group = old.group(1).orElseThrow();
    assertThat(lines(group.member(PciAddress.parse("00:1c.0")).get().regions())).containsExactly(
        "0x000000007c000000 0x000000007c0fffff direct", MSI.strip()).inOrder();
    assertThat(lines(group.member(PciAddress.parse("03:00.0")).get().regions())).containsExactly(MSI.strip());
    assertThat(notes).isEmpty();

    Host current = Notes.keep(HostBuilder.withFirmware(snapshot, "bridge", firmware, KernelRelease.of(5, 3),
        Optional.empty()), notes);
    assertThat(lines(current.group(1).orElseThrow().member(PciAddress.parse("03:00.0")).get().regions()))
        .containsExactly("0x000000007c000000 0x000000007c0fffff direct-relaxable", MSI.strip()).inOrder();
  }

  /**
   * docs/kernel-eras.md section 5: sysfs is compared with the group merge of the release, so two
   * adjacent RMRRs print as two lines up to v5.3 and as one from v5.4 (4dbd258ff63e).
   */
  @Test
  void sysfsIsComparedWithTheGroupMergeOfTheRelease() throws Exception {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:1f.6", 0x8086, 0x15d7, 0, 0, 0x020000, "e1000e");
    f.group(1, "DMA", "0x000000007c000000 0x000000007c0fffff direct\n"
        + "0x000000007c100000 0x000000007c1fffff direct\n" + MSI, "0000:00:1f.6");
    Path osrelease = tmp.resolve("proc/sys/kernel/osrelease");
    Files.createDirectories(osrelease.getParent());
    Files.writeString(osrelease, "5.3.0-generic\n");
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(tmp), notes);
    byte[] table = DmarBuilder.dmar()
        .drhd(1, 0, 0xfed91000L)
        .rmrr(0, 0x7c000000L, 0x7c0fffffL, DmarBuilder.scope(1, 0, 0, 0x1f, 6))
        .rmrr(0, 0x7c100000L, 0x7c1fffffL, DmarBuilder.scope(1, 0, 0, 0x1f, 6))
        .build();
    Firmware firmware = Firmware.none().withDmar(Notes.keep(DmarReader.read(table, "DMAR", true), notes), "DMAR");
    Host old = Notes.keep(HostBuilder.withFirmware(snapshot, "adjacent", firmware, KernelRelease.of(5, 3),
        Optional.empty()), notes);
    assertThat(notes).isEmpty();
    assertThat(lines(HostBuilder.mergedRegions(old.group(1).orElseThrow(), KernelRelease.of(5, 3)))).containsExactly(
        "0x000000007c000000 0x000000007c0fffff direct", "0x000000007c100000 0x000000007c1fffff direct",
        MSI.strip()).inOrder();

    // The same lines read as a 5.4 kernel's: that kernel would have joined them.
    Files.writeString(osrelease, "5.4.0-generic\n");
    SysfsSnapshot on54 = Notes.keep(SysfsReader.read(tmp), notes);
    Notes.keep(HostBuilder.withFirmware(on54, "adjacent", firmware, KernelRelease.of(5, 4), Optional.empty()),
        notes);
    assertThat(notes.stream().map(InputNote::message).toList()).contains(
        "group 1: firmware explains '0x000000007c000000 0x000000007c1fffff direct', which sysfs does not show");

    // Rebuilt for another release than the one that printed the lines: not compared, and said once.
    notes.clear();
    Notes.keep(HostBuilder.withFirmware(on54, "adjacent", firmware, KernelRelease.of(5, 3), Optional.empty()),
        notes);
    assertThat(notes.stream().map(InputNote::message).toList()).containsExactly("regions rebuilt for kernel 5.3;"
        + " the snapshot's reserved_regions lines come from kernel 5.4.0-generic, so they are not compared with them");
  }

  @Test
  void scopeTypeMismatchAndBrokenPathsFollowTheKernel() throws InputException {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:1c.0", 0x8086, 0xa110, 0, 0, 0x060400, "pcieport");
    f.pciDevice("0000:00:1c.0/0000:03:00.0", 0x1912, 0x0014, 0, 0, 0x0c0330, "xhci_hcd");
    f.group(1, "DMA", MSI, "0000:00:1c.0");
    f.group(2, "DMA", MSI, "0000:03:00.0");
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(tmp), notes);
    byte[] table = DmarBuilder.dmar()
        .drhd(1, 0, 0xfed91000L)
        // An endpoint entry naming a bridge: "Device scope type does not match".
        .rmrr(0, 0x1000000L, 0x1000fffL, DmarBuilder.scope(1, 0, 0, 0x1c, 0))
        // A one-hop entry naming 03:00.0 by its own bus: "RMRR entry ... is broken - applying workaround".
        .rmrr(0, 0x2000000L, 0x2000fffL, DmarBuilder.scope(1, 0, 3, 0, 0))
        .build();
    DmarTable dmar = Notes.keep(DmarReader.read(table, "DMAR", true), notes);
    Host host = Notes.keep(HostBuilder.withDmar(snapshot, "quirks", dmar, "DMAR"), notes);
    assertThat(lines(host.group(1).orElseThrow().members().get(0).regions())).containsExactly(MSI.strip());
    assertThat(lines(host.group(2).orElseThrow().members().get(0).regions())).containsExactly(
        "0x0000000002000000 0x0000000002000fff direct-relaxable", MSI.strip()).inOrder();
    List<String> rendered = notes.stream().map(InputNote::render).toList();
    assertThat(rendered).contains(
        "DMAR: offset 0x40: warning: device scope type does not match for 0000:00:1c.0 (the kernel refuses"
            + " the binding and binds this device to no further RMRR)");
    assertThat(rendered).contains(
        "DMAR: offset 0x60: note: RMRR entry for device 03:00.0 is broken - applying workaround (the kernel's"
            + " words: its path does not start at the device's root bus)");
  }
}
