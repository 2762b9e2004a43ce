package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VtdUnits} and {@link HostApertures} on a built laptop tree ({@link SysfsFixture#laptop}) with
 * two remapping units laid out as drivers/iommu/intel/iommu.c exports them ({@code
 * class/iommu/dmarN -> ../../devices/virtual/iommu/dmarN}, {@code intel-iommu/{cap,ecap,address}} as
 * {@code "%llx\n"}, {@code devices/X} links made by {@code iommu_device_link}). No shipped host or
 * cited source gives a real machine's registers, so the values are built to the register layout: the
 * graphics unit 39-bit 3-level legacy, the other 48-bit 4-level with scalable mode and both stages.
 */
class HostAperturesTest {
  private static final KernelRelease V6_16 = KernelRelease.of(6, 16);
  /** MGAW 39, SAGAW 3-level. */
  private static final String GFX_CAP = Long.toHexString((38L << 16) | (0b00010L << 8));
  /** MGAW 48, SAGAW 4-level. */
  private static final String MAIN_CAP = Long.toHexString((47L << 16) | (0b00100L << 8));
  /** ecap_smts, ecap_slts, ecap_flts. */
  private static final String SM_BOTH = Long.toHexString((1L << 43) | (1L << 46) | (1L << 47));

  @TempDir Path tmp;
  private Path live;
  private SysfsFixture sys;

  @BeforeEach
  void laptopWithTwoUnits() {
    live = tmp.resolve("sys");
    sys = SysfsFixture.laptop(live);
    unit(sys, 0, GFX_CAP, "0", "fed90000", "pci0000:00/0000:00:02.0");
    unit(sys, 1, MAIN_CAP, SM_BOTH, "fed91000", "pci0000:00/0000:00:00.0", "pci0000:00/0000:00:14.0",
        "pci0000:00/0000:00:1c.0", "pci0000:00/0000:00:1c.0/0000:02:00.0", "pci0000:00/0000:00:1f.0",
        "pci0000:00/0000:00:1f.4");
  }

  static void unit(SysfsFixture sys, int n, String cap, String ecap, String address, String... devices) {
    String dir = "devices/virtual/iommu/dmar" + n;
    sys.write(dir + "/intel-iommu/cap", cap + "\n");
    sys.write(dir + "/intel-iommu/ecap", ecap + "\n");
    sys.write(dir + "/intel-iommu/address", address + "\n");
    for (String d : devices) {
      sys.symlink(dir + "/devices/" + d.substring(d.lastIndexOf('/') + 1), "devices/" + d);
    }
    sys.symlink("class/iommu/dmar" + n, dir);
  }

  private Host host() throws InputException {
    return HostBuilder.fromSysfs(SysfsReader.read(live).value(), "laptop");
  }

  private HostApertures apertures(Optional<String> cmdline, KernelRelease release) throws InputException {
    return HostApertures.of(host().groups(), Firmware.none(), VtdUnits.read(live), cmdline, release);
  }

  @Test
  void unitsAreReadWithTheirRegistersAndDevices() throws Exception {
    VtdUnits units = VtdUnits.read(live);
    assertThat(units.units().stream().map(VtdUnits.Unit::name).toList()).containsExactly("dmar0", "dmar1").inOrder();
    assertThat(units.units().get(0).cap()).isEqualTo(Long.parseLong(GFX_CAP, 16));
    assertThat(units.units().get(1).address()).isEqualTo(0xfed91000L);
    assertThat(units.units().get(0).devices()).containsExactly("0000:00:02.0");
    assertThat(units.unitOf("0000:02:00.0").orElseThrow().name()).isEqualTo("dmar1");
  }

  @Test
  void eachGroupTakesItsOwnUnitsAperture() throws Exception {
    HostApertures a = apertures(Optional.of("quiet splash"), V6_16);
    // the IGD's unit: legacy, 39 bits
    assertThat(a.of(0).range()).isEqualTo(new AddressRange(0, (1L << 39) - 1));
    assertThat(a.of(0).source()).contains("dmar0");
    // the NVMe's unit: scalable mode assumed, both stages, v6.13+: first stage, bit 47 unusable
    assertThat(a.of(5).range()).isEqualTo(new AddressRange(0, (1L << 47) - 1));
    assertThat(a.of(5).source()).contains("first stage");
    assertThat(a.assumptions()).hasSize(1);
    assertThat(a.assumptions().get(0)).contains("scalable mode");
  }

  @Test
  void theCommandLineDecidesScalableModeLastOptionWinning() throws Exception {
    HostApertures off = apertures(Optional.of("intel_iommu=on,sm_off"), V6_16);
    assertThat(off.of(5).range()).isEqualTo(new AddressRange(0, (1L << 48) - 1));
    assertThat(off.assumptions()).isEmpty();
    HostApertures on = apertures(Optional.of("intel_iommu=sm_off intel_iommu=igfx_off,sm_on"), V6_16);
    assertThat(on.of(5).range()).isEqualTo(new AddressRange(0, (1L << 47) - 1));
    assertThat(on.assumptions()).isEmpty();
    // __setup names compare byte for byte: intel-iommu= is not intel_iommu=
    assertThat(HostApertures.scalableMode("intel-iommu=sm_off")).isEqualTo(Optional.empty());
  }

  @Test
  void beforeV613TheVfioDomainTookTheSecondStage() throws Exception {
    HostApertures a = apertures(Optional.empty(), KernelRelease.of(6, 12));
    assertThat(a.of(5).range()).isEqualTo(new AddressRange(0, (1L << 48) - 1));
    assertThat(a.assumptions()).isEmpty(); // sm on or off gives the same answer there
  }

  @Test
  void aGroupNoUnitListsTakesTheNarrowestUnitsSaidSo() throws Exception {
    Files.delete(live.resolve("devices/virtual/iommu/dmar1/devices/0000:02:00.0"));
    HostApertures a = apertures(Optional.of("intel_iommu=sm_off"), V6_16);
    assertThat(a.of(5).range()).isEqualTo(new AddressRange(0, (1L << 39) - 1));
    assertThat(a.of(5).source()).startsWith("no dmar unit lists the group's devices");
  }

  @Test
  void withoutCapTheDmarHostAddressWidthIsUsedSaidSo() throws Exception {
    byte[] dmar = Files.readAllBytes(Path.of("..", "examples", "hosts", "dell-latitude-5414", "firmware", "acpi",
        "tables", "DMAR"));
    Firmware firmware = Firmware.none().withDmar(DmarReader.read(dmar, "DMAR", false).value(), "DMAR");
    int haw = firmware.dmar().orElseThrow().table().hostAddressWidth();
    HostApertures a = HostApertures.of(host().groups(), firmware, new VtdUnits(List.of()), Optional.empty(), V6_16);
    assertThat(a.of(5).range()).isEqualTo(new AddressRange(0, (1L << haw) - 1));
    assertThat(a.of(5).source()).contains("DMAR host address width (" + haw + " bits)");
  }

  @Test
  void aSnapshotCopiesTheUnits() throws Exception {
    Path out = tmp.resolve("snap");
    SnapshotWriter.write(live, out);
    assertThat(VtdUnits.read(out)).isEqualTo(VtdUnits.read(live));
  }

  @Test
  void aRegisterTheKernelWouldNotPrintIsOneErrorNamingTheFile() {
    sys.write("devices/virtual/iommu/dmar1/intel-iommu/cap", "0xZZ\n");
    InputException e = assertThrows(InputException.class, () -> VtdUnits.read(live));
    assertThat(e.getMessage()).contains("dmar1/intel-iommu/cap");
    assertThat(e.getMessage()).contains("not a register");
    sys.write("devices/virtual/iommu/dmar1/intel-iommu/cap", "1ffffffffffffffff\n");
    assertThat(assertThrows(InputException.class, () -> VtdUnits.read(live)).getMessage()).contains("not a register");
  }

  @Test
  void aUnitWithCapButNoEcapIsAnError() throws Exception {
    Files.delete(live.resolve("devices/virtual/iommu/dmar0/intel-iommu/ecap"));
    InputException e = assertThrows(InputException.class, () -> VtdUnits.read(live));
    assertThat(e.getMessage()).contains("dmar0/intel-iommu/ecap");
    assertThat(e.getMessage()).contains("missing");
  }

  @Test
  void anAmdHostTakesItsPageTablesAperture() throws Exception {
    byte[] ivrs = Files.readAllBytes(Path.of("..", "examples", "hosts", "lenovo-thinkpad-l14-gen3-amd", "firmware",
        "acpi", "tables", "IVRS"));
    Firmware firmware = Firmware.none().withIvrs(IvrsReader.read(ivrs, "IVRS", false).value(), "IVRS");
    VtdUnits none = new VtdUnits(List.of());
    // v1 (the default): all 64 bits
    HostApertures v1 = HostApertures.of(host().groups(), firmware, none, Optional.of("amd_iommu=pgtbl_v2,pgtbl_v1"),
        V6_16);
    assertThat(v1.of(0).range()).isEqualTo(AddressRange.FULL);
    assertThat(v1.assumptions()).isEmpty();
    // v2 from v6.4 (11c439a19466): 48 bits with 4 levels, which is assumed
    HostApertures v2 = HostApertures.of(host().groups(), firmware, none, Optional.of("iommu=pt amd_iommu=pgtbl_v2"),
        V6_16);
    assertThat(v2.of(0).range()).isEqualTo(new AddressRange(0, (1L << 48) - 1));
    assertThat(v2.assumptions().get(0)).contains("4-level");
    // v6.3: the v2 domain still claimed the full space
    assertThat(HostApertures.of(host().groups(), firmware, none, Optional.of("amd_iommu=pgtbl_v2"),
        KernelRelease.of(6, 3)).of(0).range()).isEqualTo(AddressRange.FULL);
  }
}
