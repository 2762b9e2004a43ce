package dev.resvc.runtime.guest;

import java.util.Optional;

/**
 * What a guest-physical range is: RAM is what VFIO must map for DMA; the rest is devices and firmware.
 * The order of the constants is ABI of compiled policies, which test kinds by bit masks over {@code
 * ordinal()}: new kinds go at the end (EnumOrderTest pins the order).
 */
public enum GuestKind {
  RAM("ram"),
  MMIO("mmio"),
  ROM("rom"),
  RESERVED("reserved");

  private final String resvName;

  GuestKind(String resvName) {
    this.resvName = resvName;
  }

  public String resvName() {
    return resvName;
  }

  public static Optional<GuestKind> byResvName(String name) {
    for (GuestKind k : values()) {
      if (k.resvName.equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return resvName;
  }
}
