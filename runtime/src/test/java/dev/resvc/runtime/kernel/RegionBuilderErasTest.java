package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IortBuilder.map;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IortBuilder;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each vendor's regions on real corpus tables at the releases either side of every era boundary of
 * docs/kernel-eras.md: Intel section 3, AMD section 4, Arm section 6. A row lists the regions one
 * device gets, as {@link Region#toString()} prints them, joined by {@code ;}; columns are split at
 * {@code !}.
 */
class RegionBuilderErasTest {
  private static final String INTEL_MSI = "0x00000000fee00000 0x00000000feefffff msi (msi-window, none)";
  private static final String AMD_MSI = INTEL_MSI;
  private static final String HT = "0x000000fd00000000 0x000000ffffffffff reserved (ht-window, none)";
  private static final String SW_MSI = "0x0000000008000000 0x00000000080fffff sw-msi (sw-msi, write|noexec|mmio)";

  private final List<InputNote> notes = new ArrayList<>();

  private static List<String> strings(List<Region> regions) {
    return regions.stream().map(Region::toString).toList();
  }

  private static List<String> expected(String row) {
    return row.isEmpty() ? List.of() : Arrays.stream(row.split(";")).map(String::strip).toList();
  }

  /**
   * Dell Latitude 5414: RMRRs for the xHCI 00:14.0 and the graphics 00:02.0, and its ISA bridge
   * 00:1f.0. Before v5.3 every RMRR is direct and there is no floppy range; 1c5c59fbad20 (v5.3) makes
   * USB and display RMRRs relaxable; d850c2ee5fe2 (v5.3) adds the floppy range direct with prot 0;
   * d8018a0e9195 and "Allocate reserved region for ISA with correct permission" (v5.5) make it
   * relaxable and read/write.
   */
  @ParameterizedTest(name = "Intel on {0}")
  @CsvSource(delimiter = '!', textBlock = """
      4.19 ! direct ! ''
      5.2 ! direct ! ''
      5.2.21 ! direct ! ''
      5.3 ! direct-relaxable ! 0x0000000000000000 0x0000000000ffffff direct (floppy-wa, none);
      5.4 ! direct-relaxable ! 0x0000000000000000 0x0000000000ffffff direct (floppy-wa, none);
      5.5 ! direct-relaxable ! 0x0000000000000000 0x0000000000ffffff direct-relaxable (floppy-wa, read|write);
      6.16 ! direct-relaxable ! 0x0000000000000000 0x0000000000ffffff direct-relaxable (floppy-wa, read|write);
      """)
  void intelDellLatitude5414(String release, String rmrrType, String floppy) throws Exception {
    DmarTable dmar = Notes.keep(DmarReader.read(Corpus.dmar("dell-latitude-5414-0aac6c2f8f5c"), "DMAR", true), notes);
    PciDevice igd = PciDevice.simple(PciAddress.parse("00:02.0"), 0x8086, 0x1916, 0x030000);
    PciDevice xhci = PciDevice.simple(PciAddress.parse("00:14.0"), 0x8086, 0x9d2f, 0x0c0330);
    PciDevice isa = PciDevice.simple(PciAddress.parse("00:1f.0"), 0x8086, 0x9d48, 0x060100);
    IntelRegionBuilder intel = Notes.keep(
        IntelRegionBuilder.bind(dmar, List.of(igd, xhci, isa), KernelRelease.parse(release), "DMAR"), notes);
    assertThat(strings(intel.regionsFor(xhci))).containsExactly(
        "0x00000000bb400000 0x00000000bb41ffff " + rmrrType + " (rmrr, read|write)", INTEL_MSI).inOrder();
    assertThat(strings(intel.regionsFor(igd))).containsExactly(
        "0x00000000bd800000 0x00000000bfffffff " + rmrrType + " (rmrr, read|write)", INTEL_MSI).inOrder();
    List<String> isaRegions = new ArrayList<>(expected(floppy));
    isaRegions.add(INTEL_MSI);
    assertThat(strings(intel.regionsFor(isa))).containsExactlyElementsIn(isaRegions).inOrder();
    assertThat(notes).isEmpty();
  }

  /**
   * MECHREVO WUJIE14XA: five one-byte exclusion IVMDs (flags 0x08) over buses 00-0f, seen from
   * 01:00.0 (the first shown; all five follow the same era). Not reported up to v5.0; reserved, prot
   * IR/IW from the flags (none), in v5.1 to v5.5 (8aafaaf22121); direct read/write from v5.6
   * (387caf0b759a). The HT window goes from v6.16 (94a9921e2c25) when EFR2 has HTRangeIgnore.
   */
  @ParameterizedTest(name = "AMD on {0}, EFR2 {1}")
  @CsvSource(delimiter = '!', textBlock = """
      4.19 ! 0x800 ! '' ! ht
      5.0 ! 0x800 ! '' ! ht
      5.1 ! 0x800 ! 0x000000009618e000 0x000000009618efff reserved (ivmd-exclusion, none) ! ht
      5.5 ! 0x800 ! 0x000000009618e000 0x000000009618efff reserved (ivmd-exclusion, none) ! ht
      5.6 ! 0x800 ! 0x000000009618e000 0x000000009618efff direct (ivmd-exclusion, read|write) ! ht
      6.15 ! 0x800 ! 0x000000009618e000 0x000000009618efff direct (ivmd-exclusion, read|write) ! ht
      6.16 ! 0x800 ! 0x000000009618e000 0x000000009618efff direct (ivmd-exclusion, read|write) ! ''
      6.16 ! 0x7ff ! 0x000000009618e000 0x000000009618efff direct (ivmd-exclusion, read|write) ! ht
      6.16 ! '' ! 0x000000009618e000 0x000000009618efff direct (ivmd-exclusion, read|write) ! ht
      """)
  void amdMechrevoWujie14(String release, String efr2, String firstExclusion, String ht) throws Exception {
    IvrsTable table = Notes.keep(IvrsReader.read(
        Corpus.read(Corpus.ivrsDir().resolve("mechrevo-wujie14xa-9249a3556422/IVRS.bin")), "IVRS", true), notes);
    Optional<Long> efr2Value = efr2.isEmpty() ? Optional.empty() : Optional.of(Long.decode(efr2));
    AmdRegionBuilder amd = Notes.keep(AmdRegionBuilder.from(table, KernelRelease.parse(release), efr2Value, "IVRS"),
        notes);
    List<String> regions = strings(amd.regionsFor(PciAddress.parse("01:00.0")));
    List<String> tail = ht.isEmpty() ? List.of(AMD_MSI) : List.of(AMD_MSI, HT);
    if (firstExclusion.isEmpty()) {
      assertThat(regions).containsExactlyElementsIn(tail).inOrder();
      assertThat(notes.stream().filter(n -> n.message().contains("before v5.1")).count()).isEqualTo(5);
    } else {
      assertThat(regions).hasSize(5 + tail.size());
      assertThat(regions.get(0)).isEqualTo(firstExclusion);
      assertThat(regions.subList(0, 5).stream().map(r -> r.substring(38)).distinct().toList())
          .containsExactly(firstExclusion.substring(38));
      assertThat(regions.subList(5, regions.size())).containsExactlyElementsIn(tail).inOrder();
    }
  }

  /**
   * ASUS Zenbook S 16: a unity IVMD (flags 0x07) for 00:0c.0 is direct read/write in every era; the
   * exclusion IVMD for c4:00.7 follows the exclusion eras.
   */
  @ParameterizedTest(name = "AMD unity and exclusion on {0}")
  @CsvSource(delimiter = '!', textBlock = """
      5.0 ! ''
      5.1 ! 0x0000000075e00000 0x0000000075e1ffff reserved (ivmd-exclusion, none)
      5.5 ! 0x0000000075e00000 0x0000000075e1ffff reserved (ivmd-exclusion, none)
      5.6 ! 0x0000000075e00000 0x0000000075e1ffff direct (ivmd-exclusion, read|write)
      """)
  void amdZenbookUnityIsDirectInEveryEra(String release, String exclusion) throws Exception {
    IvrsTable table = Notes.keep(IvrsReader.read(Corpus.read(Corpus.ivrsDir().resolve(
        "asustek-computer-asus-zenbook-s-16-um5606wa-um5606wa-4af98851c2c6/IVRS.bin")), "IVRS", true), notes);
    AmdRegionBuilder amd = Notes.keep(
        AmdRegionBuilder.from(table, KernelRelease.parse(release), Optional.empty(), "IVRS"), notes);
    assertThat(strings(amd.regionsFor(PciAddress.parse("00:0c.0")))).containsExactly(
        "0x000000007d900000 0x000000007d9fffff direct (ivmd, read|write)", AMD_MSI, HT).inOrder();
    List<String> gpu = new ArrayList<>(expected(exclusion));
    gpu.addAll(List.of(AMD_MSI, HT));
    assertThat(strings(amd.regionsFor(PciAddress.parse("c4:00.7")))).containsExactlyElementsIn(gpu).inOrder();
  }

  /**
   * Radxa Orion O6: the RMR at 0x9e0 reaches stream 6 of SMMU 0xdc by a single-ID mapping ("Number of
   * IDs" 0). No RMR before v6.0 (491cf4a6735a); v6.0 to v6.4 skip single-ID mappings; v6.5
   * (003e6b56d780) honours them.
   */
  @ParameterizedTest(name = "Arm on {0}")
  @CsvSource(delimiter = '!', textBlock = """
      5.15 ! ''
      6.0 ! ''
      6.4 ! ''
      6.5 ! 0x0000000084800000 0x0000000084ffffff direct-relaxable (iort-rmr, read|write)
      6.16 ! 0x0000000084800000 0x0000000084ffffff direct-relaxable (iort-rmr, read|write)
      """)
  void armRadxaOrionO6(String release, String rmr) throws Exception {
    IortTable table = Notes.keep(IortReader.read(
        Corpus.read(Corpus.iortDir().resolve("radxa-orion-o6-cix-sky1/IORT.bin")), "IORT", true), notes);
    ArmRegionBuilder arm = ArmRegionBuilder.of(table, KernelRelease.parse(release), "IORT");
    List<String> regions = new ArrayList<>(List.of(SW_MSI));
    regions.addAll(expected(rmr));
    assertThat(strings(Notes.keep(arm.regionsForStreams(0xdc, List.of(6L)), notes)))
        .containsExactlyElementsIn(regions).inOrder();
    assertThat(notes).isEmpty();
  }

  /**
   * An RMR mapped by a range of IDs ("Number of IDs" 0xf; flags 0: direct, device memory so MMIO):
   * none before v6.0, then in every era.
   */
  @ParameterizedTest(name = "Arm range mapping on {0}")
  @CsvSource(delimiter = '!', textBlock = """
      5.15 ! false
      5.19 ! false
      6.0 ! true
      6.4 ! true
      6.5 ! true
      """)
  void armRangeMappedRmr(String release, boolean reported) throws Exception {
    int smmu = 0x30;
    byte[] bytes = IortBuilder.iort(5).smmuV3(0x0b010000L)
        .rmr(0, ranges(range(0x84800000L, 0x10000L)), map(0, 0xf, 0x100, smmu, 0))
        .build();
    IortTable table = Notes.keep(IortReader.read(bytes, "IORT", true), notes);
    ArmRegionBuilder arm = ArmRegionBuilder.of(table, KernelRelease.parse(release), "IORT");
    List<Region> regions = Notes.keep(arm.regionsForStreams(smmu, List.of(0x105L)), notes);
    assertThat(regions).hasSize(reported ? 2 : 1);
    if (reported) {
      assertThat(regions.get(1).toString())
          .isEqualTo("0x0000000084800000 0x000000008480ffff direct (iort-rmr, read|write|mmio)");
    }
  }
}
