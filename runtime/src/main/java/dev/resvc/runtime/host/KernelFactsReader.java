package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.MadtReader;
import dev.resvc.runtime.firmware.MadtTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.KernelEra;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.KernelRelease;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a host tells about its kernel ({@link KernelFacts}) from the files docs/kernel-eras.md
 * §9 names: {@code /proc/sys/kernel/osrelease}, {@code /proc/cmdline}, {@code /proc/interrupts},
 * the {@code allow_unsafe_interrupts} parameters under {@code /sys/module/}, the IOMMUs of {@code
 * /sys/class/iommu/} and, on AMD, their {@code amd-iommu/features}, and the MADT ({@code
 * firmware/acpi/tables/APIC}); MSI isolation is decided by {@link MsiIsolation} from these and the
 * IOMMU tables.
 *
 * <p>On the live machine the {@code /proc} files come from {@code /proc}; a snapshot keeps them under
 * {@code proc/} inside itself ({@link #PROC}), read like every other snapshot file: only inside the
 * snapshot, only regular files, each under its cap. A file the host lacks leaves its fact empty; a
 * release that is not one is an error naming the file; other values the kernel would not print are
 * a note and an empty fact.
 */
final class KernelFactsReader {
  /** Where a snapshot keeps the {@code /proc} files, relative to its root. */
  static final String PROC = "proc";
  static final String OSRELEASE = "sys/kernel/osrelease";
  static final String CMDLINE = "cmdline";
  static final String INTERRUPTS = "interrupts";
  static final String CLASS_IOMMU = "class/iommu";
  static final String VFIO_UNSAFE = "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts";
  static final String IOMMUFD_UNSAFE = "module/iommufd/parameters/allow_unsafe_interrupts";
  static final String AMD_FEATURES = "amd-iommu/features";
  static final String MADT = SysfsReader.ACPI_TABLES + "/APIC";

  /** A {@code /sys/class/iommu} entry name as the drivers make them ({@code dmar0}, {@code ivhd0}, {@code smmu3.0x…}). */
  private static final Pattern IOMMU_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern FEATURES = Pattern.compile("([0-9a-fA-F]{1,16})(?::([0-9a-fA-F]{1,16}))?");

  private KernelFactsReader() {}

  /**
   * The facts, with the bytes of every file read keyed by its path in a snapshot ({@code
   * proc/cmdline}, {@code module/…}) and the {@code class/iommu} names, for {@link SnapshotWriter}.
   */
  record KernelFiles(KernelFacts facts, Map<String, byte[]> files, List<String> iommus) {
    KernelFiles {
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
      iommus = List.copyOf(iommus);
    }
  }

  /** Where the {@code /proc} files are: {@code /proc} itself for a mounted sysfs, else {@code proc/} in the snapshot. */
  private record ProcFiles(SysfsTree tree, String prefix) {
    String rel(String file) {
      return prefix + file;
    }
  }

  static Read<KernelFiles> read(SysfsTree sys, Map<String, byte[]> acpiTables) throws InputException {
    List<InputNote> notes = new ArrayList<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    ProcFiles proc = sys.isMountedSysfs() ? new ProcFiles(SysfsTree.open(Path.of("/proc")), "")
        : new ProcFiles(sys, PROC + "/");
    Optional<byte[]> osrelease = readProc(proc, OSRELEASE, InputLimits.SYSFS_FILE, files);
    Optional<KernelRelease> release = osrelease.isEmpty() ? Optional.empty()
        : Optional.of(release(osrelease.get(), proc.tree().name(proc.rel(OSRELEASE))));
    Optional<String> commandLine = readProc(proc, CMDLINE, InputLimits.SYSFS_FILE, files)
        .map(b -> new String(b, StandardCharsets.ISO_8859_1).strip());
    Optional<KernelCommandLine> cmdline = commandLine.map(KernelCommandLine::parse);
    Optional<String> interrupts = readProc(proc, INTERRUPTS, InputLimits.TEXT_INPUT, files)
        .map(b -> new String(b, StandardCharsets.ISO_8859_1));
    List<String> iommus = iommuNames(sys, notes);
    Optional<IommuDriver> driver = driver(iommus, acpiTables);
    String cmdlineName = proc.tree().name(proc.rel(CMDLINE));
    Optional<Boolean> vfio = unsafeInterrupts(sys, VFIO_UNSAFE, "vfio_iommu_type1", cmdline, cmdlineName, files, notes);
    Optional<Boolean> iommufd = unsafeInterrupts(sys, IOMMUFD_UNSAFE, "iommufd", cmdline, cmdlineName, files,
        notes);
    Optional<Long> efr2 = amdEfr2(sys, iommus, release, files, notes);
    MsiIsolation.Evidence evidence = new MsiIsolation.Evidence(driver, cmdline, interrupts,
        iommuTable(acpiTables.get("DMAR"), (b, s) -> DmarReader.read(b, s, false)),
        iommuTable(acpiTables.get("IORT"), (b, s) -> IortReader.read(b, s, false)),
        madt(sys, files, notes));
    KernelFacts facts = new KernelFacts(release, driver, commandLine, MsiIsolation.decide(evidence), vfio, iommufd,
        efr2);
    return new Read<>(new KernelFiles(facts, files, iommus), notes);
  }

  private static Optional<byte[]> readProc(ProcFiles proc, String file, InputLimits limit, Map<String, byte[]> files)
      throws InputException {
    String rel = proc.rel(file);
    Optional<Path> real = proc.tree().find(rel);
    if (real.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = proc.tree().read(rel, real.get(), limit);
    files.put(PROC + "/" + file, bytes);
    return Optional.of(bytes);
  }

  private static KernelRelease release(byte[] bytes, String name) throws InputException {
    String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
    if (!MessageText.clean(text).equals(text)) {
      throw new InputException(name, Position.whole(),
          "'" + MessageText.clean(text) + "' is not a kernel release (control characters, or too long)");
    }
    try {
      return KernelRelease.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(name, Position.whole(), e.getMessage());
    }
  }

  /** The entries of {@code class/iommu}, sorted; a name no driver makes is noted and skipped. */
  private static List<String> iommuNames(SysfsTree sys, List<InputNote> notes) throws InputException {
    Optional<Path> dir = sys.findDirectory(CLASS_IOMMU);
    if (dir.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String name : sys.list(CLASS_IOMMU, dir.get())) {
      if (IOMMU_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..")) {
        names.add(name);
      } else {
        notes.add(InputNote.note(sys.name(CLASS_IOMMU + "/" + name), Position.whole(),
            "skipped: '" + MessageText.clean(name) + "' is not an IOMMU name as the kernel makes them"));
      }
    }
    return names;
  }

  /**
   * The driver the {@code class/iommu} names show ({@code dmar%d}: intel/dmar.c; {@code ivhd%d}:
   * amd/init.c; {@code smmu3.%pa}: arm-smmu-v3, {@code smmu.%pa}: arm-smmu), else the one IOMMU table
   * the firmware has.
   */
  private static Optional<IommuDriver> driver(List<String> iommus, Map<String, byte[]> acpiTables) {
    for (String name : iommus) {
      if (name.startsWith("dmar")) {
        return Optional.of(IommuDriver.INTEL);
      }
      if (name.startsWith("ivhd")) {
        return Optional.of(IommuDriver.AMD);
      }
      if (name.startsWith("smmu")) {
        return Optional.of(IommuDriver.ARM_SMMU);
      }
    }
    List<IommuDriver> byTable = new ArrayList<>();
    if (acpiTables.containsKey("DMAR")) {
      byTable.add(IommuDriver.INTEL);
    }
    if (acpiTables.containsKey("IVRS")) {
      byTable.add(IommuDriver.AMD);
    }
    if (acpiTables.containsKey("IORT")) {
      byTable.add(IommuDriver.ARM_SMMU);
    }
    return byTable.size() == 1 ? Optional.of(byTable.get(0)) : Optional.empty();
  }

  /**
   * A module's {@code allow_unsafe_interrupts}: the sysfs parameter ({@code Y}/{@code N}, the value
   * in force) when the module is loaded, else {@code module.allow_unsafe_interrupts=} on the command
   * line (the value it will load with), else empty.
   */
  private static Optional<Boolean> unsafeInterrupts(SysfsTree sys, String rel, String module,
      Optional<KernelCommandLine> cmdline, String cmdlineName, Map<String, byte[]> files, List<InputNote> notes)
      throws InputException {
    Optional<Path> real = sys.find(rel);
    if (real.isPresent()) {
      byte[] bytes = sys.read(rel, real.get(), InputLimits.SYSFS_FILE);
      files.put(rel, bytes);
      String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
      if (text.equals("Y") || text.equals("N")) {
        return Optional.of(text.equals("Y"));
      }
      notes.add(InputNote.note(sys.name(rel), Position.whole(), "'" + MessageText.clean(text)
          + "' is not Y or N as the kernel prints a bool parameter; taken as not recorded"));
      return Optional.empty();
    }
    if (cmdline.isEmpty()) {
      return Optional.empty();
    }
    String parameter = module + ".allow_unsafe_interrupts";
    Optional<String> value = cmdline.get().value(parameter);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Optional<Boolean> parsed = KernelCommandLine.kernelBool(value.get());
    if (parsed.isEmpty()) {
      notes.add(InputNote.note(cmdlineName, Position.whole(), parameter + "='"
          + MessageText.clean(value.get()) + "' is not a value the kernel accepts for a bool; it keeps its default"));
    }
    return parsed;
  }

  /**
   * EFR2 from the first {@code ivhd*}'s {@code amd-iommu/features}, where the release settles which
   * half it is (docs/kernel-eras.md §4): before v6.0 the file is EFR alone; v6.0 (1e98a35da49e)
   * prints {@code EFR2:EFR}; v6.7 prints {@code EFR:EFR2} (7b7563a93437 "iommu/amd: Consolidate
   * feature detection and reporting logic", in the "IOMMU Updates for Linux v6.7" pull; that this
   * commit is the one that swapped the order is inferred from its subject and the current copies,
   * its diff UNVERIFIED).
   */
  private static Optional<Long> amdEfr2(SysfsTree sys, List<String> iommus, Optional<KernelRelease> release,
      Map<String, byte[]> files, List<InputNote> notes) throws InputException {
    Optional<String> ivhd = iommus.stream().filter(n -> n.startsWith("ivhd")).findFirst();
    if (ivhd.isEmpty()) {
      return Optional.empty();
    }
    String rel = CLASS_IOMMU + "/" + ivhd.get() + "/" + AMD_FEATURES;
    Optional<Path> real = sys.find(rel);
    if (real.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = sys.read(rel, real.get(), InputLimits.SYSFS_FILE);
    files.put(rel, bytes);
    String name = sys.name(rel);
    String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
    Matcher m = FEATURES.matcher(text);
    if (!m.matches()) {
      notes.add(InputNote.note(name, Position.whole(), "'" + MessageText.clean(text)
          + "' is not hex or hex:hex as the AMD driver prints it; EFR2 not recorded"));
      return Optional.empty();
    }
    boolean pair = m.group(2) != null;
    if (release.isEmpty()) {
      if (pair) {
        notes.add(InputNote.note(name, Position.whole(), "EFR2 not recorded: which half is EFR2 depends on the"
            + " kernel release (EFR2:EFR in 6.0-6.6, EFR:EFR2 from 6.7), and the release is not recorded"));
      }
      return Optional.empty();
    }
    boolean printsEfr2 = KernelEra.AMD_FEATURES_EFR2.in(release.get());
    if (pair != printsEfr2) {
      notes.add(InputNote.note(name, Position.whole(), "'" + text + "' does not have the form kernel "
          + release.get().version() + " prints (" + (printsEfr2 ? "two values" : "one value") + "); EFR2 not recorded"));
      return Optional.empty();
    }
    if (!pair) {
      return Optional.empty();
    }
    String efr2 = KernelEra.AMD_FEATURES_EFR_FIRST.in(release.get()) ? m.group(2) : m.group(1);
    return Optional.of(Long.parseUnsignedLong(efr2, 16));
  }

  /** A decoder of one table. */
  private interface Decoder<T> {
    Read<T> decode(byte[] bytes, String source) throws InputException;
  }

  /**
   * An IOMMU table decoded for the MSI decision, if present. One that cannot be decoded leaves the
   * decision to other evidence without a note: the host builder, which needs the table, reports it.
   */
  private static <T> Optional<T> iommuTable(byte[] bytes, Decoder<T> decoder) {
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(decoder.decode(bytes, "").value());
    } catch (InputException e) {
      return Optional.empty();
    }
  }

  /**
   * The MADT, decoded, when present and readable (root-only on a live system, like every ACPI
   * table); an unreadable or undecodable one is a note, and MSI isolation is then not read from it.
   */
  private static Optional<MadtTable> madt(SysfsTree sys, Map<String, byte[]> files, List<InputNote> notes)
      throws InputException {
    Optional<Path> real = sys.find(MADT);
    if (real.isEmpty()) {
      return Optional.empty();
    }
    String name = sys.name(MADT);
    byte[] bytes;
    try {
      bytes = sys.read(MADT, real.get(), InputLimits.ACPI_TABLE);
    } catch (InputException e) {
      if (!(e.getCause() instanceof AccessDeniedException)) {
        throw e;
      }
      notes.add(InputNote.note(name, Position.whole(),
          "not readable (ACPI tables are root-only); MSI isolation cannot be read from it"));
      return Optional.empty();
    }
    files.put(MADT, bytes);
    try {
      Read<MadtTable> madt = MadtReader.read(bytes, name);
      notes.addAll(madt.notes());
      return Optional.of(madt.value());
    } catch (InputException e) {
      notes.add(InputNote.note(name, e.position(), "not used to decide MSI isolation: " + e.detail()));
      return Optional.empty();
    }
  }
}
