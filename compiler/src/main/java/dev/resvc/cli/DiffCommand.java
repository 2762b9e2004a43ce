package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Differ;
import dev.resvc.compiler.analysis.KernelSpecializer;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.host.HostApertures;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      "With --kernel A,B and one policy: compare what the policy decides, and what the kernel does, on two kernels.",
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
      "  bin/resvc diff --kernel 6.1,6.6 --guest q35,ram=8G --hosts examples/hosts/mechrevo-wujie14 \\",
      "      examples/policies/kernel-amd.resv",
      "  bin/resvc diff --hosts examples/hosts/hp-proliant-dl360-g7 \\",
      "      examples/policies/kernel-intel.resv examples/policies/cloud-strict.resv"
    })
final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "The policy as it is.")
  Path oldFile;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NEW",
      description = "The policy as it would be (none with --kernel).")
  Path newFile;

  @Option(names = "--kernel", paramLabel = "A,B",
      description = "Compare OLD on kernel release A with OLD on kernel release B (such as 5.14,6.6): the rules whose"
          + " kernel.* and host.* tests read differently, and, with --hosts, the groups whose verdict changes as"
          + " the two kernels build regions and take the attach and map steps.")
  String kernels;

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
    Optional<List<KernelRelease>> releases = releases();
    if (releases.isPresent() == (newFile != null)) {
      throw new UsageException(releases.isPresent()
          ? "diff --kernel A,B takes one policy, which it reads on both kernels"
          : "diff takes two policies, OLD and NEW (or one with --kernel A,B)");
    }
    if (releases.isPresent()) {
      newFile = oldFile;
    }
    PolicyCompiler.Compilation oldC = PolicyInput.attempt(oldFile, err);
    PolicyCompiler.Compilation newC = releases.isPresent() ? oldC : PolicyInput.attempt(newFile, err);
    List<CompileErrors.Failed> failed = new ArrayList<>();
    if (oldC.hasErrors()) {
      failed.add(new CompileErrors.Failed(oldFile.toString(), oldC));
    }
    if (newC.hasErrors() && newC != oldC) {
      failed.add(new CompileErrors.Failed(newFile.toString(), newC));
    }
    if (!failed.isEmpty()) {
      throw new CompileErrors(failed);
    }
    CheckedPolicy old = oldC.policy().orElseThrow();
    CheckedPolicy neu = newC.policy().orElseThrow();
    Optional<KernelRelease> oldRelease = releases.map(r -> r.get(0));
    Optional<KernelRelease> newRelease = releases.map(r -> r.get(1));
    GuestLayout layout = PolicyInput.guest(guest);
    Differ.Result result = releases.isEmpty() ? Differ.diff(old, neu)
        : Differ.diff(KernelSpecializer.at(old, on(oldRelease.get())), KernelSpecializer.at(neu, on(newRelease.get())));
    if (releases.isPresent() && !json(format)) {
      out.println("kernel " + oldRelease.get().version() + " -> " + newRelease.get().version() + ", policy " + oldFile);
    }
    boolean json = json(format);
    if (!json) {
      text(result, out);
    }
    boolean different = !result.equivalent();
    Json.Arr hostsJson = Json.array();
    for (Path host : hosts) {
      HostLoader.Loaded loaded = HostLoader.load(host, HostLoader.TableFiles.none(), HostLoader.RegionsFrom.firmware,
          oldRelease);
      Output.notes(err, loaded.notes());
      HostLoader.Loaded loadedAfter = releases.isEmpty() ? loaded
          : HostLoader.load(host, HostLoader.TableFiles.none(), HostLoader.RegionsFrom.firmware, newRelease);
      Explanation before = explain(new Interpreter(old), loaded, layout, oldRelease);
      Explanation after = explain(new Interpreter(neu), loadedAfter, layout, newRelease);
      Map<Integer, Explanation.Group> afterById = new LinkedHashMap<>();
      after.groups().forEach(g -> afterById.put(g.verdict().id(), g));
      List<String> changed = new ArrayList<>();
      Json.Arr changedJson = Json.array();
      int otherwise = 0;
      for (Explanation.Group b : before.groups()) {
        Explanation.Group a = afterById.get(b.verdict().id());
        if (a == null || a.verdict().assignable() != b.verdict().assignable()) {
          StringBuilder line = new StringBuilder("  group " + b.verdict().id() + ": " + verdictWord(b.verdict())
              + " -> " + (a == null ? "absent" : verdictWord(a.verdict())));
          step(b.verdict()).ifPresent(x -> line.append("\n    before: ").append(x));
          if (a != null) {
            step(a.verdict()).ifPresent(x -> line.append("\n    after: ").append(x));
          }
          changed.add(line.toString());
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
          .put("kernels", releases.map(r -> (Object) Json.array().add(r.get(0).version()).add(r.get(1).version()))
              .orElse(null))
          .put("equivalent", result.equivalent())
          .put("changes", changes)
          .put("undecided", result.undecided())
          .put("hosts", hostsJson)
          .put("diagnostics", DiagnosticRenderer.json(
              newC == oldC ? oldC.diagnostics()
                  : Stream.concat(oldC.diagnostics().stream(), newC.diagnostics().stream()).toList())));
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
  private static boolean json(Format format) {
    return format == Format.json;
  }

  /** {@code --kernel A,B}, when given: two releases. */
  private Optional<List<KernelRelease>> releases() throws UsageException {
    if (kernels == null) {
      return Optional.empty();
    }
    String[] parts = kernels.split(",", -1);
    if (parts.length != 2) {
      throw new UsageException("--kernel '" + MessageText.clean(kernels, 64) + "': expected two releases A,B such as 5.14,6.6");
    }
    List<KernelRelease> out = new ArrayList<>();
    for (String part : parts) {
      out.add(HostAndGuestOptions.kernelRelease(part));
    }
    return Optional.of(List.copyOf(out));
  }

  /** The newest kernel's other facts with {@code release}: what the policy is read on. */
  private static TargetKernel on(KernelRelease release) {
    return TargetKernel.newest().withRelease(release);
  }

  /** The kernel a host is evaluated on: its own facts, with the release of --kernel when given. */
  private static TargetKernel kernelOf(HostLoader.Loaded loaded, Optional<KernelRelease> release) {
    return TargetKernel.resolve(loaded.host().kernel(), release, Optional.empty());
  }

  /** The explanation of {@code loaded} for {@code release} (or its own), each group with its own aperture. */
  private static Explanation explain(Interpreter policy, HostLoader.Loaded loaded, GuestLayout layout,
      Optional<KernelRelease> release) {
    TargetKernel target = kernelOf(loaded, release);
    HostApertures apertures = loaded.apertures(target.release());
    return Evaluator.explain(policy, loaded.host(), layout, apertures::range,
        target.withAssumptions(apertures.assumptions()));
  }

  /** The step that fails for a group, in one line, if one does. */
  private static Optional<String> step(Verdict.Group g) {
    return g.attachFailure().or(() -> g.mapFailures().stream().findFirst()).map(StepFailure::summary);
  }
}
