package dev.resvc.cli;

import dev.resvc.runtime.host.SnapshotWriter;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc snapshot}: save what resvc reads from sysfs, to attach to a bug report. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Save the parts of sysfs that resvc reads into a directory with the same layout: PCI devices",
      "(ids, class, driver, the bridge nesting), IOMMU groups (reserved_regions, type, members) and the raw",
      "DMAR/IVRS/IORT tables when readable (they are root-only). Plain files and relative links that stay",
      "inside the directory, so it can be tarred and attached to a bug report, then read with",
      "'resvc host DIR'. A machine with the IOMMU off is saved too."
    })
final class SnapshotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--sysfs", defaultValue = "/sys", paramLabel = "DIR",
      description = "The sysfs to read (default: ${DEFAULT-VALUE}); another snapshot works too.")
  Path sysfs;

  @Parameters(index = "0", paramLabel = "OUT", description = "Directory to create; must not exist or be empty.")
  Path out;

  @Override
  public Integer call() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    SnapshotWriter.write(sysfs, out, notes);
    PrintWriter err = spec.commandLine().getErr();
    Output.notes(err, notes);
    SysfsSnapshot written = SysfsReader.read(out, new ArrayList<>());
    err.println("resvc: wrote " + out + ": " + written.devices().size() + " PCI devices, "
        + written.groups().size() + " IOMMU groups, ACPI tables: "
        + (written.acpiTables().isEmpty() ? "none" : String.join(", ", written.acpiTables().keySet())));
    return Main.OK;
  }
}
