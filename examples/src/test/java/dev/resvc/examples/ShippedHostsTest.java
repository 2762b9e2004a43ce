package dev.resvc.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsGroup;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.kernel.ArmRegionBuilder;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.testing.Notes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every shipped host reads cleanly, and its firmware explains every sysfs line. */
class ShippedHostsTest {
  private static final Path HOSTS = Path.of("hosts");

  static List<Path> hosts() throws IOException {
    try (Stream<Path> dirs = Files.list(HOSTS)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  /**
   * Each host reads without a warning, holds exactly one IOMMU table (with a good checksum), and the
   * regions rebuilt from that table merge to exactly its {@code reserved_regions} files: the host
   * builder reports any difference as a warning. Notes (an IVMD the kernel page-rounds, a block type
   * it skips) are facts about the table, not disagreements, and are allowed.
   */
  @TestFactory
  Stream<DynamicTest> firmwareExplainsEverySysfsLine() throws IOException {
    assertThat(hosts()).isNotEmpty();
    return hosts().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
      List<InputNote> notes = new ArrayList<>();
      SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(dir), notes);
      assertThat(Files.exists(dir.resolve("README.md"))).isTrue();
      assertThat(snapshot.groups()).isNotEmpty();
      assertThat(snapshot.acpiTables()).hasSize(1);
      String signature = snapshot.acpiTables().keySet().iterator().next();
      byte[] table = snapshot.acpiTable(signature).orElseThrow();
      switch (signature) { // strict: a wrong checksum fails here
        case "DMAR" -> DmarReader.read(table, signature, true).value();
        case "IVRS" -> IvrsReader.read(table, signature, true).value();
        default -> IortReader.read(table, signature, true).value();
      }
      Firmware firmware = Notes.keep(HostBuilder.snapshotFirmware(snapshot), notes);
      assertThat(firmware.signatures()).containsExactly(signature);
      Host host = Notes.keep(HostBuilder.withFirmware(snapshot, dir.toString(), firmware), notes);
      assertThat(warnings(notes)).isEmpty();
      for (IommuGroup g : host.groups()) {
        List<String> rebuilt = HostBuilder.mergedRegions(g).stream().map(Region::toSysfsLine).toList();
        List<String> shown = snapshot.group(g.id()).orElseThrow().reservedRegions().stream()
            .map(Region::toSysfsLine).toList();
        assertWithMessage("group %s", g.id()).that(rebuilt).containsExactlyElementsIn(shown).inOrder();
        assertThat(g.groupRegions()).isEmpty();
      }
    }));
  }

  private static List<String> warnings(List<InputNote> notes) {
    return notes.stream().filter(n -> n.level() == InputNote.Level.WARNING).map(InputNote::render).toList();
  }

  private static List<Integer> unassignable(List<AssignmentCheck.GroupAnswer> answers) {
    return answers.stream().filter(a -> !a.assignable()).map(AssignmentCheck.GroupAnswer::groupId).toList();
  }

  @Test
  void theThinkPadsNvmeCarriesTheExclusionRangeAndCannotBeAssigned() throws InputException {
    List<AssignmentCheck.GroupAnswer> answers = AssignmentCheck.check(
        HOSTS.resolve("lenovo-thinkpad-l14-gen3-amd"), GuestPresets.q35(8L << 30)).value();
    assertThat(unassignable(answers)).containsExactly(9);
    AssignmentCheck.GroupAnswer nvme = answers.get(9);
    assertThat(nvme.groupId()).isEqualTo(9);
    // IVMD 0x21 flags 0x08: exclusion range, forced to IR|IW, so a direct unity map (init_unity_map_range).
    assertThat(nvme.problems()).containsExactly("0000:01:00.0 has a direct region"
        + " 0x00000000c9f42000 0x00000000c9f67fff direct: the kernel refuses to detach it from its 1:1 mapping (-EINVAL)");
    // AMD: the full 64-bit aperture less the regions; the HT window below 1 TiB is cut out.
    assertThat(nvme.validIova().get(nvme.validIova().size() - 1).start()).isEqualTo(0x10000000000L);
    assertThat(nvme.validIova().get(nvme.validIova().size() - 1).end()).isEqualTo(-1L);
  }

  @Test
  void theMechrevosDeviceRangeIvmdsLockEveryDeviceOnBuses00To0f() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    Path dir = HOSTS.resolve("mechrevo-wujie14");
    List<AssignmentCheck.GroupAnswer> answers = Notes.keep(AssignmentCheck.check(dir, GuestPresets.q35(8L << 30)), notes);
    Host host = Notes.keep(HostBuilder.withFirmware(Notes.keep(SysfsReader.read(dir), notes), "m",
        Notes.keep(HostBuilder.snapshotFirmware(Notes.keep(SysfsReader.read(dir), notes)), notes)), notes);
    for (IommuGroup g : host.groups()) {
      boolean low = g.members().stream().allMatch(m -> ((PciDevice) m.device()).address().bus() < 0x10);
      assertWithMessage("group %s", g.id()).that(unassignable(answers).contains(g.id())).isEqualTo(low);
    }
    // Five one-byte IVMDs become five 4 KiB pages (PAGE_ALIGN of the length); adjacent pages merge.
    IommuGroup nvme = host.groups().stream()
        .filter(g -> g.members().get(0).device().name().equals("0000:01:00.0")).findFirst().orElseThrow();
    assertThat(nvme.members().get(0).regions()).hasSize(7);
    assertThat(HostBuilder.mergedRegions(nvme).stream().map(Region::toSysfsLine).toList()).containsExactly(
        "0x000000009618e000 0x000000009618efff direct",
        "0x0000000097b97000 0x0000000097b98fff direct",
        "0x0000000097d9c000 0x0000000097d9dfff direct",
        "0x00000000fee00000 0x00000000feefffff msi",
        "0x000000fd00000000 0x000000ffffffffff reserved").inOrder();
  }

  @Test
  void theOrionsPciDevicesOnlyHaveTheSwMsiWindowAndTheRmrIsTheDisplays() throws InputException {
    Path dir = HOSTS.resolve("radxa-orion-o6");
    List<InputNote> notes = new ArrayList<>();
    List<AssignmentCheck.GroupAnswer> answers = Notes.keep(AssignmentCheck.check(dir, GuestPresets.virt(4L << 30)), notes);
    assertThat(unassignable(answers)).isEmpty();
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(dir), notes);
    for (SysfsGroup g : snapshot.groups()) {
      assertThat(g.reservedRegions().stream().map(Region::toSysfsLine).toList())
          .containsExactly("0x0000000008000000 0x00000000080fffff msi");
    }
    // The RMR names the display SMMU (node 0xdc), which no root complex reaches: only the DPUs,
    // platform devices the PCI-only sysfs reader does not model, get it.
    IortTable iort = Notes.keep(IortReader.read(snapshot.acpiTable("IORT").orElseThrow(), "IORT", true), notes);
    ArmRegionBuilder arm = ArmRegionBuilder.of(iort, TargetKernel.NEWEST, "IORT");
    ArmRegionBuilder.StreamBinding dpu0 = Notes.keep(arm.streamsForNamedComponent("\\_SB_.DPU0"), notes).orElseThrow();
    List<Region> regions = Notes.keep(arm.regionsForStreams(dpu0.smmuOffset(), dpu0.streamIds()), notes);
    assertThat(regions.stream().map(r -> r.toSysfsLine() + " " + r.source()).toList()).containsExactly(
        "0x0000000008000000 0x00000000080fffff msi sw-msi",
        "0x0000000084800000 0x0000000084ffffff direct-relaxable iort-rmr").inOrder();
    assertThat(warnings(notes)).isEmpty();
  }

  @Test
  void theServersRaidNicsAndIloCannotBeAssigned() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    List<AssignmentCheck.GroupAnswer> answers =
        Notes.keep(AssignmentCheck.check(HOSTS.resolve("hp-proliant-dl360-g7"), GuestPresets.q35(16L << 30)), notes);
    assertThat(answers.stream().filter(a -> !a.assignable()).map(AssignmentCheck.GroupAnswer::groupId).toList())
        .containsExactly(5, 9, 10, 11).inOrder();
    AssignmentCheck.GroupAnswer raid = answers.stream().filter(a -> a.groupId() == 10).findFirst().orElseThrow();
    assertThat(raid.problems()).containsExactly(
        "0000:03:00.0 has a direct region 0x00000000df61e000 0x00000000df61ffff direct: the kernel refuses"
            + " to detach it from its 1:1 mapping (-EINVAL)");
    // The DMAR host address width (0x26: 39 bits) bounds the VT-d aperture.
    assertThat(raid.validIova().get(raid.validIova().size() - 1).end()).isEqualTo((1L << 39) - 1);
  }

  @Test
  void guestRamOverAnExcludedRegionCannotBeMapped() throws InputException {
    // A pc guest with 3576 MiB keeps all RAM below 4 GiB: [0, 0xdf7fffff] covers the RMRRs.
    List<AssignmentCheck.GroupAnswer> answers = AssignmentCheck.check(
        HOSTS.resolve("hp-proliant-dl360-g7"), GuestPresets.pc(3576L << 20)).value();
    AssignmentCheck.GroupAnswer raid = answers.stream().filter(a -> a.groupId() == 10).findFirst().orElseThrow();
    assertThat(raid.problems()).contains("guest RAM low-ram 0x0000000000000000..0x00000000df7fffff cannot be"
        + " mapped for DMA (-EINVAL): 0x00000000df61e000 0x00000000df61ffff direct");
    // The USB group's RMRRs are relaxable: VFIO leaves them in the valid ranges, so RAM maps.
    AssignmentCheck.GroupAnswer usb = answers.stream().filter(a -> a.groupId() == 6).findFirst().orElseThrow();
    assertThat(usb.assignable()).isTrue();
  }

  @Test
  void theLaptopsUsbAndGraphicsAreAssignable() throws InputException {
    List<AssignmentCheck.GroupAnswer> answers =
        AssignmentCheck.check(HOSTS.resolve("dell-latitude-5414"), GuestPresets.q35(4L << 30)).value();
    assertThat(answers.stream().allMatch(AssignmentCheck.GroupAnswer::assignable)).isTrue();
  }

  /** The notes a host's firmware gives, rendered, and every one of them a note, not a warning. */
  private static List<String> workaroundNotes(Path dir) throws InputException {
    List<InputNote> notes = new ArrayList<>();
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(dir), notes);
    Notes.keep(HostBuilder.withFirmware(snapshot, dir.toString(), Notes.keep(HostBuilder.snapshotFirmware(snapshot), notes)), notes);
    assertThat(warnings(notes)).isEmpty();
    return notes.stream().filter(n -> n.level() == InputNote.Level.NOTE).map(InputNote::render)
        .filter(s -> s.contains("is broken - applying workaround")).toList();
  }

  @Test
  void theZ270sAddInUsbControllerIsBoundByTheKernelsWorkaroundAndEverythingIsAssignable() throws InputException {
    Path dir = HOSTS.resolve("asus-prime-z270-a");
    // pci-endpoint@03:00.0 starts at bus 03, but 03:00.0 is below root port 00:1c.0: dmar_match_pci_path's
    // one-hop fallback binds it ("RMRR entry for device 03:00.0 is broken - applying workaround").
    assertThat(workaroundNotes(dir)).hasSize(1);
    assertThat(workaroundNotes(dir).get(0)).contains("RMRR entry for device 03:00.0 is broken");
    List<AssignmentCheck.GroupAnswer> answers = AssignmentCheck.check(dir, GuestPresets.q35(8L << 30)).value();
    assertThat(unassignable(answers)).isEmpty();
    AssignmentCheck.GroupAnswer asmedia = answers.stream().filter(a -> a.groupId() == 10).findFirst().orElseThrow();
    // The relaxable USB RMRR stays in the valid IOVA ranges: only the interrupt window is cut out.
    assertThat(asmedia.validIova()).hasSize(2);
  }

  @Test
  void theX99sFiveUsbControllersShareOneRelaxableRmrrInsideGuestRam() throws InputException {
    Path dir = HOSTS.resolve("msi-ms-7885");
    assertThat(workaroundNotes(dir)).hasSize(2);
    List<InputNote> notes = new ArrayList<>();
    SysfsSnapshot snapshot = Notes.keep(SysfsReader.read(dir), notes);
    Host host = Notes.keep(HostBuilder.withFirmware(snapshot, "x99", Notes.keep(HostBuilder.snapshotFirmware(snapshot), notes)), notes);
    List<String> withRmrr = new ArrayList<>();
    for (IommuGroup g : host.groups()) {
      for (IommuGroup.Member m : g.members()) {
        if (m.regions().stream().anyMatch(r -> r.toSysfsLine().equals(
            "0x000000003b430000 0x000000003b43ffff direct-relaxable"))) {
          withRmrr.add(m.device().name());
        }
      }
    }
    assertThat(withRmrr).containsExactly(
        "0000:00:14.0", "0000:00:1a.0", "0000:00:1d.0", "0000:06:00.0", "0000:07:00.0");
    // Relaxable: a pc guest whose low RAM covers 0x3b430000 still maps, and every group is assignable.
    List<AssignmentCheck.GroupAnswer> answers = AssignmentCheck.check(dir, GuestPresets.pc(3L << 30)).value();
    assertThat(unassignable(answers)).isEmpty();
    // haw 0x2d: a 46-bit aperture.
    assertThat(answers.get(0).validIova().get(answers.get(0).validIova().size() - 1).end()).isEqualTo((1L << 46) - 1);
  }

  @Test
  void theCustomGuestLayoutParses() throws IOException, InputException {
    GuestLayout layout = GuestLayoutParser.parse(Files.readString(Path.of("guests/small-x86.layout")), "small-x86.layout");
    assertThat(layout.name()).isEqualTo("small-x86");
    assertThat(layout.ramSize().longValue()).isEqualTo((4L << 30) + (1L << 30));
  }
}
