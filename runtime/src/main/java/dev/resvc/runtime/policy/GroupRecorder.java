package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The explaining path's listener: records what the walk over one group tells as the records of an
 * {@link Explanation.Group}. One per group; not thread-safe.
 */
final class GroupRecorder implements EvaluationListener {
  private final IommuGroup group;
  private final AddressRange aperture;
  private final List<Explanation.Classification> classifications = new ArrayList<>();
  /** The regions inserted into the merge that came from a device, and that device, in order. */
  private final List<Region> owned = new ArrayList<>();
  private final List<PciAddress> owners = new ArrayList<>();
  private final List<Explanation.EffectiveRegion> effectiveRegions = new ArrayList<>();
  private final List<Explanation.ConflictCheck> conflictChecks = new ArrayList<>();
  private final List<Explanation.Finding> findings = new ArrayList<>();

  GroupRecorder(IommuGroup group, AddressRange aperture) {
    this.group = group;
    this.aperture = aperture;
  }

  @Override
  public void classified(PciDevice device, Region input, ClassifyDecision decision, Region effective) {
    classifications.add(new Explanation.Classification(device.address(), input, decision,
        Optional.ofNullable(effective)));
  }

  @Override
  public void effective(Region region, PciDevice device) {
    if (device != null) { // the regions of a group without members belong to no device
      owned.add(region);
      owners.add(device.address());
    }
  }

  @Override
  public void merged(List<Region> regions, boolean attachRefused) {
    for (Region r : regions) {
      effectiveRegions.add(new Explanation.EffectiveRegion(r, contributors(r)));
    }
    if (attachRefused) {
      findings.add(new Explanation.Finding(group.id(), Severity.FATAL, "no valid IOVA range remains in aperture "
          + aperture + ": VFIO refuses to attach the group (-EINVAL)", Evaluator.NO_IOVA, firstCut(regions),
          Optional.empty(), Optional.empty()));
    }
  }

  @Override
  public void checked(int index, GuestRange guest, ConflictDecision decision) {
    Explanation.EffectiveRegion region = effectiveRegions.get(index);
    Optional<GuestRange> range = Optional.ofNullable(guest);
    Optional<AddressRange> overlap =
        range.flatMap(g -> region.region().range().flatMap(r -> r.intersection(g.range())));
    conflictChecks.add(new Explanation.ConflictCheck(region, range, overlap, decision));
    if (decision.severity() != Severity.ALLOW) {
      findings.add(finding(group.id(), decision, region, range, overlap));
    }
  }

  /** The group's explanation, once the walk has told everything and answered {@code verdict}. */
  Explanation.Group explanation(Verdict.Group verdict) {
    List<PciAddress> devices = group.members().stream().map(m -> m.device().address()).toList();
    return new Explanation.Group(verdict, devices, classifications, effectiveRegions, conflictChecks, findings);
  }

  /**
   * The finding of a conflicts decision that is not {@code allow}: its rule's message with {@code
   * {region}} standing for the merged region, {@code {device}} for its contributors ("the group" when
   * there are none), {@code {guest}} for the guest range and {@code {overlap}} for what they share.
   */
  static Explanation.Finding finding(int group, ConflictDecision decision, Explanation.EffectiveRegion region,
      Optional<GuestRange> guest, Optional<AddressRange> overlap) {
    Region r = region.region();
    String[] values = new String[MessageTemplate.Placeholder.values().length];
    values[MessageTemplate.Placeholder.REGION.ordinal()] =
        U64.hex16(r.start()) + ".." + U64.hex16(r.end()) + " " + r.type().resvName();
    values[MessageTemplate.Placeholder.DEVICE.ordinal()] = region.contributors().isEmpty()
        ? "the group" : String.join(", ", region.contributors().stream().map(PciAddress::toString).toList());
    values[MessageTemplate.Placeholder.GUEST.ordinal()] =
        guest.map(g -> g.name() + " (" + g.kind() + " " + g.range() + ")").orElse("no guest range");
    values[MessageTemplate.Placeholder.OVERLAP.ordinal()] = overlap.map(AddressRange::toString).orElse("nothing");
    return new Explanation.Finding(group, decision.severity(), decision.message().render(values),
        decision.provenance(), r, guest, overlap);
  }

  /** The region VFIO cut first, which its refusal names: every region but {@code direct-relaxable} is cut. */
  private static Region firstCut(List<Region> merged) {
    return merged.stream().filter(r -> r.type() != RegionType.DIRECT_RELAXABLE).findFirst().orElseThrow();
  }

  /**
   * The devices whose effective regions {@code merged} covers: same type, starting inside it (or, for
   * a region that covers nothing, at its start). By address, each once.
   */
  private List<PciAddress> contributors(Region merged) {
    TreeSet<PciAddress> out = new TreeSet<>();
    Optional<AddressRange> span = merged.range();
    for (int i = 0; i < owned.size(); i++) {
      Region r = owned.get(i);
      if (r.type() == merged.type()
          && (span.isPresent() ? span.get().contains(r.start()) : r.start() == merged.start())) {
        out.add(owners.get(i));
      }
    }
    return List.copyOf(out);
  }
}
