package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Differ;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc diff}: what changes in behaviour between two versions of a policy. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compare two policies semantically and show every behaviour that changes, with a witness.",
      "",
      "'equivalent', or every distinct behaviour that changed, grouped by the old and new rule that decide it,",
      "each with a witness device/region/guest and both decisions. With --hosts DIR (once per snapshot),",
      "also evaluate both policies on each host and list the groups whose verdict (assignable or not) changes."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:equivalent (and, with --hosts, no group's verdict changes)",
      "1:different, not decided, or a group's verdict changes",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc diff examples/policies/intel-vtd-kernel-default.resv examples/policies/kernel-intel.resv",
      "  bin/resvc diff --hosts examples/hosts/hp-proliant-dl360-g7 \\",
      "      examples/policies/kernel-intel.resv examples/policies/cloud-strict.resv"
    })
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "The policy as it is.")
  Path oldFile;

  @Parameters(index = "1", paramLabel = "NEW", description = "The policy as it would be.")
  Path newFile;

  // one value per --hosts: with 1..* picocli would take the policies after it as more snapshots
  @Option(names = "--hosts", arity = "1", paramLabel = "DIR",
      description = "A host snapshot to evaluate both on; repeat it for more hosts.")
  List<Path> hosts = new ArrayList<>();

  @Option(names = "--guest", defaultValue = "q35", paramLabel = "SPEC",
      description = "The guest layout for --hosts (default ${DEFAULT-VALUE}).")
  String guest;

  @Option(names = "--format", defaultValue = "text", description = "text or json.")
  Format format;

  @Override
  public Integer call() throws InputException, UsageException, CompileErrors {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PolicyCompiler.Compilation oldC = PolicyInput.attempt(oldFile, err);
    PolicyCompiler.Compilation newC = PolicyInput.attempt(newFile, err);
    List<CompileErrors.Failed> failed = new ArrayList<>();
    if (oldC.hasErrors()) {
      failed.add(new CompileErrors.Failed(oldFile.toString(), oldC));
    }
    if (newC.hasErrors()) {
      failed.add(new CompileErrors.Failed(newFile.toString(), newC));
    }
    if (!failed.isEmpty()) {
      throw new CompileErrors(failed);
    }
    CheckedPolicy old = oldC.policy().orElseThrow();
    CheckedPolicy neu = newC.policy().orElseThrow();
    GuestLayout layout = PolicyInput.guest(guest);
    Differ.Result result = Differ.diff(old, neu);
    boolean json = format == Format.json;
    if (!json) {
      text(result, out);
    }
    boolean different = !result.equivalent();
    Json.Arr hostsJson = Json.array();
    for (Path host : hosts) {
      HostLoader.Loaded loaded = HostLoader.load(host, HostLoader.TableFiles.none(), HostLoader.RegionsFrom.firmware);
      Output.notes(err, loaded.notes());
      Explanation before = Evaluator.explain(new Interpreter(old), loaded.host(), layout, loaded.firmware().aperture());
      Explanation after = Evaluator.explain(new Interpreter(neu), loaded.host(), layout, loaded.firmware().aperture());
      Map<Integer, Explanation.Group> afterById = new LinkedHashMap<>();
      after.groups().forEach(g -> afterById.put(g.verdict().id(), g));
      List<String> changed = new ArrayList<>();
      Json.Arr changedJson = Json.array();
      int otherwise = 0;
      for (Explanation.Group b : before.groups()) {
        Explanation.Group a = afterById.get(b.verdict().id());
        if (a == null || a.verdict().assignable() != b.verdict().assignable()) {
          changed.add("  group " + b.verdict().id() + ": " + verdictWord(b.verdict()) + " -> "
              + (a == null ? "absent" : verdictWord(a.verdict())));
          changedJson.add(Json.object()
              .put("id", b.verdict().id())
              .put("assignable_before", b.verdict().assignable())
              .put("assignable_after", a == null ? null : a.verdict().assignable()));
        } else if (!summary(a).equals(summary(b))) {
          otherwise++;
        }
      }
      if (json) {
        hostsJson.add(Json.object().put("host", host.toString()).put("changed_groups", changedJson)
            .put("groups_otherwise_changed", otherwise));
      } else {
        out.println();
        out.println("host " + host + ": " + (changed.isEmpty() ? "no group's verdict changes"
            : changed.size() + (changed.size() == 1 ? " group's verdict changes" : " groups' verdicts change")));
        changed.forEach(out::println);
        if (otherwise > 0) {
          out.println("  (" + otherwise + (otherwise == 1 ? " group keeps its verdict but changes its"
              : " groups keep their verdict but change their") + " regions or findings)");
        }
      }
      different |= !changed.isEmpty();
    }
    if (json) {
      Json.Arr changes = Json.array();
      for (Differ.Change c : result.changes()) {
        changes.add(Json.object()
            .put("section", c.section().word())
            .put("old_rule", c.oldRule())
            .put("old_action", c.oldAction())
            .put("new_rule", c.newRule())
            .put("new_action", c.newAction())
            .put("witness", LintCommand.witness(c.witness())));
      }
      out.println(JsonDocument.diff.start()
          .put("old", oldFile.toString())
          .put("new", newFile.toString())
          .put("equivalent", result.equivalent())
          .put("changes", changes)
          .put("undecided", result.undecided())
          .put("hosts", hostsJson)
          .put("diagnostics", DiagnosticRenderer.json(
              Stream.concat(oldC.diagnostics().stream(), newC.diagnostics().stream()).toList())));
    }
    return different ? Main.FINDING : Main.OK;
  }

  private static void text(Differ.Result result, PrintWriter out) {
    if (result.equivalent()) {
      out.println("equivalent: every device, region and guest range gets the same decision");
      return;
    }
    out.println(result.changes().size() + (result.changes().size() == 1 ? " behaviour changes" : " behaviours change")
        + (result.undecided().isEmpty() ? "" : ", " + result.undecided().size() + " not decided"));
    for (Differ.Change c : result.changes()) {
      out.println();
      out.println(c.section().word() + ": " + label(c.oldRule()) + " -> " + label(c.newRule()));
      out.println("  old decision: " + c.oldAction());
      out.println("  new decision: " + c.newAction());
      for (String line : c.witness().describe()) {
        out.println("  witness: " + line);
      }
    }
    for (String u : result.undecided()) {
      out.println();
      out.println("not decided (budget exceeded): " + u);
    }
  }

  private static String label(String rule) {
    return rule.equals("default") ? "default" : "rule `" + rule + "`";
  }

  private static String verdictWord(Verdict.Group g) {
    return g.assignable() ? "assignable" : "NOT assignable";
  }

  /** What a group's verdict says in full (regions and findings too), without rule names or lines. */
  private static List<Object> summary(Explanation.Group g) {
    return List.of(g.verdict().assignable(),
        g.effectiveRegions().stream().map(r -> r.region().toSysfsLine()).toList(),
        g.findings().stream().map(f -> f.severity() + " " + f.message()).toList());
  }
}
