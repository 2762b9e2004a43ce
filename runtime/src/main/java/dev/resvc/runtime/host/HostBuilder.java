package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DeviceScope;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarStructure;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IdMapping;
import dev.resvc.runtime.firmware.IortNode;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.AmdRegionBuilder;
import dev.resvc.runtime.kernel.ArmRegionBuilder;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.IntelRegionBuilder;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.AcpiNode;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds the runtime {@link Host} from what sysfs shows and, when known, what firmware says.
 *
 * <p>Without firmware tables each group's regions are its {@code reserved_regions} lines, owned by
 * the whole group. With firmware tables (DMAR, IVRS, IORT: {@link Firmware}) the regions are rebuilt
 * per device as the vendor's driver builds them ({@link IntelRegionBuilder}, {@link
 * AmdRegionBuilder}, {@link ArmRegionBuilder}), group membership still comes from sysfs, and the rebuilt group
 * list is compared with the sysfs one: every line on which they disagree becomes a note, because a
 * disagreement means the model of this host is missing something (a quirk, another driver, an older
 * kernel) and the user should know before trusting a verdict.
 */
public final class HostBuilder {
  private HostBuilder() {}

  /** The host with regions from sysfs alone. */
  public static Host fromSysfs(SysfsSnapshot snapshot, String name) {
    return snapshot.toHostWithoutFirmware(name);
  }

  /**
   * The host with per-device regions rebuilt from {@code dmar}, attributed to {@code dmarSource}. The
   * same as {@link #withFirmware} with only a DMAR table.
   */
  public static Read<Host> withDmar(SysfsSnapshot snapshot, String name, DmarTable dmar, String dmarSource) {
    return withFirmware(snapshot, name, Firmware.none().withDmar(dmar, dmarSource));
  }

  /**
   * The host with per-device regions rebuilt from whichever tables {@code firmware} holds, with a note
   * for every difference from sysfs and whatever the vendor drivers' builders noted.
   *
   * <p>Each device takes the regions of the first table, in the order DMAR, IVRS, IORT, whose IOMMU
   * serves it: a DMAR remapping unit on its PCI segment; an IVHD of the AMD driver's target type on
   * its segment whose device ids reach the device's requester id ({@code last_bdf}); an IORT root
   * complex whose ID mappings lead its requester id to an SMMU. A member that is not PCI is served by
   * an IVHD ACPI-HID entry naming its HID and UID, or by an IORT named component whose path is its
   * ACPI object's; a DMAR gives it the IOAPIC window alone. A device no table claims still has an
   * IOMMU group, so some IOMMU serves it: it takes the first table's regions. A real machine has one
   * table; with several, a note says which rule decided.
   *
   * <p>An IVRS whose driver would not initialise ({@link AmdRegionBuilder#driverInitialised()}:
   * bad checksum and the like) contributes no region; the builder's warning says why. RMRs reach PCI
   * devices as if their host bridge preserved the firmware configuration ({@code preserve_config}),
   * as a platform relying on RMRs must.
   *
   * <p>The drivers and the group merge are those of the release the snapshot records ({@link
   * SysfsSnapshot#kernelFacts()}), else of the newest release modelled ({@link TargetKernel#NEWEST});
   * {@link #withFirmware(SysfsSnapshot, String, Firmware, KernelRelease, Optional)} builds for a given
   * release. The host carries the snapshot's kernel facts.
   */
  public static Read<Host> withFirmware(SysfsSnapshot snapshot, String name, Firmware firmware) {
    return withFirmware(snapshot, name, firmware, snapshot.kernelFacts().release().orElse(TargetKernel.NEWEST),
        snapshot.kernelFacts().amdEfr2());
  }

  /**
   * The host as {@link #withFirmware(SysfsSnapshot, String, Firmware)} builds it, with each vendor's
   * regions as the driver of {@code release} reports them (docs/kernel-eras.md sections 3, 4 and 6),
   * compared with sysfs through the group merge of {@code release} (section 5).
   *
   * @param amdEfr2 the AMD IOMMUs' Extended Feature 2 register when known ({@code KernelFacts.amdEfr2}):
   *     from v6.16 its HTRangeIgnore bit drops the HyperTransport window
   */
  public static Read<Host> withFirmware(SysfsSnapshot snapshot, String name, Firmware firmware,
      KernelRelease release, Optional<Long> amdEfr2) {
    if (firmware.isEmpty()) {
      return new Read<>(fromSysfs(snapshot, name), List.of());
    }
    List<InputNote> notes = new ArrayList<>();
    List<Vendor> vendors = vendors(snapshot, firmware, release, amdEfr2, notes);
    if (vendors.size() > 1) {
      notes.add(InputNote.note(vendors.get(0).source(), Position.whole(), "several IOMMU tables given ("
          + String.join(", ", firmware.signatures()) + "); a real machine has one. Each device takes the regions"
          + " of the first of DMAR, IVRS, IORT whose IOMMU serves it, else of the " + vendors.get(0).signature()));
    }
    Map<PciAddress, PciDevice> byAddress = new LinkedHashMap<>();
    snapshot.devices().forEach(d -> byAddress.put(d.address(), d));
    List<IommuGroup> groups = new ArrayList<>();
    // The reserved_regions lines are the recorded kernel's (the newest when none is recorded); regions
    // rebuilt for another release are expected to differ from them, so they are not compared.
    Optional<KernelRelease> recorded = snapshot.kernelFacts().release();
    KernelRelease printedBy = recorded.orElse(TargetKernel.NEWEST);
    // eras are keyed on X.Y (KernelEra), so 5.2 and 5.2.21 print the same lines
    boolean sameKernel = release.major() == printedBy.major() && release.minor() == printedBy.minor();
    if (!sameKernel && recorded.isPresent()) {
      notes.add(InputNote.note(snapshot.root().toString(), Position.whole(), "regions rebuilt for kernel "
          + release.version() + "; the snapshot's reserved_regions lines come from kernel " + recorded.get().text()
          + ", so they are not compared with them"));
    }
    for (SysfsGroup g : snapshot.groups()) {
      List<IommuGroup.Member> members = new ArrayList<>();
      for (PciAddress a : g.devices()) {
        PciDevice device = byAddress.get(a);
        if (device != null) {
          Vendor vendor = vendors.stream().filter(v -> v.serves().test(device)).findFirst().orElse(vendors.get(0));
          members.add(new IommuGroup.Member(device, vendor.regions().apply(device)));
        }
      }
      for (PlatformDevice device : g.platformDevices()) {
        Vendor vendor = vendors.stream().filter(v -> v.servesPlatform().test(device)).findFirst()
            .orElse(vendors.get(0));
        members.add(new IommuGroup.Member(device, vendor.platformRegions().apply(device)));
      }
      IommuGroup group = new IommuGroup(g.id(), g.domainType(), members, List.of());
      if (sameKernel) {
        compareWithSysfs(group, g, snapshot.root(), release, notes);
      }
      groups.add(group);
    }
    return new Read<>(new Host(name, snapshot.devices(), groups, snapshot.kernelFacts()), notes);
  }

  /** The aperture of a VFIO paging domain on a host with these tables: {@link Firmware#aperture()}. */
  public static AddressRange aperture(Firmware firmware) {
    return firmware.aperture();
  }

  /**
   * One vendor's driver: which devices its IOMMU serves and the regions it reports for them, PCI
   * functions and the other devices apart.
   */
  private record Vendor(String signature, String source, Predicate<PciDevice> serves,
      Function<PciDevice, List<Region>> regions, Predicate<PlatformDevice> servesPlatform,
      Function<PlatformDevice, List<Region>> platformRegions) {}

  /**
   * The drivers of the tables present. What they note while binding, and while the Arm driver walks
   * each device's IORT mappings (once to see whether it serves the device, once for the regions), goes
   * to {@code notes}, the one list {@link #withFirmware} returns, in the order it happens.
   */
  private static List<Vendor> vendors(SysfsSnapshot snapshot, Firmware firmware, KernelRelease release,
      Optional<Long> amdEfr2, List<InputNote> notes) {
    List<Vendor> vendors = new ArrayList<>();
    firmware.dmar().ifPresent(t -> {
      Read<IntelRegionBuilder> intel = IntelRegionBuilder.bind(t.table(), snapshot.devices(), release, t.source());
      notes.addAll(intel.notes());
      vendors.add(new Vendor("DMAR", t.source(),
          d -> t.table().drhds().stream().anyMatch(u -> u.segment() == d.address().segment()),
          intel.value()::regionsFor,
          p -> p.ownAcpiNode().flatMap(n -> intel.value().namespaceDevice(n.path())).isPresent(),
          p -> intelPlatformRegions(intel.value(), p, t.source(), notes)));
    });
    firmware.ivrs().ifPresent(t -> {
      Read<AmdRegionBuilder> amd = AmdRegionBuilder.from(t.table(), release, amdEfr2, t.source());
      notes.addAll(amd.notes());
      vendors.add(new Vendor("IVRS", t.source(), d -> amdServes(amd.value(), t.table(), d.address()),
          amd.value()::regionsFor, p -> acpiHidDevice(amd.value(), p).isPresent(),
          p -> amdPlatformRegions(amd.value(), p, t.source(), notes)));
    });
    firmware.iort().ifPresent(t -> {
      ArmPlatform platform = firmware.arm();
      ArmRegionBuilder sized = platform.pageSize()
          .map(page -> ArmRegionBuilder.of(t.table(), release, t.source(), page))
          .orElseGet(() -> ArmRegionBuilder.of(t.table(), release, t.source()));
      ArmRegionBuilder arm = platform.madt().map(sized::withMadt).orElse(sized);
      vendors.add(new Vendor("IORT", t.source(),
          d -> valueNoting(arm.streamsForPci(d.address()), notes).isPresent(),
          d -> valueNoting(arm.regionsForPci(d, platform.bridgeKinds(), true), notes),
          p -> namedComponent(t.table(), p).isPresent(),
          p -> armPlatformRegions(arm, t.table(), p, t.source(), notes)));
    });
    return vendors;
  }

  /**
   * {@code intel_iommu_get_resv_regions} for a device that is not PCI: the IOAPIC window when a DMAR
   * ANDD entry names its own ACPI object and a remapping unit's scope carries the entry's number
   * ({@code device_lookup_iommu} finds such a device through its ACPI companion); none, with a
   * warning, otherwise (the driver would not probe it, so sysfs should not show it in a group).
   */
  private static List<Region> intelPlatformRegions(IntelRegionBuilder intel, PlatformDevice device, String source,
      List<InputNote> notes) {
    Optional<AcpiNode> own = device.ownAcpiNode();
    Optional<IntelRegionBuilder.NamespaceDevice> bound = own.flatMap(n -> intel.namespaceDevice(n.path()));
    if (bound.isPresent()) {
      IntelRegionBuilder.NamespaceDevice b = bound.get();
      DeviceScope.PathHop hop = b.scope().path().isEmpty() ? new DeviceScope.PathHop(0, 0) : b.scope().path().get(0);
      notes.add(InputNote.note(source, Position.offset(b.andd().offset()), String.format(
          "ACPI device \"%s\" under DMAR at %x as %02x:%02x.%d (the kernel's words; ANDD %s, device number %d)",
          device.name(), b.drhd().registerBase(), b.scope().startBus(), hop.device(), hop.function(),
          b.andd().objectName(), b.andd().deviceNumber())));
      return intel.regionsForNonPci();
    }
    Optional<DmarStructure.Andd> unscoped = own.flatMap(n -> intel.unscopedAndd(n.path()));
    notes.add(InputNote.warning(source, unscoped.map(a -> Position.offset(a.offset())).orElse(Position.whole()),
        unscoped.map(a -> String.format("No IOMMU scope found for ANDD enumeration ID %d (%s) (the kernel's words: no"
            + " remapping unit's scope carries the number of the ANDD entry naming %s)", a.deviceNumber(), device.name(),
            a.objectName()))
            .orElse(device.name() + " is in an IOMMU group, but no DMAR ANDD entry names " + own.map(n -> "its ACPI"
                + " object " + n.path()).orElse("it (it has no ACPI object of its own)") + " (dmar_acpi_dev_scope_init)")
        + "; it gets no regions from the DMAR"));
    return List.of();
  }

  /** The IVHD ACPI-HID entry that gives {@code device} its AMD device id, from its own ACPI object. */
  private static Optional<AmdRegionBuilder.AcpiHidDevice> acpiHidDevice(AmdRegionBuilder amd, PlatformDevice device) {
    return device.ownAcpiNode().flatMap(n -> amd.acpiHidDevice(n.hid(), n.uid()));
  }

  /**
   * {@code amd_iommu_get_resv_regions} for a device that is not PCI: the regions of the device id its
   * ACPI-HID entry gives it; none, with a warning, when no entry names it (the driver would not probe
   * it, so sysfs should not show it in a group).
   */
  private static List<Region> amdPlatformRegions(AmdRegionBuilder amd, PlatformDevice device, String source,
      List<InputNote> notes) {
    Optional<AmdRegionBuilder.AcpiHidDevice> id = acpiHidDevice(amd, device);
    if (id.isEmpty()) {
      notes.add(InputNote.warning(source, Position.whole(), device.name() + " is in an IOMMU group, but no IVHD"
          + " ACPI-HID entry names " + device.ownAcpiNode().map(n -> "its HID " + n.hid()
              + n.uid().map(u -> " and UID " + u).orElse("")).orElse("it (it has no ACPI object of its own)")
          + " (get_acpihid_device_id); it gets no regions from the IVRS"));
      return List.of();
    }
    return amd.regionsFor(id.get().segment(), id.get().devid());
  }

  /**
   * The IORT named component whose device name is the path of {@code device}'s ACPI object, its own or
   * the nearest ancestor's ({@code iort_match_node_callback} walks up to the first device with one).
   */
  private static Optional<IortNode.NamedComponent> namedComponent(IortTable table, PlatformDevice device) {
    Optional<String> path = device.acpiNode().map(AcpiNode::path);
    return table.nodes(IortNode.NamedComponent.class).stream()
        .filter(nc -> path.isPresent() && nc.deviceName().equals(path.get()))
        .findFirst();
  }

  /**
   * {@code arm_smmu_get_resv_regions} for a device that is not PCI, found through its named
   * component. A platform device's stream IDs are the outputs of the component's single mappings
   * ({@code iort_nc_iommu_map}); an fsl-mc object's is its ICID mapped through the component's ID
   * mappings ({@code fsl_mc_dma_configure} passes it to {@code acpi_dma_configure_id}), which sysfs
   * does not show: it gets the SMMU's own regions and a warning that RMRs for its stream are not known.
   */
  private static List<Region> armPlatformRegions(ArmRegionBuilder arm, IortTable table, PlatformDevice device,
      String source, List<InputNote> notes) {
    Optional<IortNode.NamedComponent> nc = namedComponent(table, device);
    if (nc.isEmpty()) {
      notes.add(InputNote.warning(source, Position.whole(), device.name() + " is in an IOMMU group, but no IORT"
          + " named component is " + device.acpiNode().map(n -> "its ACPI object " + n.path()
              + n.owner().map(o -> " (of " + o + ")").orElse("")).orElse("named by it (it has no ACPI object)")
          + " (iort_match_node_callback); it gets no regions from the IORT"));
      return List.of();
    }
    long offset = nc.get().header().offset();
    if (device.bus().equals(FSL_MC_BUS)) {
      Optional<Long> smmu = nc.get().mappings().stream().map(IdMapping::outputReference)
          .filter(ref -> table.nodeAt(ref).filter(n -> n instanceof IortNode.Smmu || n instanceof IortNode.SmmuV3)
              .isPresent())
          .findFirst();
      notes.add(InputNote.warning(source, Position.offset(offset), device.name() + " is an fsl-mc object: its"
          + " stream ID is its ICID mapped through " + nc.get().deviceName() + "'s ID mappings"
          + " (fsl_mc_dma_configure), which sysfs does not show, so RMRs for it are not attributed"));
      return smmu.map(s -> valueNoting(arm.regionsForStreams(s, List.of()), notes)).orElse(List.of());
    }
    Optional<ArmRegionBuilder.StreamBinding> binding =
        valueNoting(arm.streamsForNamedComponent(nc.get().deviceName()), notes);
    if (binding.isEmpty()) {
      notes.add(InputNote.warning(source, Position.offset(offset), device.name() + ": named component "
          + nc.get().deviceName() + " has no single ID mapping that leads to an SMMU (iort_nc_iommu_map);"
          + " it gets no regions from the IORT"));
      return List.of();
    }
    return valueNoting(arm.regionsForStreams(binding.get().smmuOffset(), binding.get().streamIds()), notes);
  }

  /** The bus of NXP's Management Complex objects ({@code dprc.N}, {@code dpni.N}; drivers/bus/fsl-mc). */
  static final String FSL_MC_BUS = "fsl-mc";

  private static <T> T valueNoting(Read<T> read, List<InputNote> notes) {
    notes.addAll(read.notes());
    return read.value();
  }

  private static boolean amdServes(AmdRegionBuilder amd, IvrsTable table, PciAddress a) {
    return amd.driverInitialised()
        && table.ivhds().stream().anyMatch(h -> h.type() == amd.targetIvhdType() && h.pciSegment() == a.segment())
        && a.requesterId() <= amd.lastBdf(a.segment());
  }

  /** The group list as the newest kernel would build it from the members' regions. */
  public static List<Region> mergedRegions(IommuGroup group) {
    return mergedRegions(group, TargetKernel.NEWEST);
  }

  /** The group list as the kernel of {@code release} would build it from the members' regions. */
  public static List<Region> mergedRegions(IommuGroup group, KernelRelease release) {
    GroupRegionMerger merger = GroupRegionMerger.forRelease(release);
    for (IommuGroup.Member m : group.members()) {
      m.regions().forEach(merger::insert);
    }
    group.groupRegions().forEach(merger::insert);
    return merger.regions();
  }

  private static void compareWithSysfs(IommuGroup rebuilt, SysfsGroup sysfs, Path root, KernelRelease release,
      List<InputNote> notes) {
    List<String> explained = mergedRegions(rebuilt, release).stream().map(Region::toSysfsLine).toList();
    List<String> shown = sysfs.reservedRegions().stream().map(Region::toSysfsLine).toList();
    if (explained.equals(shown)) {
      return;
    }
    String file = SysfsTree.name(root, SysfsReader.IOMMU_GROUPS + "/" + sysfs.id() + "/reserved_regions");
    List<String> onlyShown = new ArrayList<>(shown);
    explained.forEach(onlyShown::remove);
    List<String> onlyExplained = new ArrayList<>(explained);
    shown.forEach(onlyExplained::remove);
    if (onlyShown.isEmpty() && onlyExplained.isEmpty()) {
      notes.add(InputNote.warning(file, Position.whole(), "group " + sysfs.id()
          + ": sysfs lists the same regions as the firmware explains, in another order"));
      return;
    }
    for (String line : onlyShown) {
      notes.add(InputNote.warning(file, Position.whole(), "group " + sysfs.id() + ": sysfs shows '" + line
          + "', which the firmware tables do not explain" + (sysfs.truncated() ? " (the file was cut at one page)" : "")));
    }
    for (String line : onlyExplained) {
      notes.add(InputNote.warning(file, Position.whole(), "group " + sysfs.id() + ": firmware explains '" + line
          + "', which sysfs does not show" + (sysfs.truncated() ? " (the file was cut at one page)" : "")));
    }
  }

  /**
   * The snapshot's own tables, decoded leniently (a bad checksum is a warning): whichever of {@code
   * firmware/acpi/tables/DMAR}, {@code IVRS} and {@code IORT} it holds, named by their path below
   * the snapshot root, with the readers' notes; with an IORT, the {@link ArmPlatform} read from the
   * snapshot too ({@link ArmPlatformReader}: page size, MADT, bridge kinds).
   *
   * @throws InputException when a present table cannot be decoded
   */
  public static Read<Firmware> snapshotFirmware(SysfsSnapshot snapshot) throws InputException {
    List<InputNote> notes = new ArrayList<>();
    Firmware firmware = Firmware.none();
    Optional<byte[]> dmar = snapshot.acpiTable("DMAR");
    if (dmar.isPresent()) {
      String source = tablePath(snapshot, "DMAR");
      firmware = firmware.withDmar(valueNoting(DmarReader.read(dmar.get(), source, false), notes), source);
    }
    Optional<byte[]> ivrs = snapshot.acpiTable("IVRS");
    if (ivrs.isPresent()) {
      String source = tablePath(snapshot, "IVRS");
      firmware = firmware.withIvrs(valueNoting(IvrsReader.read(ivrs.get(), source, false), notes), source);
    }
    Optional<byte[]> iort = snapshot.acpiTable("IORT");
    if (iort.isPresent()) {
      String source = tablePath(snapshot, "IORT");
      firmware = firmware.withIort(valueNoting(IortReader.read(iort.get(), source, false), notes), source)
          .withArm(valueNoting(ArmPlatformReader.read(snapshot), notes));
    }
    return new Read<>(firmware, notes);
  }

  private static String tablePath(SysfsSnapshot snapshot, String signature) {
    return SysfsTree.name(snapshot.root(), SysfsReader.ACPI_TABLES + "/" + signature);
  }
}
