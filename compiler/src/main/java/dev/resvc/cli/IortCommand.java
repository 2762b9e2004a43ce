package dev.resvc.cli;

import dev.resvc.runtime.firmware.IortFormat;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
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

/** {@code resvc iort}: decode an Arm IORT table. */
@Command(
    name = "iort",
    mixinStandardHelpOptions = true,
    description = {
      "Decode an ACPI IORT table (as in /sys/firmware/acpi/tables/IORT, or acpixtract output):",
      "the SMMU nodes and the RMR nodes with their stream IDs and ranges (text), or every node (json).",
      "A wrong checksum is a warning (the kernel uses such tables too); --strict makes it an error."
    })
final class IortCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The binary IORT table; '-' reads standard input.")
  String file;

  @Option(names = "--format", defaultValue = "text",
      description = "text (SMMU and RMR lines) or json (every node and field, ID mappings included).")
  Format format;

  @Option(names = "--strict", description = "Treat a wrong checksum as an error.")
  boolean strict;

  @Override
  public Integer call() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    IortTable table = IortReader.read(Inputs.bytes(file, System.in), Inputs.displayName(file), strict, notes);
    Output.notes(spec.commandLine().getErr(), notes);
    spec.commandLine().getOut().print(format == Format.json ? IortFormat.json(table) + "\n" : IortFormat.text(table));
    return Main.OK;
  }
}
