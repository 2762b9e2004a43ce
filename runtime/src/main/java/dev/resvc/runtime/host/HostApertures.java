package dev.resvc.runtime.host;

import dev.resvc.runtime.kernel.AmdAperture;
import dev.resvc.runtime.kernel.KernelEra;
import dev.resvc.runtime.kernel.VtdAperture;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The domain aperture VFIO starts from, per IOMMU group, and where each came from. The kernel sets it
 * per domain from the IOMMU unit the group's devices sit behind (VT-d: {@link VtdAperture}), so two
 * groups on units with different registers get different apertures; a host whose units are not shown
 * ({@link VtdUnits} empty, as in snapshots made before resvc read them) gets one aperture for every
 * group: the DMAR host address width, the AMD page table's ({@link AmdAperture}), else the full space.
 *
 * @param byGroup the aperture of each group whose unit is known
 * @param fallback the aperture of any other group
 * @param assumptions what had to be assumed about the kernel, for {@code TargetKernel.withAssumptions}
 */
public record HostApertures(Map<Integer, Aperture> byGroup, Aperture fallback, List<String> assumptions) {
  /** An aperture and, in words, where it came from. */
  public record Aperture(AddressRange range, String source) {
    public Aperture {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(source, "source");
    }
  }

  public HostApertures {
    byGroup = Map.copyOf(byGroup);
    Objects.requireNonNull(fallback, "fallback");
    assumptions = List.copyOf(assumptions);
  }

  /** One aperture for every group. */
  public static HostApertures uniform(Aperture aperture) {
    return new HostApertures(Map.of(), aperture, List.of());
  }

  /** The aperture of group {@code id}. */
  public Aperture of(int id) {
    return byGroup.getOrDefault(id, fallback);
  }

  /** The aperture's range for {@code group}: what {@code Evaluator} takes per group. */
  public AddressRange range(IommuGroup group) {
    return of(group.id()).range();
  }

  /**
   * The apertures of {@code groups} on a host with {@code firmware} and VT-d {@code units}, for a kernel
   * of {@code release} booted with {@code commandLine}. Scalable mode is {@code intel_iommu=sm_on} or
   * {@code sm_off} when the command line says (the last wins, {@code intel_iommu_setup}); otherwise it
   * is assumed on ({@code CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON}, {@code default y} in
   * drivers/iommu/intel/Kconfig), and said so when the answer depends on it.
   */
  public static HostApertures of(List<IommuGroup> groups, Firmware firmware, VtdUnits units,
      Optional<String> commandLine, KernelRelease release) {
    if (units.units().isEmpty()) {
      boolean amdV2 = firmware.dmar().isEmpty() && firmware.ivrs().isPresent()
          && commandLine.map(HostApertures::amdV2PageTable).orElse(false);
      List<String> assumed = amdV2 && KernelEra.AMD_V2_APERTURE.in(release)
          ? List.of("AMD v2 page table assumed 4-level (5-level needs EFR GLXSup and a CPU with 5-level paging)")
          : List.of();
      return new HostApertures(Map.of(), fromTables(firmware, amdV2, release), assumed);
    }
    Optional<Boolean> smFromCommandLine = commandLine.flatMap(HostApertures::scalableMode);
    boolean sm = smFromCommandLine.orElse(true);
    List<String> assumptions = new ArrayList<>();
    Map<String, Aperture> byUnit = new LinkedHashMap<>();
    boolean smDecides = false;
    Aperture tables = fromTables(firmware, false, release);
    for (VtdUnits.Unit unit : units.units()) {
      Optional<VtdAperture> computed = VtdAperture.of(unit.cap(), unit.ecap(), sm, release);
      smDecides |= !computed.equals(VtdAperture.of(unit.cap(), unit.ecap(), !sm, release));
      byUnit.put(unit.name(), computed
          .map(a -> new Aperture(a.range(), unit.name() + " (cap " + Long.toHexString(unit.cap()) + ", ecap "
              + Long.toHexString(unit.ecap()) + "): " + a.describe()))
          .orElseGet(() -> new Aperture(tables.range(), unit.name() + ": no AGAW the driver accepts"
              + " (the kernel fails this unit: \"Cannot get a valid agaw\"); " + tables.source())));
    }
    if (smFromCommandLine.isEmpty() && smDecides) {
      assumptions.add("VT-d scalable mode not set on the command line (intel_iommu=sm_on|sm_off): assumed on, the"
          + " Kconfig default (INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON); it decides the domain's translation stage");
    }
    Aperture narrowest = byUnit.values().stream()
        .min(Comparator.comparing(a -> a.range().end(), Long::compareUnsigned)).orElseThrow();
    Aperture fallback = new Aperture(narrowest.range(),
        "no dmar unit lists the group's devices: the narrowest unit's, " + narrowest.source());
    Map<Integer, Aperture> byGroup = new LinkedHashMap<>();
    for (IommuGroup g : groups) {
      Optional<Aperture> found = Optional.empty();
      for (Device d : g.devices()) {
        Optional<VtdUnits.Unit> unit = units.unitOf(d.name());
        if (unit.isPresent()) {
          Aperture a = byUnit.get(unit.get().name());
          found = found.isEmpty() || Long.compareUnsigned(a.range().end(), found.get().range().end()) < 0
              ? Optional.of(a) : found;
        }
      }
      found.ifPresent(a -> byGroup.put(g.id(), a));
    }
    return new HostApertures(byGroup, fallback, assumptions);
  }

  /**
   * {@code intel_iommu=} options as {@code intel_iommu_setup} reads them (comma-separated, every
   * occurrence in order): the last {@code sm_on} or {@code sm_off}, if any.
   */
  static Optional<Boolean> scalableMode(String commandLine) {
    Optional<Boolean> sm = Optional.empty();
    for (String value : KernelCommandLine.parse(commandLine).setupValues("intel_iommu")) {
      for (String option : value.split(",", -1)) {
        if (option.startsWith("sm_on")) { // strncmp(str, "sm_on", 5): a prefix
          sm = Optional.of(true);
        } else if (option.startsWith("sm_off")) {
          sm = Optional.of(false);
        }
      }
    }
    return sm;
  }

  /**
   * {@code amd_iommu=} options as resvc reads {@code parse_amd_iommu_options} (comma-separated, prefix
   * match, every occurrence in order; not re-read in a kernel copy, kernel-eras.md §10): whether the
   * last of {@code pgtbl_v1}/{@code pgtbl_v2} is v2.
   */
  static boolean amdV2PageTable(String commandLine) {
    boolean v2 = false;
    for (String value : KernelCommandLine.parse(commandLine).setupValues("amd_iommu")) {
      for (String option : value.split(",", -1)) {
        if (option.startsWith("pgtbl_v2")) {
          v2 = true;
        } else if (option.startsWith("pgtbl_v1")) {
          v2 = false;
        }
      }
    }
    return v2;
  }

  /**
   * The aperture without VT-d units: {@link Firmware#aperture()} (the DMAR host address width, else the
   * full space), or with an IVRS the AMD page table's ({@link AmdAperture}); said where from.
   */
  private static Aperture fromTables(Firmware firmware, boolean amdV2, KernelRelease release) {
    if (firmware.dmar().isPresent()) {
      return new Aperture(firmware.aperture(), "the DMAR host address width ("
          + firmware.dmar().get().table().hostAddressWidth() + " bits), as the host shows no intel-iommu cap in"
          + " class/iommu");
    }
    if (firmware.ivrs().isPresent()) {
      AddressRange range = AmdAperture.of(amdV2, release);
      return new Aperture(range, amdV2
          ? "the AMD v2 page table (amd_iommu=pgtbl_v2)" + (range.end() == U64.MAX ? ": the full 64-bit space"
              + " before v6.4" : ", 4 levels: 48 bits")
          : "the AMD v1 page table: the full 64-bit space");
    }
    return new Aperture(firmware.aperture(), "the full 64-bit space (no VT-d unit or AMD table shown)");
  }
}
