package dev.resvc.runtime.model;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@code device.kind} and {@code device.hid} read: the kind from the bus a member's {@code
 * subsystem} link names, and the _HID of the ACPI object sysfs links as the device's own {@code
 * firmware_node} ({@code acpi_bind_one}, drivers/acpi/glue.c), never an ancestor's.
 */
class DeviceKindTest {
  @Test
  void aPciFunctionIsPciAndHasNoHid() {
    PciDevice xhci = PciDevice.simple(PciAddress.parse("00:14.0"), 0x8086, 0xa36d, 0x0c0330);
    assertThat(xhci.kind()).isEqualTo(DeviceKind.PCI);
    assertThat(xhci.hid()).isEmpty();
    assertThat(xhci.name()).isEqualTo("0000:00:14.0");
  }

  @Test
  void aMemberThatIsNotPciTakesTheKindOfItsBus() {
    assertThat(DeviceKind.ofBus("platform")).isEqualTo(DeviceKind.PLATFORM);
    assertThat(DeviceKind.ofBus("fsl-mc")).isEqualTo(DeviceKind.FSL_MC);
    assertThat(DeviceKind.ofBus("amba")).isEqualTo(DeviceKind.AMBA);
    // any other bus, and the words policies use but no bus is named
    for (String bus : List.of("spi", "i2c", "host1x", "other", "pci")) {
      DeviceKind expected = bus.equals("pci") ? DeviceKind.PCI : DeviceKind.OTHER;
      assertThat(DeviceKind.ofBus(bus)).isEqualTo(expected);
    }
  }

  @Test
  void theHidIsTheDevicesOwnAcpiObjects() {
    AcpiNode pltf = AcpiNode.own("\\_SB_.PLTF", "MSFT0201", Optional.of("1"));
    PlatformDevice own = new PlatformDevice("MSFT0201:00", "platform", Optional.empty(), Optional.of(pltf));
    assertThat(own.kind()).isEqualTo(DeviceKind.PLATFORM);
    assertThat(own.hid()).hasValue("MSFT0201");

    // dprc.1 has no firmware_node of its own: fsl_mc_bus_probe gives the root container the MC's
    // fwnode but binds no ACPI object, so sysfs shows only its parent's (NXP0008:00)
    AcpiNode mc = AcpiNode.own("\\_SB_.MCE0", "NXP0008", Optional.empty()).inheritedFrom("NXP0008:00");
    PlatformDevice dprc = new PlatformDevice("dprc.1", "fsl-mc", Optional.of("fsl_mc_dprc"), Optional.of(mc));
    assertThat(dprc.kind()).isEqualTo(DeviceKind.FSL_MC);
    assertThat(dprc.hid()).isEmpty();

    // an ACPI object without ids has no hid file
    AcpiNode noIds = AcpiNode.own("\\_SB_.DEV0", "", Optional.empty());
    assertThat(new PlatformDevice("dev0", "amba", Optional.empty(), Optional.of(noIds)).hid()).isEmpty();
    assertThat(new PlatformDevice("dev1", "spi", Optional.empty(), Optional.empty()).kind()).isEqualTo(DeviceKind.OTHER);
  }
}
