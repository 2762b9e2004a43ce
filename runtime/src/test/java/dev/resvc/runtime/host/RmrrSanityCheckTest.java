package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.firmware.DmarBuilder;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.KernelRelease;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arch_rmrr_sanity_check} (arch/x86/include/asm/iommu.h) by release, from the firmware memory map. */
class RmrrSanityCheckTest {
  @TempDir Path tmp;

  private static DmarTable dmar(long base, long end) throws Exception {
    return DmarReader.read(DmarBuilder.dmar()
        .drhd(1, 0, 0xfed90000L)
        .rmrr(0, base, end, DmarBuilder.scope(1, 0, 0, 0x14, 0))
        .build(), "DMAR", false).value();
  }

  private List<String> check(long base, long end, String release) throws Exception {
    FirmwareMemoryMap map = FirmwareMemoryMap.read(tmp).orElseThrow();
    return RmrrSanityCheck.check(dmar(base, end), "DMAR", map, KernelRelease.parse(release)).stream()
        .map(InputNote::render).toList();
  }

  @Test
  void anRmrrInAcpiNvsFailsUntilV61() throws Exception {
    // bugzilla.kernel.org 216443: "No firmware reserved region can cover this RMRR
    // [0x000000006f760000-0x000000006f762fff]" until NVS was allowed.
    MemmapFixture.bugzilla216443(tmp);
    assertThat(check(0x6f760000L, 0x6f762fffL, "6.0")).containsExactly(
        "DMAR: offset 0x40: warning: No firmware reserved region can cover this RMRR"
            + " [0x000000006f760000-0x000000006f762fff], contact BIOS vendor for fixes; Your BIOS is broken; bad RMRR"
            + " [0x000000006f760000-0x000000006f762fff] (the kernel's words, from the firmware memory map: the range"
            + " lies in 'ACPI Non-volatile Storage'; the kernel still uses the RMRR)");
    assertThat(check(0x6f760000L, 0x6f762fffL, "6.1")).isEmpty();
    // Before f036c7fa0ab6 nothing was checked.
    assertThat(check(0x6f760000L, 0x6f762fffL, "5.4")).isEmpty();
  }

  @Test
  void anyChainOfEntriesCountsFromV61ButOnlyTheLastEntrysType() throws Exception {
    MemmapFixture.bugzilla216443(tmp);
    // Reserved then NVS: only Reserved entries count in 6.0; from 6.1 the chain ends in NVS, accepted.
    assertThat(check(0x6ebfe000L, 0x6ebfffffL, "6.0")).hasSize(1);
    assertThat(check(0x6ebfe000L, 0x6ebfffffL, "6.1")).isEmpty();
    // NVS then ACPI Tables: the chain ends in ACPI Tables, refused in every release.
    assertThat(check(0x6f9fe000L, 0x6f9fffffL, "6.8")).hasSize(1);
    // Wholly in Reserved: accepted in every checking release.
    assertThat(check(0x68bff000L, 0x68bfffffL, "5.5")).isEmpty();
  }

  @Test
  void aRangeNoEntryCoversIsNamedSo() throws Exception {
    MemmapFixture.bugzilla216443(tmp);
    assertThat(check(0x38800000L, 0x3cffffffL, "6.8").get(0)).contains("from the firmware memory map: no entry covers"
        + " the range;");
  }

  @Test
  void anUnalignedRmrrIsNotAskedAboutE820() throws Exception {
    // rmrr_sanity_check's || stops at the alignment test; the DMAR reader warns about that one.
    MemmapFixture.bugzilla216443(tmp);
    assertThat(check(0x38800800L, 0x3cffffffL, "6.8")).isEmpty();
  }
}
