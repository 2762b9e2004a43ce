package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.analysis.Witness;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean broken = false;
    List<Linter.Finding> all = new ArrayList<>();
    Map<String, String> sources = new LinkedHashMap<>();
    List<Diagnostic> compileDiagnostics = new ArrayList<>();
    for (Path file : files) {
      try {
        InputFiles.requireRegularFile(file, file.toString(), InputLimits.POLICY);
      } catch (InputException e) {
        err.println(Output.error(e));
        broken = true;
        continue;
      }
      Inputs.processing(file.toString());
      PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
      sources.putAll(c.sources());
      compileDiagnostics.addAll(c.diagnostics());
      if (c.policy().isEmpty()) {
        broken = true;
        continue;
      }
      all.addAll(Linter.analyse(c.policy().get()));
    }
    switch (format) {
      case text -> {
        if (!compileDiagnostics.isEmpty()) {
          err.print(new DiagnosticRenderer(sources).text(compileDiagnostics));
        }
        out.print(new DiagnosticRenderer(sources).text(all.stream().map(Linter.Finding::diagnostic).toList()));
        if (!broken) {
          // a policy that does not compile was not analysed: "0 warnings" would read as a clean bill
          long w = all.stream().filter(f -> f.diagnostic().severity() == Diagnostic.Severity.WARNING).count();
          out.println(w + (w == 1 ? " warning, " : " warnings, ") + (all.size() - w) + (all.size() - w == 1 ? " note" : " notes"));
        }
      }
      case json -> out.println(json(all, compileDiagnostics));
      case sarif -> out.println(sarif(all));
    }
    if (broken) {
      return Main.BAD_INPUT;
    }
    boolean warnings = all.stream().anyMatch(f -> f.diagnostic().severity() != Diagnostic.Severity.INFO);
    return denyWarnings && warnings ? Main.FINDING : Main.OK;
  }

  static Json.Obj witness(Witness w) {
    Json.Obj o = Json.object().put("section", w.section().word());
    if (w.device() != null) {
      o.put("device", Json.object()
          .put("bdf", w.device().address().toString())
          .put("vendor", String.format("0x%04x", w.device().vendor()))
          .put("device_id", String.format("0x%04x", w.device().deviceId()))
          .put("subsystem_vendor", String.format("0x%04x", w.device().subsystemVendor()))
          .put("subsystem_device", String.format("0x%04x", w.device().subsystemDevice()))
          .put("class", String.format("0x%06x", w.device().classCode()))
          .put("driver", w.device().driver().orElse(""))
          .put("bridge", w.device().bridge())
          .put("group", w.group()));
    }
    o.put("region", Json.object()
        .put("start", U64.hex16(w.region().start()))
        .put("end", U64.hex16(w.region().end()))
        .put("type", w.region().type().resvName())
        .put("source", w.region().source().resvName())
        .put("prot", w.region().prot().toString()));
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

  private static Json.Obj json(List<Linter.Finding> findings, List<Diagnostic> compile) {
    Json.Arr arr = Json.array();
    for (int i = 0; i < findings.size(); i++) {
      Linter.Finding f = findings.get(i);
      Json.Obj o = Json.object()
          .put("code", f.code())
          .put("severity", f.diagnostic().severity().word())
          .put("file", f.diagnostic().span().file())
          .put("line", f.diagnostic().span().line())
          .put("column", f.diagnostic().span().column())
          .put("length", f.diagnostic().span().length())
          .put("message", f.diagnostic().message())
          .put("section", f.section().word());
      Json.Arr notes = Json.array();
      for (Diagnostic.Note n : f.diagnostic().notes()) {
        notes.add(n.message() + n.span().map(s -> " (" + s + ")").orElse(""));
      }
      o.put("notes", notes);
      f.witness().ifPresent(w -> o.put("witness", witness(w)));
      arr.add(o);
    }
    return Json.object().put("findings", arr).put("compile_diagnostics", DiagnosticRenderer.json(compile))
        .put("count", findings.size());
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
