package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HostBuilder#withFirmware} with IVRS, IORT and mixed tables, and {@link Firmware#aperture()}. */
class HostBuilderFirmwareTest {
  @TempDir Path tmp;
  private final List<InputNote> notes = new ArrayList<>();

  private static final String MSI = "0x00000000fee00000 0x00000000feefffff msi\n";
  private static final String HT = "0x000000fd00000000 0x000000ffffffffff reserved\n";
  private static final String SW_MSI = "0x0000000008000000 0x00000000080fffff msi\n";
  /**
   * IdeaPad Slim 3 15ABR8: IVMD 0x21 flags 0x08 on 03:00.0, start 0xccd42000 length 0x26000.
   * init_unity_map_range: PAGE_ALIGN(start) = start, end = start + PAGE_ALIGN(0x26000) exclusive;
   * exclusion forced to IR|IW, so amd_iommu_get_resv_regions gives DIRECT, then MSI, then HT.
   */
  private static final String IDEAPAD_IVMD = "0x00000000ccd42000 0x00000000ccd67fff direct\n";

  private static IvrsTable ideapad(List<InputNote> notes) throws InputException {
    return Notes.keep(IvrsReader.read(Corpus.read(Corpus.ivrsDir().resolve("lenovo-ideapad-slim-3-15abr8-82xm-f9685d1e4132/IVRS.bin")),
        "IVRS", false), notes);
  }

  private static IortTable orion(List<InputNote> notes) throws InputException {
    return Notes.keep(IortReader.read(Corpus.read(Corpus.iortDir().resolve("radxa-orion-o6-cix-sky1/IORT.bin")), "IORT", false), notes);
  }

  private SysfsSnapshot laptop(String wifiLines) throws InputException {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:02.3", 0x1022, 0x1634, 0, 0, 0x060400, "pcieport");
    f.pciDevice("0000:00:02.3/0000:03:00.0", 0x10ec, 0xc822, 0, 0, 0x028000, "rtw88_8822ce");
    f.pciDevice("0000:00:14.0", 0x1022, 0x790b, 0, 0, 0x0c0500, "piix4_smbus");
    f.group(0, "DMA-FQ", MSI + HT, "0000:00:02.3");
    f.group(1, "DMA-FQ", wifiLines, "0000:03:00.0");
    f.group(2, "DMA-FQ", MSI + HT, "0000:00:14.0");
    return Notes.keep(SysfsReader.read(tmp), notes);
  }

  private static List<String> lines(IommuGroup g) {
    return HostBuilder.mergedRegions(g).stream().map(Region::toSysfsLine).toList();
  }

  private List<String> warnings() {
    return notes.stream().filter(n -> n.level() == InputNote.Level.WARNING).map(InputNote::render).toList();
  }

  @Test
  void anIvrsExplainsAnAmdLaptop() throws InputException {
    SysfsSnapshot s = laptop(IDEAPAD_IVMD + MSI + HT);
    Host host = Notes.keep(HostBuilder.withFirmware(s, "ideapad", Firmware.none().withIvrs(ideapad(notes), "IVRS")), notes);
    assertThat(warnings()).isEmpty();
    IommuGroup wifi = host.group(1).orElseThrow();
    assertThat(wifi.members().get(0).regions().stream().map(Region::source).toList())
        .containsExactly(RegionSource.IVMD_EXCLUSION, RegionSource.MSI_WINDOW, RegionSource.HT_WINDOW).inOrder();
    assertThat(lines(wifi)).containsExactly(IDEAPAD_IVMD.strip(), MSI.strip(), HT.strip()).inOrder();
    assertThat(lines(host.group(0).orElseThrow())).containsExactly(MSI.strip(), HT.strip()).inOrder();
  }

  @Test
  void anIvrsWithABadChecksumGivesNoRegionsAndAWarning() throws InputException {
    byte[] bytes = Corpus.read(Corpus.ivrsDir().resolve("lenovo-ideapad-slim-3-15abr8-82xm-f9685d1e4132/IVRS.bin"));
    bytes[9] ^= 1;
    IvrsTable bad = Notes.keep(IvrsReader.read(bytes, "IVRS", false), notes);
    SysfsSnapshot s = laptop(IDEAPAD_IVMD + MSI + HT);
    Host host = Notes.keep(HostBuilder.withFirmware(s, "ideapad", Firmware.none().withIvrs(bad, "IVRS")), notes);
    assertThat(host.groups().stream().allMatch(g -> g.members().get(0).regions().isEmpty())).isTrue();
    assertThat(warnings()).contains("IVRS: offset 0x9: warning: IVRS checksum is bad: the AMD IOMMU driver does not"
        + " initialise (check_ivrs_checksum, \"IVRS invalid checksum\"), so no device gets reserved regions from it");
    // and every sysfs line is then unexplained
    assertThat(warnings().stream().filter(w -> w.contains("which the firmware tables do not explain")).count())
        .isEqualTo(7);
  }

  @Test
  void anIortGivesPciDevicesTheSwMsiWindow() throws InputException {
    SysfsFixture f = new SysfsFixture(tmp);
    f.pciDevice("0000:00:00.0", 0x1f6c, 0x0001, 0, 0, 0x060400, "pcieport");
    f.pciDevice("0000:00:00.0/0000:01:00.0", 0x144d, 0xa80a, 0, 0, 0x010802, "nvme");
    f.group(0, "DMA", SW_MSI, "0000:00:00.0");
    f.group(1, "DMA", SW_MSI, "0000:01:00.0");
    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);
    Host host = Notes.keep(HostBuilder.withFirmware(s, "orion", Firmware.none().withIort(orion(notes), "IORT")), notes);
    assertThat(warnings()).isEmpty();
    assertThat(host.group(1).orElseThrow().members().get(0).regions().get(0).source()).isEqualTo(RegionSource.SW_MSI);
  }

  @Test
  void withSeveralTablesEachDeviceTakesTheFirstServingVendorAndANoteSaysSo() throws InputException {
    SysfsSnapshot s = laptop(IDEAPAD_IVMD + MSI + HT);
    // IVRS before IORT: the AMD IOMMU serves segment 0 up to last_bdf 0xffff, so it wins for every device.
    Firmware both = Firmware.none().withIort(orion(notes), "IORT").withIvrs(ideapad(notes), "IVRS");
    assertThat(both.signatures()).containsExactly("IVRS", "IORT").inOrder();
    Host host = Notes.keep(HostBuilder.withFirmware(s, "mixed", both), notes);
    assertThat(warnings()).isEmpty();
    assertThat(notes.stream().map(InputNote::render).toList()).contains("IVRS: note: several IOMMU tables given"
        + " (IVRS, IORT); a real machine has one. Each device takes the regions of the first of DMAR, IVRS, IORT"
        + " whose IOMMU serves it, else of the IVRS");
    assertThat(lines(host.group(1).orElseThrow())).contains(IDEAPAD_IVMD.strip());
  }

  @Test
  void aDeviceNoTableServesFallsBackToTheFirstTable() throws InputException {
    byte[] bytes = Corpus.read(Corpus.ivrsDir().resolve("lenovo-ideapad-slim-3-15abr8-82xm-f9685d1e4132/IVRS.bin"));
    bytes[9] ^= 1; // the AMD driver gives up, so it serves nobody
    Firmware both = Firmware.none().withIvrs(Notes.keep(IvrsReader.read(bytes, "IVRS", false), notes), "IVRS")
        .withIort(orion(notes), "IORT");
    Host host = Notes.keep(HostBuilder.withFirmware(laptop(SW_MSI), "mixed", both), notes);
    // The IORT's root complex reaches the SMMU for every requester id, so the Arm regions apply.
    assertThat(lines(host.group(1).orElseThrow())).containsExactly(SW_MSI.strip());
  }

  @Test
  void theApertureIsTheDmarHostAddressWidthElseTheFullSpace() throws InputException {
    Firmware dmar = Firmware.none().withDmar(
        Notes.keep(DmarReader.read(Corpus.dmar("dell-latitude-5414-0aac6c2f8f5c"), "DMAR", false), notes), "DMAR");
    assertThat(HostBuilder.aperture(dmar)).isEqualTo(new AddressRange(0, (1L << 39) - 1)); // haw 0x26
    assertThat(Firmware.none().withIvrs(ideapad(notes), "IVRS").aperture()).isEqualTo(AddressRange.FULL);
    assertThat(Firmware.none().withIort(orion(notes), "IORT").aperture()).isEqualTo(AddressRange.FULL);
    assertThat(Firmware.none().aperture()).isEqualTo(AddressRange.FULL);
    assertThat(dmar.withIvrs(ideapad(notes), "IVRS").aperture()).isEqualTo(new AddressRange(0, (1L << 39) - 1));
  }

  @Test
  void noTablesIsTheSysfsOnlyHost() throws InputException {
    SysfsSnapshot s = laptop(IDEAPAD_IVMD + MSI + HT);
    Host host = Notes.keep(HostBuilder.withFirmware(s, "x", Firmware.none()), notes);
    assertThat(host.group(1).orElseThrow().groupRegions()).hasSize(3);
  }
}
