package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IortReader;
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
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
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
   * complex whose ID mappings lead its requester id to an SMMU. A device no table claims still has an
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

  /** One vendor's driver: which devices its IOMMU serves and the regions it reports for them. */
  private record Vendor(String signature, String source, Predicate<PciDevice> serves,
      Function<PciDevice, List<Region>> regions) {}

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
          intel.value()::regionsFor));
    });
    firmware.ivrs().ifPresent(t -> {
      Read<AmdRegionBuilder> amd = AmdRegionBuilder.from(t.table(), release, amdEfr2, t.source());
      notes.addAll(amd.notes());
      vendors.add(new Vendor("IVRS", t.source(), d -> amdServes(amd.value(), t.table(), d.address()),
          amd.value()::regionsFor));
    });
    firmware.iort().ifPresent(t -> {
      ArmPlatform platform = firmware.arm();
      ArmRegionBuilder sized = platform.pageSize()
          .map(page -> ArmRegionBuilder.of(t.table(), release, t.source(), page))
          .orElseGet(() -> ArmRegionBuilder.of(t.table(), release, t.source()));
      ArmRegionBuilder arm = platform.madt().map(sized::withMadt).orElse(sized);
      vendors.add(new Vendor("IORT", t.source(),
          d -> valueNoting(arm.streamsForPci(d.address()), notes).isPresent(),
          d -> valueNoting(arm.regionsForPci(d, platform.bridgeKinds(), true), notes)));
    });
    return vendors;
  }

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
