package dev.resvc.cli;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.FirmwareMemoryMap;
import dev.resvc.runtime.host.HostApertures;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.RmrrSanityCheck;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.host.VtdUnits;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.KernelRelease;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a host the way every command that takes {@code --host}/{@code PATH} and {@code --dmar},
 * {@code --ivrs}, {@code --iort} does.
 */
final class HostLoader {
  private HostLoader() {}

  /**
   * A host, the tables its regions were rebuilt from, where its regions came from, in words, and what
   * reading it noted (sysfs, then the tables, then the host builder).
   */
  record Loaded(Host host, SysfsSnapshot snapshot, Firmware firmware, VtdUnits vtdUnits, String regionsFrom,
      List<InputNote> notes) {
    Loaded {
      notes = List.copyOf(notes);
    }

    /** The domain aperture of each group for a kernel of {@code release}, from the VT-d units or the tables. */
    HostApertures apertures(KernelRelease release) {
      return HostApertures.of(host.groups(), firmware, vtdUnits, host.kernel().commandLine(), release);
    }
  }

  /**
   * Where a host's regions come from ({@code --regions}): rebuilt from the firmware tables as the
   * kernel builds them, when there are tables (the default), or the {@code reserved_regions} lines
   * the running kernel printed, trusted as they are (a patched kernel, such as a relax-RMRR build,
   * prints types no rebuild would give).
   */
  enum RegionsFrom {
    firmware,
    sysfs
  }

  /** The table files given on the command line; all empty means "the snapshot's own tables". */
  record TableFiles(Optional<String> dmar, Optional<String> ivrs, Optional<String> iort) {
    static TableFiles none() {
      return new TableFiles(Optional.empty(), Optional.empty(), Optional.empty());
    }

    static TableFiles of(String dmar, String ivrs, String iort) {
      return new TableFiles(Optional.ofNullable(dmar), Optional.ofNullable(ivrs), Optional.ofNullable(iort));
    }

    boolean any() {
      return dmar.isPresent() || ivrs.isPresent() || iort.isPresent();
    }
  }

  /**
   * The host at {@code root}, carrying its kernel facts ({@link SysfsSnapshot#kernelFacts()}), with
   * regions from where {@code regions} says.
   */
  static Loaded load(Path root, TableFiles files, RegionsFrom regions) throws InputException, UsageException {
    return load(root, files, regions, Optional.empty());
  }

  /**
   * {@link #load(Path, TableFiles, RegionsFrom)} with the regions rebuilt as the drivers of {@code
   * release} build them, when given, instead of the release the host records.
   */
  static Loaded load(Path root, TableFiles files, RegionsFrom regions, Optional<KernelRelease> release)
      throws InputException, UsageException {
    if (regions == RegionsFrom.sysfs && files.any()) {
      throw new UsageException("--dmar/--ivrs/--iort and --regions sysfs contradict each other");
    }
    if (Stream.of(files.dmar(), files.ivrs(), files.iort()).filter(f -> f.equals(Optional.of("-"))).count() > 1) {
      throw new UsageException("only one of --dmar, --ivrs and --iort can read standard input ('-')");
    }
    Read<SysfsSnapshot> read = SysfsReader.read(root);
    SysfsSnapshot snapshot = read.value();
    List<InputNote> notes = new ArrayList<>(read.notes());
    String name = root.toString();
    VtdUnits vtdUnits = VtdUnits.read(root);
    if (regions == RegionsFrom.sysfs) {
      return new Loaded(HostBuilder.fromSysfs(snapshot, name), snapshot, Firmware.none(), vtdUnits, "sysfs (--regions sysfs)",
          notes);
    }
    Read<Firmware> firmware = files.any() ? given(files) : HostBuilder.snapshotFirmware(snapshot);
    notes.addAll(firmware.notes());
    if (firmware.value().isEmpty()) {
      return new Loaded(HostBuilder.fromSysfs(snapshot, name), snapshot, firmware.value(), vtdUnits,
          "sysfs (no DMAR, IVRS or IORT table)", notes);
    }
    KernelFacts facts = snapshot.kernelFacts();
    KernelRelease builtFor = release.or(facts::release).orElse(TargetKernel.NEWEST);
    Read<Host> host = HostBuilder.withFirmware(snapshot, name, firmware.value(), builtFor, facts.amdEfr2());
    notes.addAll(host.notes());
    if (firmware.value().dmar().isPresent()) {
      Firmware.Named<DmarTable> dmar = firmware.value().dmar().get();
      Optional<FirmwareMemoryMap> memmap = FirmwareMemoryMap.read(root);
      memmap.ifPresent(m -> notes.addAll(RmrrSanityCheck.check(dmar.table(), dmar.source(), m, builtFor)));
    }
    return new Loaded(host.value(), snapshot, firmware.value(), vtdUnits,
        firmware.value().describe() + ", as the kernel builds them", notes);
  }

  /** The tables named on the command line, decoded leniently, in the order DMAR, IVRS, IORT. */
  private static Read<Firmware> given(TableFiles files) throws InputException {
    Firmware firmware = Firmware.none();
    List<InputNote> notes = new ArrayList<>();
    if (files.dmar().isPresent()) {
      String source = Inputs.displayName(files.dmar().get());
      Read<DmarTable> dmar = DmarReader.read(Inputs.bytes(files.dmar().get(), System.in), source, false);
      notes.addAll(dmar.notes());
      firmware = firmware.withDmar(dmar.value(), source);
    }
    if (files.ivrs().isPresent()) {
      String source = Inputs.displayName(files.ivrs().get());
      Read<IvrsTable> ivrs = IvrsReader.read(Inputs.bytes(files.ivrs().get(), System.in), source, false);
      notes.addAll(ivrs.notes());
      firmware = firmware.withIvrs(ivrs.value(), source);
    }
    if (files.iort().isPresent()) {
      String source = Inputs.displayName(files.iort().get());
      Read<IortTable> iort = IortReader.read(Inputs.bytes(files.iort().get(), System.in), source, false);
      notes.addAll(iort.notes());
      firmware = firmware.withIort(iort.value(), source);
    }
    return new Read<>(firmware, notes);
  }
}
