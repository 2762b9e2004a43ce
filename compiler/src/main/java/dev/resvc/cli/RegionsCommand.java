package dev.resvc.cli;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.host.RegionListParser;
import dev.resvc.runtime.host.RegionListParser.Dialect;
import dev.resvc.runtime.host.RegionListParser.RegionList;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.model.Region;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc regions}: work on region lists directly. */
@Command(
    name = "regions",
    mixinStandardHelpOptions = true,
    description = "Work on lists of reserved regions (one subcommand: merge).",
    subcommands = {RegionsCommand.Merge.class},
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {"0:done", HelpText.BAD_INPUT, HelpText.INTERNAL_ERROR},
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {"  bin/resvc regions merge examples/regions/two-devices.txt"})
final class RegionsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: merge");
  }

  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description = {
        "Merge regions as the kernel builds a group's list, and print them as reserved_regions would.",
        "",
        "The merge is iommu_get_group_resv_regions'; the output is what",
        "/sys/kernel/iommu_groups/N/reserved_regions would show.",
        "",
        "Input: one region per line, '<start> <end> <type>', the end inclusive, numbers 0x-hex or decimal,",
        "type one of direct, direct-relaxable, reserved, msi, sw-msi; blank lines and # comments ignored.",
        "An optional fourth field gives the kernel's protection flags, prot=none or flags joined by '|'",
        "(read, write, cache, noexec, mmio, priv); the JSON shows them, reserved_regions never does.",
        "Regions are inserted in input order, as the kernel inserts each device's regions in turn."
      },
      exitCodeListHeading = HelpText.EXIT_HEADING,
      exitCodeList = {"0:merged", HelpText.BAD_INPUT, HelpText.INTERNAL_ERROR},
      footerHeading = HelpText.EXAMPLES_HEADING,
      footer = {
        "  bin/resvc regions merge examples/regions/two-devices.txt",
        "  grep -v msi examples/regions/two-devices.txt | bin/resvc regions merge -",
        "  bin/resvc regions merge --format json examples/regions/two-devices.txt"
      })
  static final class Merge implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
        description = "Region list to read; '-' (the default) reads standard input.")
    String file;

    @Option(names = "--format", defaultValue = "text",
        description = "text (reserved_regions lines) or json (every field of each merged region).")
    Format format;

    @Override
    public Integer call() throws InputException {
      String name = Inputs.displayName(file);
      Read<RegionList> read = RegionListParser.parse(Inputs.text(file, System.in), name, Dialect.REGION_FILE, false);
      List<Region> regions = read.value().regions();
      Output.notes(spec.commandLine().getErr(), read.notes());
      List<Region> merged = GroupRegionMerger.merge(regions);
      PrintWriter out = spec.commandLine().getOut();
      if (format == Format.json) {
        Json.Arr arr = Json.array();
        merged.forEach(r -> arr.add(HostCommand.regionJson(r)));
        out.println(JsonDocument.regions.start().put("file", name).put("reserved_regions", arr));
      } else {
        merged.forEach(r -> out.println(r.toSysfsLine()));
      }
      return Main.OK;
    }
  }
}
