package dev.resvc.cli;

import dev.resvc.runtime.firmware.IvrsFormat;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
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

/** {@code resvc ivrs}: decode an AMD IVRS table. */
@Command(
    name = "ivrs",
    mixinStandardHelpOptions = true,
    description = {
      "Decode an ACPI IVRS table (as in /sys/firmware/acpi/tables/IVRS, or acpixtract output):",
      "one line per block, IVHD (IOMMU) and IVMD (memory definition) decoded, others by type and length.",
      "A wrong checksum is a warning (the AMD driver then gives up on the table); --strict makes it an error."
    })
final class IvrsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The binary IVRS table; '-' reads standard input.")
  String file;

  @Option(names = "--format", defaultValue = "text",
      description = "text (one line per block) or json (every field, IVHD device entries included).")
  Format format;

  @Option(names = "--strict", description = "Treat a wrong checksum as an error.")
  boolean strict;

  @Override
  public Integer call() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    IvrsTable table = IvrsReader.read(Inputs.bytes(file, System.in), Inputs.displayName(file), strict, notes);
    Output.notes(spec.commandLine().getErr(), notes);
    spec.commandLine().getOut().print(format == Format.json ? IvrsFormat.json(table) + "\n" : IvrsFormat.text(table));
    return Main.OK;
  }
}
