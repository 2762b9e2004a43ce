package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.IommufdIoas;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.IommuGroup;
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
  /** The guest's RAM ranges, which a map failure names. */
  private final List<GuestRange> guestRam;
  private final List<Explanation.Classification> classifications = new ArrayList<>();
  /** The regions inserted into the merge that came from a device, and that device, in order. */
  private final List<Region> owned = new ArrayList<>();
  private final List<Device> owners = new ArrayList<>();
  private final List<Explanation.EffectiveRegion> effectiveRegions = new ArrayList<>();
  private final List<Explanation.ConflictCheck> conflictChecks = new ArrayList<>();
  private final List<Explanation.Finding> findings = new ArrayList<>();

  GroupRecorder(IommuGroup group, List<GuestRange> guestRam) {
    this.group = group;
    this.guestRam = guestRam;
  }

  @Override
  public void classified(Device device, Region input, ClassifyDecision decision, Region effective) {
    classifications.add(new Explanation.Classification(device, input, decision,
        Optional.ofNullable(effective)));
  }

  @Override
  public void effective(Region region, Device device) {
    if (device != null) { // the regions of a group without members belong to no device
      owned.add(region);
      owners.add(device);
    }
  }

  @Override
  public void merged(List<Region> regions, Optional<StepFailure> attachFailure, List<StepFailure> mapFailures) {
    for (Region r : regions) {
      effectiveRegions.add(new Explanation.EffectiveRegion(r, contributors(r)));
    }
    attachFailure.ifPresent(step -> findings.add(stepFinding(group.id(), step, regions, guestRam)));
    for (StepFailure step : mapFailures) {
      findings.add(stepFinding(group.id(), step, regions, guestRam));
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
    List<Device> devices = group.devices();
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
        ? "the group" : String.join(", ", region.contributors().stream().map(Device::name).toList());
    values[MessageTemplate.Placeholder.GUEST.ordinal()] =
        guest.map(g -> g.name() + " (" + g.kind() + " " + g.range() + ")").orElse("no guest range");
    values[MessageTemplate.Placeholder.OVERLAP.ordinal()] = overlap.map(AddressRange::toString).orElse("nothing");
    return new Explanation.Finding(group, decision.severity(), decision.message().render(values),
        decision.provenance(), r, guest, overlap, Optional.empty());
  }

  /**
   * The finding of a step the kernel fails: fatal, its {@link StepFailure#summary()} as the message,
   * the kernel function as provenance, and the merged region behind it: for a device's refusal the
   * one holding the device's region, for an empty IOVA list the first region VFIO cuts, for a map the
   * first reserved region the guest RAM range meets (with that range and what they share); none for
   * a refusal no region decides (MSI isolation, the msi/sw-msi check) or whose region covers nothing.
   */
  static Explanation.Finding stepFinding(int group, StepFailure step, List<Region> merged, List<GuestRange> guestRam) {
    Region region = null;
    Optional<GuestRange> guest = Optional.empty();
    Optional<AddressRange> overlap = Optional.empty();
    if (step.stage() == StepFailure.Stage.MAP) {
      AddressRange range = step.range().orElseThrow();
      guest = guestRam.stream().filter(g -> g.range().equals(range)).findFirst();
      int met = IommufdIoas.reservationMeeting(merged, range.start(), range.end());
      if (met >= 0) {
        region = merged.get(met);
        overlap = region.range().flatMap(range::intersection);
      }
    } else if (step.range().isPresent()) {
      AddressRange range = step.range().get();
      RegionType type = step.device().isPresent() ? RegionType.DIRECT : null;
      region = merged.stream().filter(r -> r.type() != RegionType.DIRECT_RELAXABLE && (type == null || r.type() == type)
          && r.range().map(m -> m.contains(range.start())).orElse(false)).findFirst().orElse(null);
    }
    return new Explanation.Finding(group, Severity.FATAL, step.summary(), Provenance.kernel(step.function()), region,
        guest, overlap, Optional.of(step));
  }

  /**
   * The devices whose effective regions {@code merged} covers: same type, starting inside it (or, for
   * a region that covers nothing, at its start). In {@link Device#ORDER}, each once.
   */
  private List<Device> contributors(Region merged) {
    TreeSet<Device> out = new TreeSet<>(Device.ORDER);
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
