package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DmarStructure;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.kernel.KernelEra;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * The E820 half of the Intel driver's RMRR sanity check, reproduced from the firmware memory map:
 * {@code dmar_parse_one_rmrr} calls {@code rmrr_sanity_check} (drivers/iommu/intel/iommu.c), which
 * after the alignment tests ({@link DmarStructure.Rmrr#isSane()}, warned about by the DMAR reader)
 * calls {@code arch_rmrr_sanity_check} (arch/x86/include/asm/iommu.h). When it fails the kernel prints
 *
 * <pre>
 * DMAR: [Firmware Bug]: No firmware reserved region can cover this RMRR [%#018Lx-%#018Lx], contact BIOS vendor for fixes
 * DMAR: [Firmware Bug]: Your BIOS is broken; bad RMRR [%#018Lx-%#018Lx]
 * </pre>
 *
 * taints itself and still uses the RMRR: a warning, never a lost region.
 *
 * <p>What passes, by release (docs/kernel-eras.md §3): from v5.5 ({@link KernelEra#RMRR_E820_CHECK})
 * a range covered by E820 {@code Reserved} entries alone ({@code e820__mapped_all(start, end,
 * E820_TYPE_RESERVED)}); from v6.1 ({@link KernelEra#RMRR_E820_NVS}, "iommu/vt-d: Allow NVS regions in
 * arch_rmrr_sanity_check()") a range covered by entries of any type, chained, whose last entry is
 * {@code Reserved} or {@code ACPI Non-volatile Storage} ({@code e820__get_entry_type}). Before v5.5 no
 * such check exists.
 */
public final class RmrrSanityCheck {
  private RmrrSanityCheck() {}

  /**
   * A warning, on {@code dmarSource} at the RMRR's offset, for each RMRR of {@code dmar} that the
   * driver of {@code release} finds uncovered by {@code map}.
   */
  public static List<InputNote> check(DmarTable dmar, String dmarSource, FirmwareMemoryMap map, KernelRelease release) {
    List<InputNote> notes = new ArrayList<>();
    if (!KernelEra.RMRR_E820_CHECK.in(release)) {
      return notes;
    }
    for (DmarStructure.Rmrr rmrr : dmar.rmrrs()) {
      // rmrr_sanity_check's || stops at a failed alignment test: arch_rmrr_sanity_check is not asked.
      if (!rmrr.isSane() || covered(rmrr, map, release)) {
        continue;
      }
      String range = "[" + U64.hex16(rmrr.baseAddress()) + "-" + U64.hex16(rmrr.endAddress()) + "]";
      notes.add(InputNote.warning(dmarSource, Position.offset(rmrr.offset()),
          "No firmware reserved region can cover this RMRR " + range + ", contact BIOS vendor for fixes; Your BIOS"
              + " is broken; bad RMRR " + range + " (the kernel's words, from the firmware memory map: "
              + why(rmrr, map) + "; the kernel still uses the RMRR)"));
    }
    return notes;
  }

  /** {@code arch_rmrr_sanity_check} of the release: whether the map covers the RMRR as that kernel requires. */
  static boolean covered(DmarStructure.Rmrr rmrr, FirmwareMemoryMap map, KernelRelease release) {
    long start = rmrr.baseAddress();
    long end = rmrr.endAddress() + 1;
    if (!KernelEra.RMRR_E820_NVS.in(release)) {
      return map.mappedAll(start, end, e -> e.type().equals(FirmwareMemoryMap.RESERVED)).isPresent();
    }
    return map.mappedAll(start, end, e -> true)
        .filter(e -> e.type().equals(FirmwareMemoryMap.RESERVED) || e.type().equals(FirmwareMemoryMap.ACPI_NVS))
        .isPresent();
  }

  /** What the map holds at the RMRR: the types of the entries it overlaps, or that none does. */
  private static String why(DmarStructure.Rmrr rmrr, FirmwareMemoryMap map) {
    List<String> types = new ArrayList<>();
    for (FirmwareMemoryMap.Entry e : map.entries()) {
      boolean overlaps = U64.lessOrEqual(e.start(), e.end()) && U64.lessOrEqual(e.start(), rmrr.endAddress())
          && U64.lessOrEqual(rmrr.baseAddress(), e.end());
      if (overlaps && !types.contains("'" + e.type() + "'")) {
        types.add("'" + e.type() + "'");
      }
    }
    return types.isEmpty() ? "no entry covers the range" : "the range lies in " + String.join(", ", types);
  }
}
