package dev.resvc.cli;

import dev.resvc.cli.render.IortFormat;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import picocli.CommandLine.Command;

/** {@code resvc iort}: decode an Arm IORT table. */
@Command(
    name = "iort",
    description = {
      "Decode an ACPI IORT table: SMMU nodes and RMR nodes with their stream IDs and ranges.",
      "",
      "The table as in /sys/firmware/acpi/tables/IORT, or acpixtract output.",
      "Text lists the SMMU and RMR nodes (the corpus expected.txt format); json every node and field.",
      "A wrong checksum is a warning (the kernel uses such tables too); --strict makes it an error."
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc iort examples/hosts/radxa-orion-o6/firmware/acpi/tables/IORT",
      "  sudo cat /sys/firmware/acpi/tables/IORT | bin/resvc iort --format json -"
    })
final class IortCommand extends AcpiTableCommand<IortTable> {
  @Override
  Read<IortTable> read(byte[] data, String name, boolean strict) throws InputException {
    return IortReader.read(data, name, strict);
  }

  @Override
  String text(IortTable table) {
    return IortFormat.text(table);
  }

  @Override
  Json.Obj json(IortTable table) {
    return IortFormat.json(table);
  }

  @Override
  JsonDocument document() {
    return JsonDocument.iort;
  }
}
