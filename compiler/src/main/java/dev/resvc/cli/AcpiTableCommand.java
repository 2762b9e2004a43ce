package dev.resvc.cli;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code resvc dmar}, {@code ivrs} and {@code iort} share: read one binary ACPI table, print its
 * one-line-per-item summary (the corpus {@code expected.txt} format) or every decoded field as JSON.
 * Their exit statuses are the same too; picocli merges this annotation into each subclass's.
 */
@Command(
    mixinStandardHelpOptions = true,
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:decoded (a wrong checksum without --strict is a warning)",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    })
abstract class AcpiTableCommand<T> implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The binary table; '-' reads standard input.")
  String file;

  @Option(names = "--format", defaultValue = "text",
      description = "text (one line per item, the corpus expected.txt format) or json (every decoded field).")
  Format format;

  @Option(names = "--strict", description = "Treat a wrong checksum as an error.")
  boolean strict;

  abstract Read<T> read(byte[] data, String name, boolean strict) throws InputException;

  abstract String text(T table);

  abstract Json.Obj json(T table);

  /** The kind of JSON document this table prints as. */
  abstract JsonDocument document();

  @Override
  public Integer call() throws InputException {
    Read<T> read = read(Inputs.bytes(file, System.in), Inputs.displayName(file), strict);
    T table = read.value();
    Output.notes(spec.commandLine().getErr(), read.notes());
    spec.commandLine().getOut().print(format == Format.json ? document().start().putAll(json(table)) + "\n" : text(table));
    return Main.OK;
  }
}
