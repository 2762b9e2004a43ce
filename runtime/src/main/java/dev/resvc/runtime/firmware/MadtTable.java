package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;

/**
 * A decoded MADT (signature {@code APIC}), as far as resvc needs it: which interrupt-controller
 * structures it lists. On Arm, a GIC ITS structure is what lets MSIs be isolated (the ITS irq
 * domain carries {@code IRQ_DOMAIN_FLAG_ISOLATED_MSI}; docs/kernel-eras.md §7).
 *
 * @param header the common ACPI header
 * @param structures the interrupt-controller structures in table order
 */
public record MadtTable(AcpiHeader header, List<Structure> structures) {
  /** MADT structure type of a GIC Interrupt Translation Service (ACPI 6.x, table 5.45). */
  public static final int TYPE_GIC_ITS = 0x0f;

  public MadtTable {
    Objects.requireNonNull(header, "header");
    structures = List.copyOf(structures);
  }

  /** One interrupt-controller structure: where it starts, its type and its length. */
  public record Structure(long offset, int type, int length) {}

  /** Whether the table lists at least one GIC ITS. */
  public boolean hasGicIts() {
    return structures.stream().anyMatch(s -> s.type() == TYPE_GIC_ITS);
  }
}
