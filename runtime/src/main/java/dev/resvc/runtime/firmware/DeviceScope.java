package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;

/**
 * One device scope entry of a DMAR structure: which device (or bridge, IOAPIC, HPET, ACPI namespace
 * device) a remapping unit or RMRR applies to. It exists because the kernel binds RMRRs to devices by
 * exactly these fields: the start bus and the (device, function) path from it.
 *
 * @param offset the entry's byte offset in the table
 * @param type 1 PCI endpoint, 2 PCI bridge (sub-hierarchy), 3 IOAPIC, 4 HPET, 5 ACPI namespace device
 * @param length the entry's length byte (6 + 2 per hop)
 * @param flags the byte at entry offset 2 (newest ACPICA: flags; older: reserved)
 * @param enumerationId IOAPIC id, HPET number or ANDD device number
 * @param startBus the bus the first hop is on
 * @param path the hops from the start bus down to the device
 */
public record DeviceScope(
    long offset, int type, int length, int flags, int enumerationId, int startBus, List<PathHop> path) {

  /** Scope type 1. */
  public static final int PCI_ENDPOINT = 1;
  /** Scope type 2: a bridge and everything below it. */
  public static final int PCI_BRIDGE = 2;
  /** Scope type 3. */
  public static final int IOAPIC = 3;
  /** Scope type 4: an MSI-capable HPET. */
  public static final int HPET = 4;
  /** Scope type 5. */
  public static final int ACPI_NAMESPACE = 5;

  /** One step of a scope's path: a (device, function) on the current bus. */
  public record PathHop(int device, int function) {}

  public DeviceScope {
    path = List.copyOf(Objects.requireNonNull(path, "path"));
  }

  /** {@code pci-endpoint}, {@code pci-bridge}, {@code ioapic}, {@code hpet}, {@code acpi-namespace} or {@code type<N>}. */
  public String kindName() {
    return switch (type) {
      case PCI_ENDPOINT -> "pci-endpoint";
      case PCI_BRIDGE -> "pci-bridge";
      case IOAPIC -> "ioapic";
      case HPET -> "hpet";
      case ACPI_NAMESPACE -> "acpi-namespace";
      default -> "type" + type;
    };
  }

  /** True for the types whose enumeration id means something (IOAPIC, HPET, ACPI namespace). */
  public boolean hasEnumerationId() {
    return type == IOAPIC || type == HPET || type == ACPI_NAMESPACE;
  }
}
