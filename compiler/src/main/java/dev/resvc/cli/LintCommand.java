package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.analysis.Witness;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc lint}: the policy analyser's findings. */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description = {
      "Analyse policies for rules that never fire, overlap, or decide by their order, with witnesses.",
      "",
      "Always-true and always-false conditions, rules that never fire or repeat an earlier rule, unreachable",
      "defaults, overlapping rules whose order decides, and review notes for drops and relaxed RMRRs. Every",
      "finding carries a witness: a device, region and guest range."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:clean, or notes and warnings without --deny-warnings",
      "1:warnings with --deny-warnings",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc lint examples/policies/known-firmware-quirks.resv",
      "  bin/resvc lint --deny-warnings --format sarif examples/policies/*.resv > lint.sarif"
    })
final class LintCommand implements Callable<Integer> {
  /** Output formats of lint. */
  enum LintFormat { text, json, sarif }

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .resv policies.")
  List<Path> files;

  @Option(names = "--format", defaultValue = "text", description = "text, json or sarif.")
  LintFormat format;

  @Option(names = "--deny-warnings", description = "Exit 1 when there is any warning.")
  boolean denyWarnings;

  @Option(names = "--sarif-base", paramLabel = "DIR", defaultValue = ".",
      description = "With --format sarif: the directory (the repository's root) that file URIs are relative to, "
          + "as %%SRCROOT%%; files outside it get absolute file: URIs. Default: the current directory.")
  Path sarifBase;

  @Override
  public Integer call() throws InputException, CompileErrors, UsageException {
    if (format == LintFormat.sarif && !Files.isDirectory(sarifBase)) {
      throw new UsageException("--sarif-base " + MessageText.clean(sarifBase.toString())
          + ": is not a directory");
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Linter.Finding> all = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    List<Diagnostic> compileDiagnostics = new ArrayList<>();
    List<CompileErrors.Failed> failed = new ArrayList<>();
    for (Path file : files) {
      PolicyCompiler.Compilation c = PolicyInput.attempt(file, spec.commandLine().getErr());
      if (c.policy().isEmpty()) {
        failed.add(new CompileErrors.Failed(file.toString(), c));
        continue;
      }
      sources.putAll(c.sources());
      compileDiagnostics.addAll(c.diagnostics());
      all.addAll(Linter.analyse(c.policy().get()));
    }
    if (!failed.isEmpty() && format == LintFormat.json) {
      throw new CompileErrors(failed); // stdout is then the error document alone
    }
    switch (format) {
      case text -> {
        out.print(new DiagnosticRenderer(sources).text(all.stream().map(Linter.Finding::diagnostic).toList()));
        if (failed.isEmpty()) {
          // a policy that does not compile was not analysed: "0 warnings" would read as a clean bill
          long w = all.stream().filter(f -> f.diagnostic().severity() == Diagnostic.Severity.WARNING).count();
          out.println(w + (w == 1 ? " warning, " : " warnings, ") + (all.size() - w) + (all.size() - w == 1 ? " note" : " notes"));
        }
      }
      case json -> out.println(json(all, compileDiagnostics));
      case sarif -> {
        // Code scanning shows compile errors as results too: the log holds every file's diagnostics.
        List<Diagnostic> logged = new ArrayList<>(compileDiagnostics);
        failed.forEach(f -> logged.addAll(f.compilation().diagnostics()));
        out.println(new SarifReport(sarifBase).log(logged, all));
      }
    }
    if (!failed.isEmpty()) {
      throw new CompileErrors(failed);
    }
    boolean warnings = all.stream().anyMatch(f -> f.diagnostic().severity() != Diagnostic.Severity.INFO);
    return denyWarnings && warnings ? Main.FINDING : Main.OK;
  }

  /** A witness: the device (as {@code host} shows devices) with its group, the region, the guest range. */
  static Json.Obj witness(Witness w) {
    Json.Obj o = Json.object().put("section", w.section().word());
    if (w.device() != null) {
      o.put("device", w.device() instanceof PciDevice pci ? HostCommand.deviceJson(pci)
          : HostCommand.platformDeviceJson((PlatformDevice) w.device())).put("group", w.group());
    }
    o.put("region", HostCommand.regionJson(w.region()));
    if (w.guest() != null) {
      o.put("guest", GuestCommand.rangeJson(w.guest()));
    }
    o.put("text", w.text());
    return o;
  }

  /** The {@code lint} document: each finding is a diagnostic with its section and witness. */
  private static Json.Obj json(List<Linter.Finding> findings, List<Diagnostic> compile) {
    Json.Arr arr = Json.array();
    for (Linter.Finding f : findings) {
      Json.Obj o = DiagnosticRenderer.json(f.diagnostic()).put("section", f.section().word());
      o.put("witness", f.witness().map(LintCommand::witness).orElse(null));
      arr.add(o);
    }
    return JsonDocument.lint.start()
        .put("findings", arr)
        .put("count", findings.size())
        .put("diagnostics", DiagnosticRenderer.json(compile));
  }
}
