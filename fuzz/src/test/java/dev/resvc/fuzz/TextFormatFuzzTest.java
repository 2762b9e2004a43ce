package dev.resvc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.resvc.runtime.guest.GuestConflicts;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.host.RegionListParser;
import dev.resvc.runtime.host.RegionListParser.Dialect;
import dev.resvc.runtime.host.RegionListParser.RegionList;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The runtime's text formats, fed arbitrary bytes and taken as far as the commands that read them
 * go: a region file through {@code resvc regions merge} and {@code resvc iova} (merge, then attach to
 * a VFIO container), a sysfs {@code reserved_regions} file as {@code SysfsReader} decodes it, a guest
 * layout file through the guest-conflict search. A refusal must be an {@link InputException} in one
 * clean line; anything else that escapes, or a call that runs for seconds, is a finding.
 */
class TextFormatFuzzTest {
  private static final String SOURCE = "fuzzed.txt";

  /** Regions a guest layout is compared with: an RMRR below 4 GiB, the x86 MSI window, a region at the top. */
  private static final List<Region> HOST_REGIONS = List.of(
      Region.ofInclusive(0x7b800000L, 0x7fffffffL, RegionType.DIRECT, Prot.NONE, RegionSource.SYSFS),
      Region.ofInclusive(0xfee00000L, 0xfeefffffL, RegionType.MSI, Prot.NONE, RegionSource.SYSFS),
      Region.ofInclusive(0xfffffffffffff000L, -1L, RegionType.RESERVED, Prot.NONE, RegionSource.SYSFS));

  @FuzzTest
  void regionFile(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    regions(text, Dialect.REGION_FILE, false);
    RegionList list = regions(text, Dialect.REGION_FILE, true);
    if (list != null) {
      AddressRange aperture = list.aperture().orElse(AddressRange.FULL);
      VfioIovaList.attachGroup(aperture, GroupRegionMerger.merge(list.regions())).validRanges();
    }
  }

  @FuzzTest
  void sysfsRegions(byte[] data) {
    // SysfsReader decodes reserved_regions as US-ASCII.
    regions(new String(data, StandardCharsets.US_ASCII), Dialect.SYSFS, false);
  }

  @FuzzTest
  void guestLayout(byte[] data) {
    GuestLayout layout;
    try {
      layout = GuestLayoutParser.parse(new String(data, StandardCharsets.UTF_8), SOURCE);
    } catch (InputException e) {
      Refusals.requireOneCleanLine(e);
      return;
    }
    GuestConflicts.find(HOST_REGIONS, layout);
  }

  /** The parsed list, merged as the kernel merges a group's regions; null when it was refused. */
  private static RegionList regions(String text, Dialect dialect, boolean allowAperture) {
    Read<RegionList> read;
    try {
      read = RegionListParser.parse(text, SOURCE, dialect, allowAperture);
    } catch (InputException e) {
      Refusals.requireOneCleanLine(e);
      return null;
    }
    Refusals.requireCleanNotes(read.notes());
    RegionList list = read.value();
    GroupRegionMerger.merge(list.regions());
    return list;
  }
}
