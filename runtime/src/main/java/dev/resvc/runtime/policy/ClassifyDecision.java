package dev.resvc.runtime.policy;

import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a classify rule for one (device, region) pair. Policies build one per rule ahead of
 * time and return it, so classifying allocates nothing.
 */
public record ClassifyDecision(Kind kind, RegionType type, Provenance provenance) {
  /** What happens to the region. */
  public enum Kind {
    /** The region keeps the type the kernel gives it. */
    KEEP,
    /** The region is ignored. */
    DROP,
    /** The region gets {@link ClassifyDecision#type()}. */
    SET_TYPE
  }

  public ClassifyDecision {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(provenance, "provenance");
    if ((kind == Kind.SET_TYPE) != (type != null)) {
      throw new IllegalArgumentException("a type goes with SET_TYPE and only with it");
    }
  }

  public static ClassifyDecision keep(Provenance p) {
    return new ClassifyDecision(Kind.KEEP, null, p);
  }

  public static ClassifyDecision drop(Provenance p) {
    return new ClassifyDecision(Kind.DROP, null, p);
  }

  public static ClassifyDecision setType(RegionType type, Provenance p) {
    return new ClassifyDecision(Kind.SET_TYPE, type, p);
  }

  /** The region after this decision, or empty when it is dropped. */
  public Optional<Region> apply(Region region) {
    return Optional.ofNullable(applyOrNull(region));
  }

  /** {@link #apply}'s region, or null when it is dropped: for loops that run once per region. */
  Region applyOrNull(Region region) {
    Kind k = kind;
    return k == Kind.KEEP ? region : k == Kind.DROP ? null : region.withType(type);
  }

  /** {@code keep}, {@code drop} or the type's name. */
  public String actionText() {
    return kind == Kind.SET_TYPE ? type.resvName() : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
