package dev.resvc.cli;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a host the way every command that takes {@code --host}/{@code PATH} and {@code --dmar},
 * {@code --ivrs}, {@code --iort} does.
 */
final class HostLoader {
  private HostLoader() {}

  /** A host, the tables its regions were rebuilt from, and where its regions came from, in words. */
  record Loaded(Host host, SysfsSnapshot snapshot, Firmware firmware, String regionsFrom) {}

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

  static Loaded load(Path root, TableFiles files, boolean sysfsOnly, List<InputNote> notes)
      throws InputException, UsageException {
    if (sysfsOnly && files.any()) {
      throw new UsageException("--dmar/--ivrs/--iort and --sysfs-only contradict each other");
    }
    if (Stream.of(files.dmar(), files.ivrs(), files.iort()).filter(f -> f.equals(Optional.of("-"))).count() > 1) {
      throw new UsageException("only one of --dmar, --ivrs and --iort can read standard input ('-')");
    }
    SysfsSnapshot snapshot = SysfsReader.read(root, notes);
    String name = root.toString();
    if (sysfsOnly) {
      return new Loaded(HostBuilder.fromSysfs(snapshot, name), snapshot, Firmware.none(), "sysfs (--sysfs-only)");
    }
    Firmware firmware = files.any() ? given(files, notes) : HostBuilder.snapshotFirmware(snapshot, notes);
    if (firmware.isEmpty()) {
      return new Loaded(HostBuilder.fromSysfs(snapshot, name), snapshot, firmware,
          "sysfs (no DMAR, IVRS or IORT table)");
    }
    return new Loaded(HostBuilder.withFirmware(snapshot, name, firmware, notes), snapshot, firmware,
        firmware.describe() + ", as the kernel builds them");
  }

  private static Firmware given(TableFiles files, List<InputNote> notes) throws InputException {
    Firmware firmware = Firmware.none();
    if (files.dmar().isPresent()) {
      String source = Inputs.displayName(files.dmar().get());
      firmware = firmware.withDmar(DmarReader.read(Inputs.bytes(files.dmar().get(), System.in), source, false, notes),
          source);
    }
    if (files.ivrs().isPresent()) {
      String source = Inputs.displayName(files.ivrs().get());
      firmware = firmware.withIvrs(IvrsReader.read(Inputs.bytes(files.ivrs().get(), System.in), source, false, notes),
          source);
    }
    if (files.iort().isPresent()) {
      String source = Inputs.displayName(files.iort().get());
      firmware = firmware.withIort(IortReader.read(Inputs.bytes(files.iort().get(), System.in), source, false, notes),
          source);
    }
    return firmware;
  }
}
