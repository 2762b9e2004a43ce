package dev.resvc.runtime.model;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.guest.GuestKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The order of the enums compiled policies test is ABI: generated classes switch on {@code ordinal()}
 * and build masks and index tables from it, so reordering a constant silently changes what a policy
 * compiled earlier decides. New constants go at the end, and this test is extended with them.
 */
class EnumOrderTest {
  @Test
  void regionTypesKeepTheKernelsOrder() {
    // enum iommu_resv_type: IOMMU_RESV_DIRECT, _DIRECT_RELAXABLE, _RESERVED, _MSI, _SW_MSI.
    assertThat(Arrays.stream(RegionType.values()).map(RegionType::resvName).toList())
        .containsExactly("direct", "direct-relaxable", "reserved", "msi", "sw-msi").inOrder();
  }

  @Test
  void regionSourcesKeepTheirOrder() {
    assertThat(Arrays.stream(RegionSource.values()).map(RegionSource::resvName).toList())
        .containsExactly("rmrr", "ivmd", "iort-rmr", "msi-window", "ht-window", "pci-window", "sw-msi",
            "floppy-wa", "sysfs", "ivmd-exclusion")
        .inOrder();
  }

  @Test
  void guestKindsKeepTheirOrder() {
    assertThat(Arrays.stream(GuestKind.values()).map(GuestKind::resvName).toList())
        .containsExactly("ram", "mmio", "rom", "reserved").inOrder();
  }
}
