package dev.resvc.runtime.policy;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The answer for a host and a guest under a policy: one {@link Group} per IOMMU group, by id. */
public record Verdict(String policy, String host, String guest, List<Group> groups) {
  public Verdict {
    groups = List.copyOf(groups);
  }

  public boolean allAssignable() {
    for (Group g : groups) {
      if (!g.assignable()) {
        return false;
      }
    }
    return true;
  }

  public Optional<Group> group(int id) {
    for (Group g : groups) {
      if (g.id() == id) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /**
   * The verdict for one IOMMU group.
   *
   * <p>Behaves as a record of its seven list and result accessors: {@code equals}, {@code hashCode}
   * and {@code toString} are those of a record with the components {@code id}, {@code devices},
   * {@code classifications}, {@code effectiveRegions}, {@code iova}, {@code conflictChecks} and
   * {@code findings}. The evaluator decides everything at once (every classification, the merge, the
   * IOVA list, every conflicts decision, and so {@link #assignable()}), but it keeps only the
   * decisions: the lists of records are built from them, the host's group and the guest when one of
   * them is first read, since most verdicts are read for {@code assignable} alone. Immutable; two
   * threads racing on the first read build equal lists.
   */
  public static final class Group {
    private final int id;
    private final boolean assignable;
    private final List<Region> mergedRegions;
    // What the lists and the IOVA result are built from; null when the group was made from them.
    private final IommuGroup source;
    /**
     * The decisions in the order the evaluator asked for them, from {@code offset}: a {@link
     * ClassifyDecision} per (device, region) pair, then a {@link ConflictDecision} per check. The
     * array is the evaluation's, shared by every group of the host (each has its own slice, never
     * written again), so that evaluating copies no decisions.
     */
    private final Object[] decisions;
    private final int offset;
    private final int classified;
    private final int checked;
    private final GuestOverlaps guests;
    private final AddressRange aperture;
    /** The IOVA result and the lists, once built; benign races, like {@link String#hashCode()}. */
    private VfioIovaList.AttachResult iova;
    private GroupLists lists;

    /** A group verdict made from its lists; assignable when no finding is fatal. */
    public Group(int id, List<PciAddress> devices, List<Classification> classifications,
        List<EffectiveRegion> effectiveRegions, VfioIovaList.AttachResult iova, List<ConflictCheck> conflictChecks,
        List<Finding> findings) {
      this.id = id;
      this.iova = Objects.requireNonNull(iova, "iova");
      this.lists = new GroupLists(devices, classifications, effectiveRegions, conflictChecks, findings);
      this.source = null;
      this.decisions = null;
      this.offset = 0;
      this.classified = 0;
      this.checked = 0;
      this.guests = null;
      this.aperture = null;
      boolean fatal = false;
      for (Finding f : this.lists.findings()) {
        fatal |= f.severity() == Severity.FATAL;
      }
      this.assignable = !fatal;
      Region[] merged = new Region[this.lists.effectiveRegions().size()];
      for (int i = 0; i < merged.length; i++) {
        merged[i] = this.lists.effectiveRegions().get(i).region();
      }
      this.mergedRegions = List.of(merged);
    }

    /**
     * The evaluator's group verdict: from {@code offset}, {@code decisions} holds the classify
     * decisions for the {@code classified} (device, region) pairs in classification order, then the
     * {@code checked} conflicts decisions in check order; nothing writes that slice again. {@code
     * mergedRegions} is immutable.
     */
    Group(IommuGroup source, Object[] decisions, int offset, int classified, int checked, List<Region> mergedRegions,
        GuestOverlaps guests, AddressRange aperture, boolean assignable) {
      this.id = source.id();
      this.source = source;
      this.decisions = decisions;
      this.offset = offset;
      this.classified = classified;
      this.checked = checked;
      this.guests = guests;
      this.aperture = aperture;
      this.mergedRegions = mergedRegions;
      this.assignable = assignable;
    }

    private GroupLists lists() {
      GroupLists l = lists;
      if (l == null) {
        l = GroupLists.build(source, decisions, offset, classified, checked, mergedRegions, iova(), guests,
            aperture);
        lists = l;
      }
      return l;
    }

    public int id() {
      return id;
    }

    /** Assignable when no finding is fatal. */
    public boolean assignable() {
      return assignable;
    }

    /** The group's devices, in ascending address order. */
    public List<PciAddress> devices() {
      return lists().devices();
    }

    /** Every (device, region) pair and what the classify rules made of it, device by device. */
    public List<Classification> classifications() {
      return lists().classifications();
    }

    /**
     * The kernel's group list of the effective regions ({@code iommu_get_group_resv_regions}): what
     * {@code /sys/kernel/iommu_groups/N/reserved_regions} would show under this policy. The regions
     * of {@link #effectiveRegions()}, without their contributors.
     */
    public List<Region> mergedRegions() {
      return mergedRegions;
    }

    /** The merged regions with the devices whose regions each one covers. */
    public List<EffectiveRegion> effectiveRegions() {
      return lists().effectiveRegions();
    }

    /**
     * VFIO's valid IOVA list for the group alone in a container, or its refusal. The evaluator
     * learns only whether VFIO refuses; the ranges are worked out again, from the merged regions and
     * the aperture, when this is first called.
     */
    public VfioIovaList.AttachResult iova() {
      VfioIovaList.AttachResult r = iova;
      if (r == null) {
        r = VfioIovaList.attachGroup(aperture, mergedRegions);
        iova = r;
      }
      return r;
    }

    /** Every conflicts decision: each merged region with each guest range it overlaps, or with none. */
    public List<ConflictCheck> conflictChecks() {
      return lists().conflictChecks();
    }

    /** The conflicts that are not {@code allow}, after VFIO's own refusal when there is one. */
    public List<Finding> findings() {
      return lists().findings();
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof Group g
          && id == g.id
          && iova().equals(g.iova())
          && lists().equals(g.lists());
    }

    @Override
    public int hashCode() {
      GroupLists l = lists();
      int h = Integer.hashCode(id);
      h = 31 * h + l.devices().hashCode();
      h = 31 * h + l.classifications().hashCode();
      h = 31 * h + l.effectiveRegions().hashCode();
      h = 31 * h + iova().hashCode();
      h = 31 * h + l.conflictChecks().hashCode();
      return 31 * h + l.findings().hashCode();
    }

    /** As a record prints itself: {@code Group[id=3, devices=[...], ...]}. */
    @Override
    public String toString() {
      GroupLists l = lists();
      return "Group[id=" + id + ", devices=" + l.devices() + ", classifications=" + l.classifications()
          + ", effectiveRegions=" + l.effectiveRegions() + ", iova=" + iova() + ", conflictChecks="
          + l.conflictChecks() + ", findings=" + l.findings() + "]";
    }
  }

  /** How one region of one device was classified. */
  public record Classification(PciAddress device, Region input, ClassifyDecision decision, Optional<Region> effective) {}

  /** A region of the merged group list, with the devices whose regions it covers. */
  public record EffectiveRegion(Region region, List<PciAddress> contributors) {
    public EffectiveRegion {
      contributors = List.copyOf(contributors);
    }
  }

  /** The conflicts decision for one merged region and one guest range (or none). */
  public record ConflictCheck(EffectiveRegion region, Optional<GuestRange> guest, Optional<AddressRange> overlap,
      ConflictDecision decision) {}

  /**
   * A reported conflict: not {@code allow}.
   *
   * <p>Behaves as a record of its seven accessors: {@code equals}, {@code hashCode} and {@code
   * toString} are those of a record with these components. The evaluator does not render the
   * message: it keeps the rule's {@link MessageTemplate} and what its placeholders stand for, and
   * {@link #message()} fills them in on its first call (most verdicts are read for {@code
   * assignable} alone). The text is the same as if it had been rendered at once; a rendered message
   * is kept, and two threads racing on the first call render the same text.
   */
  public static final class Finding {
    private final int group;
    private final Severity severity;
    private final Provenance provenance;
    private final Region region;
    private final Optional<GuestRange> guest;
    private final Optional<AddressRange> overlap;
    /** Null once the message is given or rendered. */
    private final MessageTemplate template;
    /** The devices {@code {device}} names: the contributors of the merged region. */
    private final List<PciAddress> devices;
    /** The message, once rendered; a benign race, like {@link String#hashCode()}. */
    private String message;

    /** A finding with its message already written out. */
    public Finding(int group, Severity severity, String message, Provenance provenance, Region region,
        Optional<GuestRange> guest, Optional<AddressRange> overlap) {
      this(group, severity, message, null, null, provenance, region, guest, overlap);
    }

    /**
     * A finding whose message is {@code template} with {@code {region}} standing for {@code region},
     * {@code {device}} for {@code devices} ("the group" when there are none), {@code {guest}} for
     * {@code guest} and {@code {overlap}} for {@code overlap}, rendered when first asked for.
     */
    static Finding deferred(int group, Severity severity, MessageTemplate template, List<PciAddress> devices,
        Provenance provenance, Region region, Optional<GuestRange> guest, Optional<AddressRange> overlap) {
      Objects.requireNonNull(template, "template");
      Objects.requireNonNull(devices, "devices");
      return new Finding(group, severity, null, template, devices, provenance, region, guest, overlap);
    }

    private Finding(int group, Severity severity, String message, MessageTemplate template, List<PciAddress> devices,
        Provenance provenance, Region region, Optional<GuestRange> guest, Optional<AddressRange> overlap) {
      this.group = group;
      this.severity = severity;
      this.message = message;
      this.template = template;
      this.devices = devices;
      this.provenance = provenance;
      this.region = region;
      this.guest = guest;
      this.overlap = overlap;
    }

    public int group() {
      return group;
    }

    public Severity severity() {
      return severity;
    }

    /** The rule's message with its placeholders filled in. */
    public String message() {
      String m = message;
      if (m == null && template != null) {
        m = template.render(placeholderValues(region, devices, guest, overlap));
        message = m;
      }
      return m;
    }

    public Provenance provenance() {
      return provenance;
    }

    public Region region() {
      return region;
    }

    public Optional<GuestRange> guest() {
      return guest;
    }

    public Optional<AddressRange> overlap() {
      return overlap;
    }

    /**
     * What the placeholders of a conflicts message stand for, indexed by {@link
     * MessageTemplate.Placeholder#ordinal()}.
     */
    static String[] placeholderValues(Region region, List<PciAddress> devices, Optional<GuestRange> guest,
        Optional<AddressRange> overlap) {
      String[] values = new String[MessageTemplate.Placeholder.values().length];
      values[MessageTemplate.Placeholder.REGION.ordinal()] =
          U64.hex16(region.start()) + ".." + U64.hex16(region.end()) + " " + region.type().resvName();
      values[MessageTemplate.Placeholder.DEVICE.ordinal()] = devices.isEmpty()
          ? "the group" : String.join(", ", devices.stream().map(PciAddress::toString).toList());
      values[MessageTemplate.Placeholder.GUEST.ordinal()] =
          guest.map(x -> x.name() + " (" + x.kind() + " " + x.range() + ")").orElse("no guest range");
      values[MessageTemplate.Placeholder.OVERLAP.ordinal()] = overlap.map(AddressRange::toString).orElse("nothing");
      return values;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof Finding f
          && group == f.group
          && Objects.equals(severity, f.severity)
          && Objects.equals(message(), f.message())
          && Objects.equals(provenance, f.provenance)
          && Objects.equals(region, f.region)
          && Objects.equals(guest, f.guest)
          && Objects.equals(overlap, f.overlap);
    }

    @Override
    public int hashCode() {
      int h = Integer.hashCode(group);
      h = 31 * h + Objects.hashCode(severity);
      h = 31 * h + Objects.hashCode(message());
      h = 31 * h + Objects.hashCode(provenance);
      h = 31 * h + Objects.hashCode(region);
      h = 31 * h + Objects.hashCode(guest);
      return 31 * h + Objects.hashCode(overlap);
    }

    /** As a record prints itself: {@code Finding[group=3, severity=FATAL, message=..., ...]}. */
    @Override
    public String toString() {
      return "Finding[group=" + group + ", severity=" + severity + ", message=" + message() + ", provenance="
          + provenance + ", region=" + region + ", guest=" + guest + ", overlap=" + overlap + "]";
    }
  }
}
