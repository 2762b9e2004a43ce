package dev.resvc.cli;

import dev.resvc.cli.render.IvrsFormat;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import picocli.CommandLine.Command;

/** {@code resvc ivrs}: decode an AMD IVRS table. */
@Command(
    name = "ivrs",
    description = {
      "Decode an ACPI IVRS table: IVHD (IOMMU) and IVMD (memory definition) blocks, others by type.",
      "",
      "The table as in /sys/firmware/acpi/tables/IVRS, or acpixtract output.",
      "Text is one line per block (the corpus expected.txt format); json has every field, IVHD device",
      "entries included.",
      "A wrong checksum is a warning (the AMD driver then gives up on the table); --strict makes it an error."
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc ivrs examples/hosts/mechrevo-wujie14/firmware/acpi/tables/IVRS",
      "  sudo cat /sys/firmware/acpi/tables/IVRS | bin/resvc ivrs --format json -"
    })
final class IvrsCommand extends AcpiTableCommand<IvrsTable> {
  @Override
  Read<IvrsTable> read(byte[] data, String name, boolean strict) throws InputException {
    return IvrsReader.read(data, name, strict);
  }

  @Override
  String text(IvrsTable table) {
    return IvrsFormat.text(table);
  }

  @Override
  Json.Obj json(IvrsTable table) {
    return IvrsFormat.json(table);
  }

  @Override
  JsonDocument document() {
    return JsonDocument.ivrs;
  }
}
