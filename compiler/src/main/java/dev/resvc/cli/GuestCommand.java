package dev.resvc.cli;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.range.ByteSize;
import dev.resvc.runtime.range.U64;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc guest}: show the guest-physical map a preset or a layout file stands for. */
@Command(
    name = "guest",
    mixinStandardHelpOptions = true,
    description = {
      "Print the guest-physical memory map a --guest value stands for.",
      "",
      "A QEMU preset (q35, pc, virt, with an optional ,ram=SIZE) or a layout file. One range per line: kind,",
      "name, start, end (inclusive), size. The output is itself a valid layout file."
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
      "  bin/resvc guest examples/guests/small-x86.layout"
    })
final class GuestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SPEC", description = "A preset such as q35,ram=16G, or a layout file.")
  String guest;

  @Override
  public Integer call() throws InputException, UsageException {
    GuestLayout layout = PolicyInput.guest(guest);
    PrintWriter out = spec.commandLine().getOut();
    out.println("layout " + layout.name());
    for (GuestRange r : layout.ranges()) {
      out.println(String.format("%-8s %-16s %s %s   # %s", r.kind(), r.name(), U64.hex16(r.range().start()),
          U64.hex16(r.range().end()), r.range().isFullSpace() ? "16E" : ByteSize.format(r.range().sizeMinusOne() + 1)));
    }
    out.println("# RAM: " + ByteSize.format(layout.ramSize().longValue()));
    return Main.OK;
  }
}
