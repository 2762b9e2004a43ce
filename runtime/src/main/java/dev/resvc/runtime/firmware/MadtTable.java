package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded MADT (signature {@code APIC}), as far as resvc needs it: which interrupt-controller
 * structures it lists, and the GIC ITS units. On Arm, a GIC ITS structure is what lets MSIs be
 * isolated (the ITS irq domain carries {@code IRQ_DOMAIN_FLAG_ISOLATED_MSI}; docs/kernel-eras.md §7),
 * and its base address is where the HiSilicon Hi161x SMMUv3 workaround reserves the ITS translation
 * page ({@code iort_iommu_msi_get_resv_regions}).
 *
 * @param header the common ACPI header
 * @param structures the interrupt-controller structures in table order
 * @param gicIts the GIC ITS structures long enough to hold their base address, in table order
 */
public record MadtTable(AcpiHeader header, List<Structure> structures, List<GicIts> gicIts) {
  /** MADT structure type of a GIC Interrupt Translation Service (ACPI 6.x, table 5.45). */
  public static final int TYPE_GIC_ITS = 0x0f;

  public MadtTable {
    Objects.requireNonNull(header, "header");
    structures = List.copyOf(structures);
    gicIts = List.copyOf(gicIts);
  }

  /** One interrupt-controller structure: where it starts, its type and its length. */
  public record Structure(long offset, int type, int length) {}

  /**
   * A GIC ITS structure ({@code struct acpi_madt_generic_translator}, 20 bytes): the kernel's ITS
   * driver registers each one under its translation ID with its base address ({@code
   * gic_acpi_parse_madt_its} → {@code iort_register_domain_token}), which is how an IORT ITS group's
   * identifiers find their ITS ({@code iort_find_its_base}).
   *
   * @param offset the structure's offset in the table
   * @param translationId the GIC ITS ID (u32), what IORT ITS groups name
   * @param baseAddress the ITS's physical base address (u64)
   */
  public record GicIts(long offset, long translationId, long baseAddress) {
    /** {@code sizeof(struct acpi_madt_generic_translator)}. */
    public static final int SIZE = 20;
  }

  /** The ITS the kernel registered under {@code translationId}: the first structure naming it. */
  public Optional<GicIts> its(long translationId) {
    return gicIts.stream().filter(i -> i.translationId() == translationId).findFirst();
  }

  /** Whether the table lists at least one GIC ITS. */
  public boolean hasGicIts() {
    return structures.stream().anyMatch(s -> s.type() == TYPE_GIC_ITS);
  }
}
