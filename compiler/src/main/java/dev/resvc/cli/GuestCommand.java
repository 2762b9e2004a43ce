package dev.resvc.cli;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.range.ByteSize;
import dev.resvc.runtime.range.U64;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc guest}: show the guest-physical map a preset or a layout file stands for. */
@Command(
    name = "guest",
    mixinStandardHelpOptions = true,
    description = {
      "Print the guest-physical memory map a --guest value stands for.",
      "",
      "A QEMU machine type with its options (q35,ram=16G; pc-q35-7.1,ram=1T,cpu=amd; pc,max-ram-below-4g=2G;",
      "virt-2.12,ram=512G; virt,ram=3G,highmem=off), laid out as that QEMU version's board code does, or a",
      "layout file. One range per line: kind, name, start, end (inclusive), size. The text output is itself",
      "a valid layout file; json has the same ranges and the RAM size."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:printed",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc guest q35,ram=16G",
      "  bin/resvc guest pc-q35-7.1,ram=1T,cpu=amd",
      "  bin/resvc guest examples/guests/small-x86.layout",
      "  bin/resvc guest --format json virt,ram=8G"
    })
final class GuestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "A machine type such as q35,ram=16G, or a layout file.")
  String guest;

  @Option(names = "--format", defaultValue = "text", description = "text (a layout file) or json.")
  Format format;

  @Override
  public Integer call() throws InputException, UsageException {
    GuestLayout layout = PolicyInput.guest(guest);
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      out.println(json(layout));
      return Main.OK;
    }
    out.println("layout " + layout.name());
    for (GuestRange r : layout.ranges()) {
      out.println(String.format("%-8s %-16s %s %s   # %s", r.kind(), r.name(), U64.hex16(r.range().start()),
          U64.hex16(r.range().end()), r.range().isFullSpace() ? "16E" : ByteSize.format(r.range().sizeMinusOne() + 1)));
    }
    out.println("# RAM: " + ByteSize.format(layout.ramSize().longValue()));
    return Main.OK;
  }

  /** The {@code guest} document: the layout's name, its ranges in address order, and its RAM in bytes. */
  private static Json.Obj json(GuestLayout layout) {
    Json.Arr ranges = Json.array();
    layout.ranges().forEach(r -> ranges.add(rangeJson(r)));
    return JsonDocument.guest.start()
        .put("name", layout.name())
        .put("ranges", ranges)
        .put("ram_size", "0x" + layout.ramSize().toString(16));
  }

  /** A guest-physical range, wherever one is printed: {@code name}, {@code kind}, {@code start}, {@code end}. */
  static Json.Obj rangeJson(GuestRange r) {
    return Json.object()
        .put("name", r.name())
        .put("kind", r.kind().resvName())
        .putAll(IovaCommand.rangeJson(r.range()));
  }
}
