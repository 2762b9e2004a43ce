package dev.resvc.runtime.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelTest {
  @Test
  void regionTypesAreInTheKernelsEnumOrderWithTheirSysfsStrings() {
    assertThat(List.of(RegionType.values())).containsExactly(
        RegionType.DIRECT, RegionType.DIRECT_RELAXABLE, RegionType.RESERVED, RegionType.MSI, RegionType.SW_MSI)
        .inOrder();
    assertThat(RegionType.SW_MSI.sysfsName()).isEqualTo("msi");
    assertThat(RegionType.DIRECT_RELAXABLE.sysfsName()).isEqualTo("direct-relaxable");
    assertThat(RegionType.bySysfsName("msi")).hasValue(RegionType.MSI);
    assertThat(RegionType.byResvName("sw-msi")).hasValue(RegionType.SW_MSI);
  }

  @Test
  void regionEndWrapsLikeTheKernel() {
    Region zero = new Region(0x1000, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR);
    assertThat(zero.end()).isEqualTo(0xfff);
    assertThat(zero.isInverted()).isTrue();
    assertThat(zero.range()).isEmpty();
    Region atZero = new Region(0, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR);
    assertThat(atZero.toSysfsLine()).isEqualTo("0x0000000000000000 0xffffffffffffffff direct");
    Region top = Region.ofInclusive(0xfffffffffffff000L, -1L, RegionType.RESERVED, Prot.NONE, RegionSource.SYSFS);
    assertThat(top.length()).isEqualTo(0x1000);
    assertThat(top.toSysfsLine()).isEqualTo("0xfffffffffffff000 0xffffffffffffffff reserved");
    Region swMsi = Region.ofInclusive(0x8000000, 0x80fffff, RegionType.SW_MSI, Prot.MSI_DOORBELL, RegionSource.SW_MSI);
    assertThat(swMsi.toSysfsLine()).isEqualTo("0x0000000008000000 0x00000000080fffff msi");
    assertThat(Prot.MSI_DOORBELL.toString()).isEqualTo("write|noexec|mmio");
  }

  @Test
  void pciAddressesParseAndFormat() {
    assertThat(PciAddress.parse("0000:00:14.0")).isEqualTo(PciAddress.of(0, 0, 0x14, 0));
    assertThat(PciAddress.parse("00:1f.6")).isEqualTo(PciAddress.of(0, 0, 0x1f, 6));
    assertThat(PciAddress.parse("10000:3:0.1".substring(1))).isEqualTo(PciAddress.of(0, 3, 0, 1));
    assertThat(PciAddress.of(1, 0x80, 2, 0).toString()).isEqualTo("0001:80:02.0");
    assertThat(PciAddress.of(0, 0, 0x14, 0).toShortString()).isEqualTo("00:14.0");
    assertThat(PciAddress.of(0, 0, 0x14, 0).toString()).isEqualTo("0000:00:14.0");
    assertThat(PciAddress.of(0xffff, 0xff, 0x1f, 7).toString()).isEqualTo("ffff:ff:1f.7");
    assertThat(PciAddress.of(0x1a, 0x0b, 0x02, 3).toShortString()).isEqualTo("001a:0b:02.3");
    assertThat(PciAddress.of(0, 2, 0, 0).requesterId()).isEqualTo(0x200);
  }

  @Test
  void badPciAddressesSayWhatIsWrong() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00:20.0")))
        .hasMessageThat().contains("device 0x20 is above 0x1f");
    assertThat(assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00:14.8")))
        .hasMessageThat().contains("function 8 is above 7");
    assertThat(assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00-14.0")))
        .hasMessageThat().contains("is not a PCI address");
    assertThat(assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("0:100:00.0")))
        .hasMessageThat().contains("bus must be 1 to 2 hex digits");
    assertThat(assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00:1g.0")))
        .hasMessageThat().contains("not a hex device");
  }

  @Test
  void devicesKnowTheirBridgesAndClasses() {
    PciAddress rootPort = PciAddress.parse("00:1c.0");
    PciDevice nvme = new PciDevice(PciAddress.parse("02:00.0"), 0x144d, 0xa808, 0x144d, 0xa801, 0x010802,
        Optional.of("nvme"), false, List.of(rootPort));
    assertThat(nvme.isDownstreamOf(rootPort)).isTrue();
    assertThat(nvme.isDownstreamOf(nvme.address())).isFalse();
    assertThat(nvme.rootBus()).isEqualTo(0);
    assertThat(PciClasses.name(0x0c0330)).isEqualTo("USB controller (xHCI)");
    assertThat(PciClasses.name(0x030000)).isEqualTo("VGA compatible controller");
    assertThat(PciClasses.name(0x010802)).isEqualTo("non-volatile memory controller");
    assertThat(PciClasses.isUsbOrDisplay(0x0c0320)).isTrue();
    assertThat(PciClasses.isUsbOrDisplay(0x038000)).isTrue();
    assertThat(PciClasses.isUsbOrDisplay(0x0c0500)).isFalse();
    assertThrows(IllegalArgumentException.class,
        () -> PciDevice.simple(PciAddress.parse("00:02.0"), 0x8086, 0x3e9b, 0x1000000));
  }
}
