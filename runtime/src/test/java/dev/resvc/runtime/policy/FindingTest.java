package dev.resvc.runtime.policy;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The finding a conflicts decision makes: its rule's message with the placeholders filled in. */
class FindingTest {
  private static final Region RMRR =
      Region.ofInclusive(0x3e2e0000L, 0x3e2fffffL, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
  private static final GuestRange LOW_RAM = new GuestRange("low-ram", GuestKind.RAM, AddressRange.of(0, 0x7fffffffL));
  private static final Optional<AddressRange> OVERLAP = Optional.of(AddressRange.of(0x3e2e0000L, 0x3e2fffffL));
  private static final Provenance RULE = new Provenance("rmrr_locked", "p.resv", 19);
  private static final ConflictDecision DECISION =
      ConflictDecision.report(Severity.FATAL, "{device} has {region} in {guest} ({overlap}), {{sic}}", RULE);

  @Test
  void theMessageIsTheTemplateFilledIn() {
    Explanation.EffectiveRegion region = new Explanation.EffectiveRegion(RMRR,
        List.of(PciDevice.simple(PciAddress.of(0, 0, 0x14, 0), 0x8086, 0xa12f, 0x0c0330),
            PciDevice.simple(PciAddress.of(0, 3, 0, 1), 0x1b21, 0x1242, 0x0c0330)));
    Explanation.Finding f = GroupRecorder.finding(4, DECISION, region, Optional.of(LOW_RAM), OVERLAP);
    assertThat(f).isEqualTo(new Explanation.Finding(4, Severity.FATAL,
        "0000:00:14.0, 0000:03:00.1 has 0x000000003e2e0000..0x000000003e2fffff direct in low-ram"
            + " (ram 0x0000000000000000..0x000000007fffffff) (0x000000003e2e0000..0x000000003e2fffff), {sic}",
        RULE, RMRR, Optional.of(LOW_RAM), OVERLAP, Optional.empty()));
  }

  @Test
  void placeholdersWithoutDevicesGuestOrOverlap() {
    Explanation.EffectiveRegion region = new Explanation.EffectiveRegion(RMRR, List.of());
    Explanation.Finding f = GroupRecorder.finding(0, DECISION, region, Optional.empty(), Optional.empty());
    assertThat(f.message()).isEqualTo(
        "the group has 0x000000003e2e0000..0x000000003e2fffff direct in no guest range (nothing), {sic}");
  }
}
