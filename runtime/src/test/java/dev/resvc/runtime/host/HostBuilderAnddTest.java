package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.firmware.DeviceScope;
import dev.resvc.runtime.firmware.DmarBuilder;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.testing.Notes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ACPI namespace device in an IOMMU group of an Intel host: bound to a remapping unit through a
 * DMAR ANDD entry and an acpi-namespace scope as {@code dmar_acpi_dev_scope_init} and {@code
 * dmar_acpi_insert_dev_scope} (drivers/iommu/intel/dmar.c) bind it, on tables built to the VT-d
 * specification (section 8.5, ANDD structure type 4; scope type 5).
 */
class HostBuilderAnddTest {
  @TempDir Path tmp;
  private final List<InputNote> notes = new ArrayList<>();

  private static final String MSI = "0x00000000fee00000 0x00000000feefffff msi\n";
  private static final String I2C = "INT33C2:00";

  /** ANDD: header, 3 reserved bytes, the device number, the NUL-terminated object name. */
  private static DmarBuilder andd(DmarBuilder b, int number, String name) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0);
    body.write(0);
    body.write(0);
    body.write(number);
    body.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    body.write(0);
    return b.structure(4, 4 + body.size(), body.toByteArray());
  }

  private Host host(DmarBuilder dmar) throws InputException {
    SysfsFixture f = SysfsFixture.laptop(tmp);
    f.group(6, "DMA-FQ", MSI);
    f.platformDeviceInGroup(6, I2C, "\\_SB_.PCI0.I2C0", null);
    SysfsSnapshot s = Notes.keep(SysfsReader.read(tmp), notes);
    DmarTable table = Notes.keep(DmarReader.read(dmar.build(), "DMAR", false), notes);
    return Notes.keep(HostBuilder.withDmar(s, "laptop", table, "DMAR"), notes);
  }

  private List<String> about(String name) {
    return notes.stream().filter(n -> n.message().contains(name)).map(InputNote::render).toList();
  }

  private static List<String> regions(Host host) {
    IommuGroup g = host.group(6).orElseThrow();
    return g.member(I2C).orElseThrow().regions().stream().map(Region::toSysfsLine).toList();
  }

  @Test
  void anAnddNamedDeviceUnderAUnitGetsTheInterruptWindow() throws InputException {
    // The ANDD writes the path unpadded; acpi_get_handle pads each segment to four characters.
    Host host = host(andd(DmarBuilder.dmar().drhd(1, 0, 0xfed91000L,
        DmarBuilder.scope(DeviceScope.IOAPIC, 2, 0xf0, 0x1f, 0),
        DmarBuilder.scope(DeviceScope.ACPI_NAMESPACE, 1, 0, 0x15, 0)), 1, "\\_SB.PCI0.I2C0"));
    assertThat(regions(host)).containsExactly(MSI.strip());
    assertThat(about(I2C)).containsExactly("DMAR: offset 0x50: note: ACPI device \"INT33C2:00\" under DMAR at fed91000 as"
        + " 00:15.0 (the kernel's words; ANDD \\_SB.PCI0.I2C0, device number 1)");
  }

  @Test
  void anAnddNoUnitScopesIsUnderNoIommu() throws InputException {
    Host host = host(andd(DmarBuilder.dmar().drhd(1, 0, 0xfed91000L,
        DmarBuilder.scope(DeviceScope.ACPI_NAMESPACE, 2, 0, 0x15, 1)), 1, "\\_SB_.PCI0.I2C0"));
    assertThat(regions(host)).isEmpty();
    assertThat(about(I2C).get(0)).isEqualTo("DMAR: offset 0x48: warning: No IOMMU scope found for ANDD enumeration ID 1"
        + " (INT33C2:00) (the kernel's words: no remapping unit's scope carries the number of the ANDD entry naming"
        + " \\_SB_.PCI0.I2C0); it gets no regions from the DMAR");
  }

  @Test
  void aDeviceNoAnddNamesGetsNoRegions() throws InputException {
    Host host = host(andd(DmarBuilder.dmar().drhd(1, 0, 0xfed91000L,
        DmarBuilder.scope(DeviceScope.ACPI_NAMESPACE, 1, 0, 0x15, 0)), 1, "\\_SB_.PCI0.I2C1"));
    assertThat(regions(host)).isEmpty();
    assertThat(about(I2C).get(0)).endsWith(": warning: INT33C2:00 is in an IOMMU group, but no DMAR ANDD entry names"
        + " its ACPI object \\_SB_.PCI0.I2C0 (dmar_acpi_dev_scope_init); it gets no regions from the DMAR");
  }
}
