package dev.resvc.runtime.policy;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A finding whose message is rendered when asked for is the finding with the message written out. */
class FindingTest {
  private static final Region RMRR =
      Region.ofInclusive(0x3e2e0000L, 0x3e2fffffL, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
  private static final GuestRange LOW_RAM = new GuestRange("low-ram", GuestKind.RAM, AddressRange.of(0, 0x7fffffffL));
  private static final Optional<AddressRange> OVERLAP = Optional.of(AddressRange.of(0x3e2e0000L, 0x3e2fffffL));
  private static final Provenance RULE = new Provenance("rmrr_locked", "p.resv", 19);
  private static final List<PciAddress> DEVICES = List.of(PciAddress.of(0, 0, 0x14, 0), PciAddress.of(0, 3, 0, 1));
  private static final MessageTemplate TEMPLATE =
      MessageTemplate.parse("{device} has {region} in {guest} ({overlap}), {{sic}}").orElseThrow();

  private static Verdict.Finding deferred() {
    return Verdict.Finding.deferred(4, Severity.FATAL, TEMPLATE, DEVICES, RULE, RMRR, Optional.of(LOW_RAM), OVERLAP);
  }

  private static Verdict.Finding written(String message) {
    return new Verdict.Finding(4, Severity.FATAL, message, RULE, RMRR, Optional.of(LOW_RAM), OVERLAP);
  }

  @Test
  void theMessageIsTheTemplateFilledIn() {
    assertThat(deferred().message()).isEqualTo("0000:00:14.0, 0000:03:00.1 has 0x000000003e2e0000..0x000000003e2fffff"
        + " direct in low-ram (ram 0x0000000000000000..0x000000007fffffff)"
        + " (0x000000003e2e0000..0x000000003e2fffff), {sic}");
  }

  @Test
  void placeholdersWithoutDevicesGuestOrOverlap() {
    Verdict.Finding f = Verdict.Finding.deferred(0, Severity.WARN, TEMPLATE, List.of(), RULE, RMRR, Optional.empty(),
        Optional.empty());
    assertThat(f.message()).isEqualTo(
        "the group has 0x000000003e2e0000..0x000000003e2fffff direct in no guest range (nothing), {sic}");
  }

  @Test
  void renderedOnceAndKept() {
    Verdict.Finding f = deferred();
    assertThat(f.message()).isSameInstanceAs(f.message());
  }

  @Test
  void equalToTheFindingWithItsMessageWrittenOut() {
    Verdict.Finding eager = written(deferred().message());
    Verdict.Finding lazy = deferred();
    assertThat(lazy).isEqualTo(eager);
    assertThat(eager).isEqualTo(deferred());
    assertThat(lazy.hashCode()).isEqualTo(eager.hashCode());
    assertThat(deferred().toString()).isEqualTo(eager.toString());
    assertThat(lazy).isNotEqualTo(written("another message"));
    assertThat(lazy).isNotEqualTo(Verdict.Finding.deferred(4, Severity.WARN, TEMPLATE, DEVICES, RULE, RMRR,
        Optional.of(LOW_RAM), OVERLAP));
  }

  /** What a record of the seven components prints and hashes to, as the record this class replaced did. */
  @Test
  void printsAndHashesAsARecord() {
    record AsRecord(int group, Severity severity, String message, Provenance provenance, Region region,
        Optional<GuestRange> guest, Optional<AddressRange> overlap) {}
    Verdict.Finding f = deferred();
    AsRecord r = new AsRecord(f.group(), f.severity(), f.message(), f.provenance(), f.region(), f.guest(), f.overlap());
    assertThat(f.toString()).isEqualTo(r.toString().replaceFirst("^AsRecord", "Finding"));
    assertThat(f.hashCode()).isEqualTo(r.hashCode());
    Verdict.Finding nulls = new Verdict.Finding(0, null, null, null, null, null, null);
    AsRecord nullRecord = new AsRecord(0, null, null, null, null, null, null);
    assertThat(nulls.message()).isNull();
    assertThat(nulls.toString()).isEqualTo(nullRecord.toString().replaceFirst("^AsRecord", "Finding"));
    assertThat(nulls.hashCode()).isEqualTo(nullRecord.hashCode());
    assertThat(nulls).isEqualTo(new Verdict.Finding(0, null, null, null, null, null, null));
  }
}
