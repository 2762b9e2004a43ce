package dev.resvc.runtime.kernel;

import dev.resvc.runtime.firmware.DeviceScope;
import dev.resvc.runtime.firmware.DmarStructure;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The regions the Intel VT-d driver reports for each device ({@code intel_iommu_get_resv_regions},
 * drivers/iommu/intel/iommu.c), after binding RMRR device scopes to the devices present the way
 * {@code dmar_insert_dev_scope} and {@code dmar_match_pci_path} (drivers/iommu/intel/dmar.c) do.
 *
 * <p>Binding: a device is bound to an RMRR by the first ENDPOINT or BRIDGE scope entry, on the RMRR's
 * segment, whose start bus and (device, function) path equal the device's path from its root bus; a
 * single-hop entry that fails that but names the device's own (bus, device, function) is accepted
 * too, as the kernel's "RMRR entry ... is broken - applying workaround". A type mismatch (an endpoint
 * entry naming a device with a bridge header; a bridge entry naming a device with a normal header
 * whose class is not a bridge's, {@link #bridgeScopeAccepts}) makes the kernel warn "Device scope type
 * does not match" and stop binding that device: a mismatch in a remapping unit's (DRHD) scope, which
 * {@code dmar_pci_bus_add_dev} walks first, binds it to no RMRR at all; one in an RMRR's scope binds it
 * to no further RMRR ({@code dmar_iommu_notify_scope_dev} returns at the first error).
 *
 * <p>Per device, in order: for each RMRR (the kernel keeps them in reverse table order) and each
 * device bound to it that is the device itself or a bridge above it, the RMRR's range, {@code
 * direct-relaxable} if the device is a USB or display controller ({@code device_rmrr_is_relaxable})
 * else {@code direct}; then, for a PCI-to-ISA bridge, the floppy workaround range {@code [0, 16 MiB)}
 * ({@code CONFIG_INTEL_IOMMU_FLOPPY_WA}, on by default on x86); then the interrupt window {@code
 * 0xfee00000..0xfeefffff} as {@code msi}.
 *
 * <p>That is the driver from v5.5 on. Older releases differ (docs/kernel-eras.md section 3): before
 * v5.3 every RMRR is {@code direct} (adfd37382090 and 1c5c59fbad20 brought the relaxable type), an
 * RMRR applies only to the devices its scope names, not to those below a named bridge ("iommu/vt-d:
 * Handle RMRR with PCI bridge device scopes"), and there is no floppy range; in v5.3 and v5.4 the
 * floppy range is {@code direct} with prot 0 (d850c2ee5fe2), made relaxable by d8018a0e9195 and
 * read/write by "iommu/vt-d: Allocate reserved region for ISA with correct permission", both v5.5.
 */
public final class IntelRegionBuilder {
  public static final long IOAPIC_RANGE_START = 0xfee00000L;
  public static final long IOAPIC_RANGE_END = 0xfeefffffL;
  public static final long FLOPPY_WA_LENGTH = 1L << 24;

  /** An RMRR with the devices its scope entries are bound to. */
  public record BoundRmrr(DmarStructure.Rmrr rmrr, List<PciDevice> boundDevices) {
    public BoundRmrr {
      boundDevices = List.copyOf(boundDevices);
    }
  }

  /**
   * An ACPI namespace device bound to a remapping unit: the ANDD entry naming its ACPI object, the
   * unit whose acpi-namespace scope carries the entry's device number, and that scope entry, whose
   * start bus and path give the device the requester id it issues DMA with.
   */
  public record NamespaceDevice(DmarStructure.Andd andd, DmarStructure.Drhd drhd, DeviceScope scope) {
    public NamespaceDevice {
      Objects.requireNonNull(andd, "andd");
      Objects.requireNonNull(drhd, "drhd");
      Objects.requireNonNull(scope, "scope");
    }
  }

  private final List<BoundRmrr> units;
  private final KernelRelease release;
  private final List<DmarStructure.Andd> andds;
  /** The remapping units in the kernel's list order ({@code dmar_register_drhd_unit}). */
  private final List<DmarStructure.Drhd> drhdsInKernelOrder;

  private IntelRegionBuilder(List<BoundRmrr> units, KernelRelease release, List<DmarStructure.Andd> andds,
      List<DmarStructure.Drhd> drhdsInKernelOrder) {
    this.units = List.copyOf(units);
    this.release = Objects.requireNonNull(release, "release");
    this.andds = List.copyOf(andds);
    this.drhdsInKernelOrder = List.copyOf(drhdsInKernelOrder);
  }

  /**
   * Binds every RMRR of {@code table} to the present {@code devices}, for the driver of {@code
   * release}; binding problems the kernel logs become the result's notes, on {@code source}.
   */
  public static Read<IntelRegionBuilder> bind(DmarTable table, List<PciDevice> devices, KernelRelease release,
      String source) {
    List<InputNote> notes = new ArrayList<>();
    List<DmarStructure.Rmrr> rmrrs = new ArrayList<>(table.rmrrs());
    Collections.reverse(rmrrs); // list_add() in dmar_parse_one_rmrr prepends each unit
    List<List<PciDevice>> bound = new ArrayList<>();
    rmrrs.forEach(r -> bound.add(new ArrayList<>()));

    // Devices are added in bus-scan order at boot; ascending address stands for it.
    List<PciDevice> byAddress = devices.stream().sorted(Comparator.comparing(PciDevice::address)).toList();
    // dmar_register_drhd_unit puts each unit at the head of the list and INCLUDE_PCI_ALL ones at the
    // tail; those have no scope dmar_pci_bus_add_dev walks.
    List<DmarStructure.Drhd> drhds = new ArrayList<>(table.drhds().stream().filter(d -> !d.includePciAll()).toList());
    Collections.reverse(drhds);
    for (PciDevice device : byAddress) {
      Optional<DmarStructure.Drhd> refused = drhdMismatch(drhds, device, release);
      if (refused.isPresent()) {
        notes.add(InputNote.warning(source, Position.offset(refused.get().offset()),
            "device scope type does not match for " + device.address() + " (in the scope of the remapping unit"
                + " at " + U64.hex(refused.get().registerBase()) + ": the kernel binds this device to no RMRR)"));
        continue;
      }
      for (int u = 0; u < rmrrs.size(); u++) {
        DmarStructure.Rmrr rmrr = rmrrs.get(u);
        Binding b = match(rmrr.segment(), rmrr.scopes(), device, release);
        if (b == Binding.NONE) {
          continue;
        }
        if (b == Binding.MISMATCH) {
          notes.add(InputNote.warning(source, Position.offset(rmrr.offset()),
              "device scope type does not match for " + device.address() + " (the kernel refuses the binding"
                  + " and binds this device to no further RMRR)"));
          break;
        }
        if (b == Binding.WORKAROUND) {
          notes.add(InputNote.note(source, Position.offset(rmrr.offset()), String.format(
              "RMRR entry for device %02x:%02x.%x is broken - applying workaround (the kernel's words:"
                  + " its path does not start at the device's root bus)",
              device.address().bus(), device.address().device(), device.address().function())));
        }
        bound.get(u).add(device);
      }
    }
    List<BoundRmrr> units = new ArrayList<>();
    for (int u = 0; u < rmrrs.size(); u++) {
      units.add(new BoundRmrr(rmrrs.get(u), bound.get(u)));
      reportUnbound(rmrrs.get(u), bound.get(u), source, notes);
    }
    // dmar_register_drhd_unit: list_add_rcu at the head, INCLUDE_PCI_ALL units at the tail.
    List<DmarStructure.Drhd> kernelOrder = new ArrayList<>(table.drhds().stream().filter(d -> !d.includePciAll())
        .toList());
    Collections.reverse(kernelOrder);
    table.drhds().stream().filter(DmarStructure.Drhd::includePciAll).forEach(kernelOrder::add);
    return new Read<>(new IntelRegionBuilder(units, release, table.andds(), kernelOrder), notes);
  }

  private enum Binding { NONE, EXACT, WORKAROUND, MISMATCH }

  /**
   * The first remapping unit, in the kernel's list order, whose scope names {@code device} with the
   * wrong type, when none before it binds the device ({@code dmar_pci_bus_add_dev} stops at the first
   * unit that binds or refuses it).
   */
  private static Optional<DmarStructure.Drhd> drhdMismatch(List<DmarStructure.Drhd> drhds, PciDevice device,
      KernelRelease release) {
    for (DmarStructure.Drhd drhd : drhds) {
      Binding b = match(drhd.segment(), drhd.scopes(), device, release);
      if (b == Binding.MISMATCH) {
        return Optional.of(drhd);
      }
      if (b != Binding.NONE) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** {@code dmar_insert_dev_scope} for one structure's scope and one device: the first matching entry decides. */
  private static Binding match(int segment, List<DeviceScope> scopes, PciDevice device, KernelRelease release) {
    if (segment != device.address().segment()) {
      return Binding.NONE;
    }
    for (DeviceScope scope : scopes) {
      if (scope.type() != DeviceScope.PCI_ENDPOINT && scope.type() != DeviceScope.PCI_BRIDGE) {
        continue;
      }
      Binding path = matchPath(scope, device);
      if (path == Binding.NONE) {
        continue;
      }
      boolean mismatch = scope.type() == DeviceScope.PCI_ENDPOINT
          ? device.bridge()
          : !device.bridge() && !bridgeScopeAccepts(device.classCode(), release);
      return mismatch ? Binding.MISMATCH : path;
    }
    return Binding.NONE;
  }

  /**
   * Whether a BRIDGE scope entry may name a device with a normal (type 0) header of class {@code
   * classCode} in {@code release}: an NTB, class 0x0680 ({@code PCI_CLASS_BRIDGE_OTHER}); from "iommu/vt-d:
   * Don't reject nvme host due to scope mismatch" any bridge base class 0x06, host bridges included
   * ({@link KernelEra#DMAR_BRIDGE_SCOPE_BASE_CLASS}).
   */
  static boolean bridgeScopeAccepts(int classCode, KernelRelease release) {
    return KernelEra.DMAR_BRIDGE_SCOPE_BASE_CLASS.in(release)
        ? classCode >>> 16 == 0x06
        : classCode >>> 8 == 0x0680;
  }

  /** {@code dmar_match_pci_path}. */
  private static Binding matchPath(DeviceScope scope, PciDevice device) {
    List<PciAddress> hops = new ArrayList<>(device.upstreamBridges());
    hops.add(device.address());
    List<DeviceScope.PathHop> path = scope.path();
    if (scope.startBus() == device.rootBus() && path.size() == hops.size()) {
      boolean same = true;
      for (int i = 0; i < path.size() && same; i++) {
        same = path.get(i).device() == hops.get(i).device() && path.get(i).function() == hops.get(i).function();
      }
      if (same) {
        return Binding.EXACT;
      }
    }
    if (path.size() == 1) {
      PciAddress own = device.address();
      if (scope.startBus() == own.bus() && path.get(0).device() == own.device()
          && path.get(0).function() == own.function()) {
        return Binding.WORKAROUND;
      }
    }
    return Binding.NONE;
  }

  private static void reportUnbound(DmarStructure.Rmrr rmrr, List<PciDevice> bound, String source, List<InputNote> notes) {
    long pciEntries = rmrr.scopes().stream()
        .filter(s -> s.type() == DeviceScope.PCI_ENDPOINT || s.type() == DeviceScope.PCI_BRIDGE)
        .count();
    if (bound.isEmpty() && pciEntries > 0) {
      notes.add(InputNote.note(source, Position.offset(rmrr.offset()), "RMRR " + U64.hex16(rmrr.baseAddress())
          + ".." + U64.hex16(rmrr.endAddress()) + " is bound to no present device: it gives no device a region"
          + " (its scope names " + pciEntries + " PCI device(s))"));
    } else if (bound.size() < pciEntries) {
      notes.add(InputNote.note(source, Position.offset(rmrr.offset()), "RMRR " + U64.hex16(rmrr.baseAddress())
          + ".." + U64.hex16(rmrr.endAddress()) + " names " + pciEntries + " PCI device(s) in its scope but "
          + bound.size() + " could be bound to a present device; the kernel ignores the others"));
    }
  }

  public List<BoundRmrr> units() {
    return units;
  }

  public KernelRelease release() {
    return release;
  }

  /**
   * The devices an RMRR applies to: each bound device, and from v5.3 for a bound bridge every present
   * device below it ({@code is_downstream_to_pci_bridge}).
   */
  public List<PciDevice> devicesCovered(BoundRmrr unit, List<PciDevice> allDevices) {
    return allDevices.stream()
        .filter(d -> unit.boundDevices().stream().anyMatch(b -> appliesTo(b, d)))
        .sorted(Comparator.comparing(PciDevice::address))
        .toList();
  }

  private boolean appliesTo(PciDevice bound, PciDevice device) {
    return bound.address().equals(device.address())
        || KernelEra.RMRR_BRIDGE_SCOPES.in(release) && device.isDownstreamOf(bound.address());
  }

  /** {@code intel_iommu_get_resv_regions(device)} of the release: the device's regions, in the driver's order. */
  public List<Region> regionsFor(PciDevice device) {
    List<Region> out = new ArrayList<>();
    RegionType rmrrType = rmrrType(device.classCode(), release);
    for (BoundRmrr unit : units) {
      for (PciDevice bound : unit.boundDevices()) {
        if (appliesTo(bound, device)) {
          out.add(Region.ofInclusive(unit.rmrr().baseAddress(), unit.rmrr().endAddress(), rmrrType,
              Prot.READ_WRITE, RegionSource.RMRR));
        }
      }
    }
    if (PciClasses.isIsaBridge(device.classCode())) {
      floppyRegion(release).ifPresent(out::add);
    }
    out.add(Region.ofInclusive(IOAPIC_RANGE_START, IOAPIC_RANGE_END, RegionType.MSI, Prot.NONE, RegionSource.MSI_WINDOW));
    return out;
  }

  /**
   * The remapping unit an ACPI namespace device is under, as {@code dmar_acpi_dev_scope_init}
   * (drivers/iommu/intel/dmar.c) binds it: the first ANDD entry whose object name resolves to {@code
   * acpiPath} ({@code acpi_get_handle}; name segments are padded with {@code _} to four characters,
   * so {@code \_SB.PCI0.I2C1} is {@code \_SB_.PCI0.I2C1}), then the first unit, in the kernel's list
   * order, with an acpi-namespace scope of that entry's device number ({@code
   * dmar_acpi_insert_dev_scope}). Empty when no ANDD names the object, or when one does but no unit's
   * scope carries its number: the kernel then warns "No IOMMU scope found for ANDD enumeration ID"
   * and the device is under no IOMMU ({@link #unscopedAndd}).
   */
  public Optional<NamespaceDevice> namespaceDevice(String acpiPath) {
    return anddNaming(acpiPath).flatMap(a -> drhdsInKernelOrder.stream()
        .flatMap(d -> d.scopes().stream()
            .filter(sc -> sc.type() == DeviceScope.ACPI_NAMESPACE && sc.enumerationId() == a.deviceNumber())
            .map(sc -> new NamespaceDevice(a, d, sc)))
        .findFirst());
  }

  /** The ANDD entry naming {@code acpiPath} when no remapping unit's scope carries its device number. */
  public Optional<DmarStructure.Andd> unscopedAndd(String acpiPath) {
    return anddNaming(acpiPath).filter(a -> namespaceDevice(acpiPath).isEmpty());
  }

  private Optional<DmarStructure.Andd> anddNaming(String acpiPath) {
    String path = canonicalAcpiPath(acpiPath);
    return andds.stream().filter(a -> canonicalAcpiPath(a.objectName()).equals(path)).findFirst();
  }

  /**
   * An absolute ACPI path as ACPICA internalizes it ({@code acpi_ns_build_internal_name}): the root
   * prefix dropped and each name segment padded with trailing underscores to four characters.
   */
  static String canonicalAcpiPath(String path) {
    String p = path.startsWith("\\") ? path.substring(1) : path;
    StringBuilder out = new StringBuilder("\\");
    String[] segments = p.split("\\.", -1);
    for (int i = 0; i < segments.length; i++) {
      out.append(i == 0 ? "" : ".").append(segments[i]);
      out.append("_".repeat(Math.max(0, 4 - segments[i].length())));
    }
    return out.toString();
  }

  /**
   * {@code intel_iommu_get_resv_regions} for a device that is not PCI (an ACPI namespace device of a
   * DMAR ANDD entry): only the IOAPIC window, because no RMRR ever lists one: {@code
   * dmar_acpi_insert_dev_scope} (drivers/iommu/intel/dmar.c) puts namespace devices into DRHD scopes
   * alone, and an RMRR's device list is filled from PCI devices ({@code dmar_insert_dev_scope}).
   */
  public List<Region> regionsForNonPci() {
    return List.of(Region.ofInclusive(IOAPIC_RANGE_START, IOAPIC_RANGE_END, RegionType.MSI, Prot.NONE,
        RegionSource.MSI_WINDOW));
  }

  /**
   * The type {@code release} gives an RMRR of a device of class {@code classCode}: {@code
   * direct-relaxable} for USB and display devices from v5.3 ({@code device_rmrr_is_relaxable}), else
   * {@code direct}.
   */
  public static RegionType rmrrType(int classCode, KernelRelease release) {
    return KernelEra.RMRR_RELAXABLE.in(release) && PciClasses.isUsbOrDisplay(classCode)
        ? RegionType.DIRECT_RELAXABLE
        : RegionType.DIRECT;
  }

  /**
   * The ISA-bridge floppy region {@code [0, 16 MiB)} of {@code release}: none before v5.3, {@code
   * direct} with prot 0 in v5.3-v5.4, {@code direct-relaxable} read/write from v5.5.
   */
  public static Optional<Region> floppyRegion(KernelRelease release) {
    if (!KernelEra.ISA_FLOPPY_REGION.in(release)) {
      return Optional.empty();
    }
    return Optional.of(KernelEra.ISA_FLOPPY_RELAXABLE.in(release)
        ? new Region(0, FLOPPY_WA_LENGTH, RegionType.DIRECT_RELAXABLE, Prot.READ_WRITE, RegionSource.FLOPPY_WA)
        : new Region(0, FLOPPY_WA_LENGTH, RegionType.DIRECT, Prot.NONE, RegionSource.FLOPPY_WA));
  }
}
