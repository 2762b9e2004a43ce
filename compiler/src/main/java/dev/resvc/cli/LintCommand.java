package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.analysis.Witness;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.json.Json;
import dev.resvc.runtime.range.U64;
import java.io.PrintWriter;
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
      "Analyse policies: always-true and always-false conditions, rules that never fire or repeat an",
      "earlier rule, unreachable defaults, overlapping rules whose order decides, and review notes for",
      "drops and relaxed RMRRs. Every finding carries a witness: a device, region and guest range.",
      "",
      "Exit status: 0 clean or notes only, 1 warnings with --deny-warnings, 2 bad input."
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

  @Override
  public Integer call() throws InputException, CompileErrors {
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
        long w = all.stream().filter(f -> f.diagnostic().severity() == Diagnostic.Severity.WARNING).count();
        out.println(w + (w == 1 ? " warning, " : " warnings, ") + (all.size() - w) + (all.size() - w == 1 ? " note" : " notes"));
      }
      case json -> out.println(json(all, compileDiagnostics));
      case sarif -> out.println(sarif(all));
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
      o.put("device", HostCommand.deviceJson(w.device())).put("group", w.group());
    }
    o.put("region", HostCommand.regionJson(w.region()));
    if (w.guest() != null) {
      o.put("guest", Json.object()
          .put("name", w.guest().name())
          .put("kind", w.guest().kind().resvName())
          .put("start", U64.hex16(w.guest().range().start()))
          .put("end", U64.hex16(w.guest().range().end())));
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

  private static final Map<String, String> RULES = new LinkedHashMap<>();

  static {
    RULES.put("W201", "A condition or sub-condition is always true");
    RULES.put("W202", "A condition or sub-condition is always false");
    RULES.put("W203", "A rule never fires: earlier rules catch every input it matches");
    RULES.put("W204", "A rule is identical in effect to an earlier rule");
    RULES.put("W205", "A section's default is never reached");
    RULES.put("I201", "Two rules overlap with different actions; source order decides");
    RULES.put("I202", "Review: a drop action");
    RULES.put("I203", "Review: an RMRR made relaxable for a device that is not USB or display");
    RULES.put("I204", "Not decided within the analysis budget");
  }

  static Json.Obj sarif(List<Linter.Finding> findings) {
    Json.Arr rules = Json.array();
    for (Map.Entry<String, String> r : RULES.entrySet()) {
      rules.add(Json.object()
          .put("id", r.getKey())
          .put("shortDescription", Json.object().put("text", r.getValue()))
          .put("helpUri", "docs/diagnostics.md#analyser")
          .put("defaultConfiguration", Json.object().put("level", r.getKey().startsWith("W") ? "warning" : "note")));
    }
    Json.Arr results = Json.array();
    for (Linter.Finding f : findings) {
      Diagnostic d = f.diagnostic();
      StringBuilder text = new StringBuilder(d.message());
      for (Diagnostic.Note n : d.notes()) {
        text.append("\n").append(n.message());
      }
      Json.Obj region = Json.object().put("startLine", d.span().line()).put("startColumn", d.span().column())
          .put("endColumn", d.span().column() + Math.max(1, d.span().length()));
      Json.Obj result = Json.object()
          .put("ruleId", d.code())
          .put("level", d.severity() == Diagnostic.Severity.WARNING ? "warning"
              : d.severity() == Diagnostic.Severity.ERROR ? "error" : "note")
          .put("message", Json.object().put("text", text.toString()))
          .put("locations", Json.array().add(Json.object().put("physicalLocation", Json.object()
              .put("artifactLocation", Json.object().put("uri", d.span().file()))
              .put("region", region))));
      Json.Obj props = Json.object().put("section", f.section().word());
      f.witness().ifPresent(w -> props.put("witness", witness(w)));
      result.put("properties", props);
      results.add(result);
    }
    return Json.object()
        .put("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
        .put("version", "2.1.0")
        .put("runs", Json.array().add(Json.object()
            .put("tool", Json.object().put("driver", Json.object()
                .put("name", "resvc")
                .put("informationUri", "https://github.com/resvc/resvc")
                .put("rules", rules)))
            .put("results", results)));
  }
}
