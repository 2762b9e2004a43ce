package dev.resvc.cli;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads a host the way every command that takes {@code --host}/{@code PATH} and {@code --dmar} does. */
final class HostLoader {
  private HostLoader() {}

  /** A host and where its regions came from, in words for the user. */
  record Loaded(Host host, SysfsSnapshot snapshot, String regionsFrom) {}

  static Loaded load(Path root, Optional<String> dmarFile, boolean sysfsOnly, List<InputNote> notes)
      throws InputException, UsageException {
    if (!Files.isDirectory(root)) {
      throw new InputException(root.toString(), Position.whole(),
          Files.exists(root) ? "is not a directory (expected /sys or a snapshot made by 'resvc snapshot')"
              : "no such directory");
    }
    if (sysfsOnly && dmarFile.isPresent()) {
      throw new UsageException("--dmar and --sysfs-only contradict each other");
    }
    SysfsSnapshot snapshot = SysfsReader.read(root, notes);
    String name = root.toString();
    if (sysfsOnly) {
      return new Loaded(HostBuilder.fromSysfs(snapshot, name), snapshot, "sysfs (--sysfs-only)");
    }
    byte[] dmarBytes;
    String dmarName;
    if (dmarFile.isPresent()) {
      dmarName = Inputs.displayName(dmarFile.get());
      dmarBytes = Inputs.bytes(dmarFile.get(), System.in);
    } else {
      Optional<byte[]> own = snapshot.acpiTable("DMAR");
      if (own.isEmpty()) {
        return new Loaded(HostBuilder.fromSysfs(snapshot, name), snapshot,
            "sysfs (no DMAR table" + (snapshot.acpiTables().isEmpty() ? "" : "; "
                + String.join(", ", snapshot.acpiTables().keySet()) + " not modelled yet") + ")");
      }
      dmarName = root.resolve("firmware/acpi/tables/DMAR").toString();
      dmarBytes = own.get();
    }
    DmarTable dmar = DmarReader.read(dmarBytes, dmarName, false, notes);
    return new Loaded(HostBuilder.withDmar(snapshot, name, dmar, dmarName, notes), snapshot,
        "the DMAR table " + dmarName + ", as the Intel VT-d driver builds them");
  }
}
