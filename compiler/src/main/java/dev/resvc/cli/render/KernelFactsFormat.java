package dev.resvc.cli.render;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a host tells about its kernel ({@link KernelFacts}), as the {@code kernel} block of {@code
 * resvc host}: text lines and a JSON object ({@code docs/schemas/host.schema.json}). A fact the host
 * did not show reads "not recorded" (JSON {@code null}).
 */
public final class KernelFactsFormat {
  /** EFR2 bit 11, HTRangeIgnore: the AMD driver then does not reserve the HyperTransport window (v6.16+). */
  public static final int HT_RANGE_IGNORE_BIT = 11;

  /** The most characters of the command line the text form shows. */
  static final int COMMAND_LINE_SHOWN = 120;

  private static final String NOT_RECORDED = "not recorded";

  private KernelFactsFormat() {}

  /** The block's lines, without indentation. */
  public static List<String> text(KernelFacts facts) {
    List<String> lines = new ArrayList<>();
    lines.add("release                  " + facts.release().map(KernelRelease::text).map(MessageText::clean)
        .orElse(NOT_RECORDED));
    lines.add("IOMMU driver             " + facts.driver().map(IommuDriver::resvName).orElse(NOT_RECORDED));
    lines.add("command line             " + facts.commandLine().map(c -> MessageText.clean(c, COMMAND_LINE_SHOWN))
        .orElse(NOT_RECORDED));
    lines.add("MSI isolation            " + facts.interruptRemapping()
        .map(r -> (r.isolated() ? "isolated: " : "not isolated: ") + MessageText.clean(r.evidence(), 200))
        .orElse(NOT_RECORDED));
    lines.add("allow_unsafe_interrupts  " + Backend.VFIO_TYPE1 + " " + yesNo(facts.vfioAllowUnsafeInterrupts())
        + ", " + Backend.IOMMUFD + " " + yesNo(facts.iommufdAllowUnsafeInterrupts()));
    if (facts.amdEfr2().isPresent() || facts.driver().isEmpty() || facts.driver().get() == IommuDriver.AMD) {
      lines.add("AMD EFR2                 " + facts.amdEfr2()
          .map(v -> U64.hex(v) + " (HTRangeIgnore, bit " + HT_RANGE_IGNORE_BIT + ": "
              + (htRangeIgnore(v) ? "set" : "clear") + ")")
          .orElse(NOT_RECORDED));
    }
    return lines;
  }

  /** The {@code kernel} object of the host JSON. */
  public static Json.Obj json(KernelFacts facts) {
    return Json.object()
        .put("release", facts.release().map(KernelRelease::text).orElse(null))
        .put("version", facts.release().map(KernelRelease::version).orElse(null))
        .put("driver", facts.driver().map(IommuDriver::resvName).orElse(null))
        .put("command_line", facts.commandLine().orElse(null))
        .put("msi_isolation", facts.interruptRemapping()
            .map(r -> Json.object().put("isolated", r.isolated()).put("evidence", r.evidence()))
            .orElse(null))
        .put("allow_unsafe_interrupts", Json.object()
            .put("vfio_type1", facts.vfioAllowUnsafeInterrupts().orElse(null))
            .put("iommufd", facts.iommufdAllowUnsafeInterrupts().orElse(null)))
        .put("amd_efr2", facts.amdEfr2().map(U64::hex).orElse(null))
        .put("ht_range_ignore", facts.amdEfr2().map(KernelFactsFormat::htRangeIgnore).orElse(null));
  }

  private static boolean htRangeIgnore(long efr2) {
    return (efr2 >>> HT_RANGE_IGNORE_BIT & 1) != 0;
  }

  private static String yesNo(Optional<Boolean> value) {
    return value.map(v -> v ? "Y" : "N").orElse(NOT_RECORDED);
  }
}
