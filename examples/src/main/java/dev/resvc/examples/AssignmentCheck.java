package dev.resvc.examples;

import dev.resvc.runtime.guest.GuestConflicts;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a VMM embeds the resvc runtime (and nothing else) to answer "can I assign this group, and will
 * my guest's RAM map?" with the kernel's own rules, before it opens a VFIO container:
 *
 * <ol>
 *   <li>since Linux 6.6 a device with a {@code direct} region cannot be handed to VFIO;
 *   <li>VFIO refuses the attach with -EINVAL when no valid IOVA range remains;
 *   <li>every guest RAM range must lie inside one valid IOVA range, or {@code VFIO_IOMMU_MAP_DMA}
 *       fails with -EINVAL.
 * </ol>
 *
 * <p>Run: {@code java -cp runtime.jar:examples.jar dev.resvc.examples.AssignmentCheck SNAPSHOT
 * [GUEST]}, e.g. {@code examples/hosts/hp-proliant-dl360-g7 q35,ram=16G}.
 */
public final class AssignmentCheck {
  /** The answer for one group. */
  public record GroupAnswer(int groupId, List<String> problems, List<AddressRange> validIova) {
    public boolean assignable() {
      return problems.isEmpty();
    }
  }

  private AssignmentCheck() {}

  /**
   * Reads a host (with its DMAR, IVRS or IORT table when present) and answers for every group, with
   * the warnings and notes reading the host gave.
   */
  public static Read<List<GroupAnswer>> check(Path sysfsRoot, GuestLayout guest) throws InputException {
    Read<SysfsSnapshot> snapshot = SysfsReader.read(sysfsRoot);
    Read<Firmware> firmware = HostBuilder.snapshotFirmware(snapshot.value());
    Read<Host> host = HostBuilder.withFirmware(snapshot.value(), sysfsRoot.toString(), firmware.value());
    List<InputNote> notes = new ArrayList<>(snapshot.notes());
    notes.addAll(firmware.notes());
    notes.addAll(host.notes());
    // VT-d: [0, 2^haw - 1] from the DMAR host address width; AMD and Arm: the full 64-bit space.
    AddressRange aperture = HostBuilder.aperture(firmware.value());
    List<GroupAnswer> answers = new ArrayList<>();
    for (IommuGroup group : host.value().groups()) {
      answers.add(answer(group, aperture, guest));
    }
    return new Read<>(answers, notes);
  }

  static GroupAnswer answer(IommuGroup group, AddressRange aperture, GuestLayout guest) {
    List<String> problems = new ArrayList<>();
    for (IommuGroup.Member m : group.members()) {
      for (Region r : m.regions()) {
        if (r.type() == RegionType.DIRECT) {
          problems.add(m.device().name() + " has a direct region " + r.toSysfsLine()
              + ": the kernel refuses to detach it from its 1:1 mapping (-EINVAL)");
        }
      }
    }
    for (Region r : group.groupRegions()) {
      if (r.type() == RegionType.DIRECT) {
        problems.add("the group has a direct region " + r.toSysfsLine() + " (-EINVAL)");
      }
    }
    List<Region> merged = HostBuilder.mergedRegions(group);
    VfioIovaList.AttachResult iova = VfioIovaList.attachGroup(aperture, merged);
    if (iova.refused()) {
      problems.add("no valid IOVA range remains: VFIO refuses the attach (-EINVAL)");
    }
    VfioIovaList list = new VfioIovaList();
    list.resize(aperture);
    list.exclude(merged);
    for (GuestRange ram : guest.ranges(GuestKind.RAM)) {
      if (!list.dmaValid(ram.range().start(), ram.range().sizeMinusOne() + 1)) {
        String blockers = GuestConflicts.find(merged, new GuestLayout(guest.name(), List.of(ram))).stream()
            .filter(o -> o.region().type() != RegionType.DIRECT_RELAXABLE)
            .map(o -> o.region().toSysfsLine())
            .reduce((a, b) -> a + ", " + b)
            .orElse("the aperture ends below it");
        problems.add("guest RAM " + ram.name() + " " + ram.range() + " cannot be mapped for DMA (-EINVAL): " + blockers);
      }
    }
    return new GroupAnswer(group.id(), problems, iova.validRanges());
  }

  public static void main(String[] args) {
    PrintStream out = System.out;
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: AssignmentCheck SNAPSHOT|/sys [GUEST, e.g. q35,ram=16G]");
      System.exit(2);
    }
    try {
      GuestLayout guest = GuestPresets.parseSpec(args.length == 2 ? args[1] : "q35");
      Read<List<GroupAnswer>> checked = check(Path.of(args[0]), guest);
      checked.notes().forEach(n -> System.err.println(n.render()));
      List<GroupAnswer> answers = checked.value();
      for (GroupAnswer a : answers) {
        out.println("group " + a.groupId() + ": " + (a.assignable() ? "assignable" : "NOT assignable"));
        a.problems().forEach(p -> out.println("  " + p));
      }
    } catch (InputException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }
}
