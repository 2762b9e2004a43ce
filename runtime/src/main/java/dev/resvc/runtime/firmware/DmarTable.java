package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;

/**
 * A decoded DMAR (Intel VT-d) table: the source of RMRRs, and so of the direct-mapped reserved
 * regions the kernel gives devices on Intel hosts.
 *
 * @param haw the raw host address width byte; the width in bits is {@code haw + 1}
 * @param flags the DMAR flags byte (bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN)
 * @param structures the remapping structures in table order
 */
public record DmarTable(AcpiHeader header, int haw, int flags, List<DmarStructure> structures) {
  public DmarTable {
    Objects.requireNonNull(header, "header");
    structures = List.copyOf(Objects.requireNonNull(structures, "structures"));
  }

  /** The host address width in bits ({@code haw + 1}). */
  public int hostAddressWidth() {
    return haw + 1;
  }

  /** The RMRRs in table order (the kernel's unit list holds them in reverse order). */
  public List<DmarStructure.Rmrr> rmrrs() {
    return structures.stream()
        .filter(DmarStructure.Rmrr.class::isInstance)
        .map(DmarStructure.Rmrr.class::cast)
        .toList();
  }

  /** The remapping units in table order. */
  public List<DmarStructure.Drhd> drhds() {
    return structures.stream()
        .filter(DmarStructure.Drhd.class::isInstance)
        .map(DmarStructure.Drhd.class::cast)
        .toList();
  }

  /** The ACPI namespace device declarations (ANDD) in table order. */
  public List<DmarStructure.Andd> andds() {
    return structures.stream()
        .filter(DmarStructure.Andd.class::isInstance)
        .map(DmarStructure.Andd.class::cast)
        .toList();
  }
}
