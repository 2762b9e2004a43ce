package dev.resvc.runtime.guest;

import dev.resvc.runtime.range.AddressRange;
import java.util.Objects;

/** A named range of guest-physical addresses, e.g. {@code high-ram} or {@code pcie-ecam}. */
public record GuestRange(String name, GuestKind kind, AddressRange range) {
  public GuestRange {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(range, "range");
  }

  @Override
  public String toString() {
    return name + " (" + kind + " " + range + ")";
  }
}
