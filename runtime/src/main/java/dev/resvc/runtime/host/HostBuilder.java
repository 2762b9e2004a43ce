package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.IntelRegionBuilder;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the runtime {@link Host} from what sysfs shows and, when known, what firmware says.
 *
 * <p>Without firmware tables each group's regions are its {@code reserved_regions} lines, owned by
 * the whole group. With a DMAR table the regions are rebuilt per device as the Intel driver builds
 * them ({@link IntelRegionBuilder}), group membership still comes from sysfs, and the rebuilt group
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
   * The host with per-device regions rebuilt from {@code dmar}; differences from sysfs are added to
   * {@code notes}, attributed to {@code dmarSource}.
   */
  public static Host withDmar(SysfsSnapshot snapshot, String name, DmarTable dmar, String dmarSource,
      List<InputNote> notes) {
    IntelRegionBuilder intel = IntelRegionBuilder.bind(dmar, snapshot.devices(), dmarSource, notes);
    Map<PciAddress, PciDevice> byAddress = new LinkedHashMap<>();
    snapshot.devices().forEach(d -> byAddress.put(d.address(), d));
    List<IommuGroup> groups = new ArrayList<>();
    for (SysfsGroup g : snapshot.groups()) {
      List<IommuGroup.Member> members = new ArrayList<>();
      for (PciAddress a : g.devices()) {
        PciDevice device = byAddress.get(a);
        if (device != null) {
          members.add(new IommuGroup.Member(device, intel.regionsFor(device)));
        }
      }
      IommuGroup group = new IommuGroup(g.id(), g.domainType(), members, List.of());
      compareWithSysfs(group, g, notes);
      groups.add(group);
    }
    return new Host(name, snapshot.devices(), groups);
  }

  /** The group list as the kernel would build it from the members' regions. */
  public static List<Region> mergedRegions(IommuGroup group) {
    GroupRegionMerger merger = new GroupRegionMerger();
    for (IommuGroup.Member m : group.members()) {
      m.regions().forEach(merger::insert);
    }
    group.groupRegions().forEach(merger::insert);
    return merger.regions();
  }

  private static void compareWithSysfs(IommuGroup rebuilt, SysfsGroup sysfs, List<InputNote> notes) {
    List<String> explained = mergedRegions(rebuilt).stream().map(Region::toSysfsLine).toList();
    List<String> shown = sysfs.reservedRegions().stream().map(Region::toSysfsLine).toList();
    if (explained.equals(shown)) {
      return;
    }
    String file = "kernel/iommu_groups/" + sysfs.id() + "/reserved_regions";
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

  /** The DMAR table to use: the one given, else the snapshot's own. */
  public static Optional<byte[]> dmarBytes(SysfsSnapshot snapshot) {
    return snapshot.acpiTable("DMAR");
  }
}
