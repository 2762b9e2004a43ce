package dev.resvc.cli;

import dev.resvc.runtime.firmware.DmarFormat;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc dmar}: decode an Intel DMAR table. */
@Command(
    name = "dmar",
    mixinStandardHelpOptions = true,
    description = {
      "Decode an ACPI DMAR table (as in /sys/firmware/acpi/tables/DMAR, or acpixtract output):",
      "remapping units, RMRRs with their device scopes, and every other structure by type and length.",
      "A wrong checksum is a warning (the kernel accepts such tables too); --strict makes it an error."
    })
final class DmarCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The binary DMAR table; '-' reads standard input.")
  String file;

  @Option(names = "--format", defaultValue = "text", description = "text (one line per structure) or json (every field).")
  Format format;

  @Option(names = "--strict", description = "Treat a wrong checksum as an error.")
  boolean strict;

  @Override
  public Integer call() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    DmarTable table = DmarReader.read(Inputs.bytes(file, System.in), Inputs.displayName(file), strict, notes);
    Output.notes(spec.commandLine().getErr(), notes);
    spec.commandLine().getOut().print(format == Format.json ? DmarFormat.json(table) + "\n" : DmarFormat.text(table));
    return Main.OK;
  }
}
