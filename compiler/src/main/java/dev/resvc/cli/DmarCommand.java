package dev.resvc.cli;

import dev.resvc.cli.render.DmarFormat;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import picocli.CommandLine.Command;

/** {@code resvc dmar}: decode an Intel DMAR table. */
@Command(
    name = "dmar",
    description = {
      "Decode an ACPI DMAR table: remapping units, RMRRs with their device scopes, other structures.",
      "",
      "The table as in /sys/firmware/acpi/tables/DMAR, or acpixtract output.",
      "Text is one line per structure (the corpus expected.txt format); json has every field.",
      "A wrong checksum is a warning (the kernel accepts such tables too); --strict makes it an error."
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc dmar examples/hosts/hp-proliant-dl360-g7/firmware/acpi/tables/DMAR",
      "  sudo cat /sys/firmware/acpi/tables/DMAR | bin/resvc dmar --format json -"
    })
final class DmarCommand extends AcpiTableCommand<DmarTable> {
  @Override
  Read<DmarTable> read(byte[] data, String name, boolean strict) throws InputException {
    return DmarReader.read(data, name, strict);
  }

  @Override
  String text(DmarTable table) {
    return DmarFormat.text(table);
  }

  @Override
  Json.Obj json(DmarTable table) {
    return DmarFormat.json(table);
  }

  @Override
  JsonDocument document() {
    return JsonDocument.dmar;
  }
}
