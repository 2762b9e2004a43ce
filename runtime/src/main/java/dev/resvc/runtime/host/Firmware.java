package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The decoded ACPI IOMMU tables a host is built from, each with the name it is reported under
 * (a file name, or the snapshot path it was read from). Any of them may be absent; a real machine
 * has at most one of DMAR (Intel VT-d), IVRS (AMD-Vi) and IORT (Arm SMMU). With an IORT, {@code arm}
 * holds what else the Arm drivers' regions depend on ({@link ArmPlatform}: page size, MADT, bridge
 * kinds); {@link ArmPlatform#unknown()} otherwise.
 */
public record Firmware(Optional<Named<DmarTable>> dmar, Optional<Named<IvrsTable>> ivrs,
    Optional<Named<IortTable>> iort, ArmPlatform arm) {

  /** A table and its source name. */
  public record Named<T>(T table, String source) {
    public Named {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(source, "source");
    }
  }

  public Firmware {
    Objects.requireNonNull(dmar, "dmar");
    Objects.requireNonNull(ivrs, "ivrs");
    Objects.requireNonNull(iort, "iort");
    Objects.requireNonNull(arm, "arm");
  }

  /** No table at all. */
  public static Firmware none() {
    return new Firmware(Optional.empty(), Optional.empty(), Optional.empty(), ArmPlatform.unknown());
  }

  public Firmware withDmar(DmarTable table, String source) {
    return new Firmware(Optional.of(new Named<>(table, source)), ivrs, iort, arm);
  }

  public Firmware withIvrs(IvrsTable table, String source) {
    return new Firmware(dmar, Optional.of(new Named<>(table, source)), iort, arm);
  }

  public Firmware withIort(IortTable table, String source) {
    return new Firmware(dmar, ivrs, Optional.of(new Named<>(table, source)), arm);
  }

  /** These tables with the host's {@link ArmPlatform}, which the IORT's regions are built for. */
  public Firmware withArm(ArmPlatform value) {
    return new Firmware(dmar, ivrs, iort, value);
  }

  public boolean isEmpty() {
    return dmar.isEmpty() && ivrs.isEmpty() && iort.isEmpty();
  }

  /** How many tables are present (more than one does not happen on a real machine). */
  public int count() {
    return (dmar.isPresent() ? 1 : 0) + (ivrs.isPresent() ? 1 : 0) + (iort.isPresent() ? 1 : 0);
  }

  /** The present tables' signatures in the order the host builder consults them: DMAR, IVRS, IORT. */
  public List<String> signatures() {
    List<String> out = new ArrayList<>();
    dmar.ifPresent(t -> out.add("DMAR"));
    ivrs.ifPresent(t -> out.add("IVRS"));
    iort.ifPresent(t -> out.add("IORT"));
    return out;
  }

  /** "the DMAR table F, as the Intel VT-d driver builds them" and the like, joined with "; ". */
  public String describe() {
    List<String> out = new ArrayList<>();
    dmar.ifPresent(t -> out.add("the DMAR table " + t.source() + " (Intel VT-d driver)"));
    ivrs.ifPresent(t -> out.add("the IVRS table " + t.source() + " (AMD IOMMU driver)"));
    iort.ifPresent(t -> out.add("the IORT table " + t.source() + " (Arm SMMU drivers)"));
    return String.join("; ", out);
  }

  /**
   * The aperture of the paging domain VFIO attaches, as far as the tables tell it: with a DMAR
   * table {@code [0, 2^w - 1]} where {@code w} is the DMAR host address width ({@link
   * DmarTable#hostAddressWidth()}, the usual bound of the VT-d adjusted guest address width), else
   * the full 64-bit space. AMD v1 page tables have traditionally spanned all 64 bits; an Arm SMMU's
   * input address size is in its ID registers, not in the IORT. The full space never hides a valid
   * IOVA, it can only claim one too many. With several tables the narrowest (DMAR's) wins.
   */
  public AddressRange aperture() {
    if (dmar.isEmpty()) {
      return AddressRange.FULL;
    }
    int width = dmar.get().table().hostAddressWidth();
    return new AddressRange(0, width >= 64 ? U64.MAX : (1L << width) - 1);
  }
}
