package dev.resvc.runtime.model;

import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code struct iommu_resv_region}: a start and a byte length, both unsigned 64-bit, exactly as
 * the kernel keeps them.
 *
 * <p>The kernel does not validate regions, so this record does not either: a length of 0 is a
 * zero-length region whose "end" ({@code start + length - 1}) lies one below its start, and a
 * region covering all 2^64 bytes cannot be expressed (its length wraps to 0), as in the kernel.
 */
public record Region(long start, long length, RegionType type, Prot prot, RegionSource source) {
  public Region {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(prot, "prot");
    Objects.requireNonNull(source, "source");
  }

  /** The region {@code [start, end]}, with the kernel's length {@code end - start + 1} (mod 2^64). */
  public static Region ofInclusive(long start, long end, RegionType type, Prot prot, RegionSource source) {
    return new Region(start, end - start + 1, type, prot, source);
  }

  /** {@code start + length - 1} in wrapping arithmetic, as sysfs prints it. */
  public long end() {
    return start + length - 1;
  }

  public boolean isZeroLength() {
    return length == 0;
  }

  /**
   * True when {@code start + length - 1} lies below the start: a zero-length region, or one whose
   * length runs past 2^64 (firmware can produce both; the kernel keeps them, see docs/kernel-quirks.md).
   */
  public boolean isInverted() {
    return Long.compareUnsigned(end(), start) < 0;
  }

  /** The addresses the region covers, or empty when it is {@linkplain #isInverted() inverted}. */
  public Optional<AddressRange> range() {
    return isInverted() ? Optional.empty() : Optional.of(new AddressRange(start, end()));
  }

  public Region withType(RegionType newType) {
    return new Region(start, length, newType, prot, source);
  }

  public Region withLength(long newLength) {
    return new Region(start, newLength, type, prot, source);
  }

  /** One line of {@code /sys/kernel/iommu_groups/N/reserved_regions}, without the newline. */
  public String toSysfsLine() {
    return U64.hex16(start) + " " + U64.hex16(end()) + " " + type.sysfsName();
  }

  @Override
  public String toString() {
    return U64.hex16(start) + " " + U64.hex16(end()) + " " + type.resvName() + " (" + source + ", " + prot + ")";
  }
}
