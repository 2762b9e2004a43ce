package dev.resvc.cli;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.host.RegionListParser;
import dev.resvc.runtime.host.RegionListParser.Dialect;
import dev.resvc.runtime.host.RegionListParser.RegionList;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.GroupRegionMerger;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc iova}: what VFIO type1 would report as valid IOVA ranges. */
@Command(
    name = "iova",
    mixinStandardHelpOptions = true,
    description = {
      "Print the valid IOVA ranges VFIO type1 computes for a group with these reserved regions.",
      "",
      "The ranges VFIO reports when the group is attached to an empty container: the aperture minus every",
      "region except direct-relaxable ones (vfio_iommu_resv_exclude). The regions are first merged as the",
      "kernel merges a group's list.",
      "",
      "Input: as for 'resvc regions merge'; an optional first line 'aperture <start> <end>' sets the",
      "domain aperture. When nothing remains, VFIO refuses the attach with -EINVAL: the reason goes to",
      "standard error, and standard output has nothing (text) or a document saying iova_refused (json)."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:some IOVA range remains",
      "1:nothing remains: VFIO would refuse the attach with -EINVAL",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc iova examples/regions/two-devices.txt",
      "  bin/resvc iova --aperture 0x0-0xffffffff examples/regions/two-devices.txt",
      "  bin/resvc iova --format json examples/regions/two-devices.txt"
    })
final class IovaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--aperture", paramLabel = "0xLO-0xHI",
      description = "Domain aperture, inclusive (overrides an 'aperture' line in the input). "
          + "Default: the whole 64-bit space, as AMD v1 page tables allow; Intel VT-d uses [0, 2^gaw - 1], "
          + "e.g. 0x0-0xffffffffffff for 48 bits.")
  String aperture;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
      description = "Region list to read; '-' (the default) reads standard input.")
  String file;

  @Option(names = "--format", defaultValue = "text",
      description = "text (one valid range per line) or json (also the aperture and the merged regions).")
  Format format;

  @Override
  public Integer call() throws InputException, UsageException {
    AddressRange fromOption = aperture != null ? parseAperture(aperture) : null;
    String name = Inputs.displayName(file);
    Read<RegionList> read = RegionListParser.parse(Inputs.text(file, System.in), name, Dialect.REGION_FILE, true);
    RegionList list = read.value();
    AddressRange window = fromOption != null ? fromOption : list.aperture().orElse(AddressRange.FULL);
    PrintWriter err = spec.commandLine().getErr();
    Output.notes(err, read.notes());
    List<Region> merged = GroupRegionMerger.merge(list.regions());
    VfioIovaList.AttachResult result = VfioIovaList.attachGroup(window, merged);
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      out.println(json(name, window, merged, result));
    }
    if (result.refused()) {
      err.println("resvc: no valid IOVA range remains in aperture " + window
          + ": VFIO refuses the group attach with -EINVAL (vfio_iommu_resv_exclude)");
      return Main.FINDING;
    }
    if (format == Format.text) {
      for (AddressRange r : result.validRanges()) {
        out.println(U64.hex16(r.start()) + " " + U64.hex16(r.end()));
      }
    }
    return Main.OK;
  }

  /** The {@code iova} document: what VFIO was given (aperture, merged regions) and what it computed. */
  private static Json.Obj json(String file, AddressRange aperture, List<Region> merged,
      VfioIovaList.AttachResult result) {
    Json.Arr regions = Json.array();
    merged.forEach(r -> regions.add(HostCommand.regionJson(r)));
    return JsonDocument.iova.start()
        .put("file", file)
        .put("aperture", rangeJson(aperture))
        .put("reserved_regions", regions)
        .put("valid_iova", validIova(result))
        .put("iova_refused", result.refused());
  }

  /** VFIO's valid IOVA ranges as {@code check} and {@code iova} print them: {@code start}, {@code end}. */
  static Json.Arr validIova(VfioIovaList.AttachResult result) {
    Json.Arr ranges = Json.array();
    result.validRanges().forEach(r -> ranges.add(rangeJson(r)));
    return ranges;
  }

  /** An inclusive range of addresses: {@code start} and {@code end}. */
  static Json.Obj rangeJson(AddressRange r) {
    return Json.object().put("start", U64.hex16(r.start())).put("end", U64.hex16(r.end()));
  }

  static AddressRange parseAperture(String text) throws UsageException {
    int dash = text.indexOf('-');
    if (dash < 0) {
      throw new UsageException("--aperture '" + text + "': expected 0xLO-0xHI, e.g. 0x0-0xffffffffffff");
    }
    try {
      long lo = U64.parse(text.substring(0, dash));
      long hi = U64.parse(text.substring(dash + 1));
      if (U64.lessThan(hi, lo)) {
        throw new UsageException("--aperture '" + text + "': the end lies below the start");
      }
      return new AddressRange(lo, hi);
    } catch (NumberFormatException e) {
      throw new UsageException("--aperture '" + text + "': " + e.getMessage());
    }
  }
}
