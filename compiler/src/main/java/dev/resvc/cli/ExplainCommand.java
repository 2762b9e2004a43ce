package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.interp.Explainer;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.host.HostApertures;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.range.U64;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resvc explain}: the decision chain behind one device's or one address's verdict. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain how a policy decides for one device or one address, rule by rule.",
      "",
      "For one device (every region it has) or one address (every region that covers it): each rule tried in",
      "order with the value of every part of its condition, the rule that decided, the merged region it ends",
      "up in, and the conflicts decision for each guest range; for a device, its group's verdict."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:the device's group is assignable (with --region: every group with a region there is)",
      "1:the device's group is not assignable (with --region: some group with a region there is not)",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc explain --policy examples/policies/kernel-intel.resv --host examples/hosts/hp-proliant-dl360-g7 \\",
      "      --device 03:00.0",
      "  bin/resvc explain --policy examples/policies/kernel-intel.resv --host examples/hosts/hp-proliant-dl360-g7 \\",
      "      --region 0xe8000"
    })
final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HostAndGuestOptions where;

  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The .resv policy.")
  Path policy;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--device", paramLabel = "DEVICE",
        description = "A PCI device, e.g. 00:14.0, or a group member's kernel name, e.g. dprc.1.")
    String device;

    @Option(names = "--region", paramLabel = "0xADDR", description = "An address: every region covering it.")
    String region;
  }

  @Option(names = "--format", defaultValue = "text", description = "text or json.")
  Format format;

  @Override
  public Integer call() throws InputException, UsageException, CompileErrors {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Long address = null;
    if (target.region != null) {
      try {
        address = U64.parse(target.region);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    final long addr = address == null ? 0 : address;
    GuestLayout layout = where.guestLayout();
    PolicyCompiler.Compilation compilation = PolicyInput.compilation(policy, err);
    HostLoader.Loaded loaded = where.loadHost();
    Output.notes(err, loaded.notes());
    DeviceName device = target.device == null ? null : DeviceName.of(target.device, loaded.host());
    CheckedPolicy p = compilation.policy().orElseThrow();
    TargetKernel target = where.targetKernel(loaded.host());
    HostApertures apertures = loaded.apertures(target.release());
    TargetKernel kernel = target.withAssumptions(apertures.assumptions());
    Explanation explanation = Evaluator.explain(new Interpreter(p), loaded.host(), layout, apertures::range, kernel);
    boolean json = format == Format.json;
    if (!json) {
      CheckCommand.kernelLines(kernel, out);
      out.println();
    }
    Json.Arr explanations = Json.array();
    Json.Arr groups = Json.array();
    boolean any = false;
    boolean refused = false;
    for (IommuGroup group : loaded.host().groups()) {
      Explanation.Group gv = explanation.group(group.id()).orElseThrow();
      boolean involved = false;
      for (Explanation.Classification c : gv.classifications()) {
        boolean relevant = device != null ? device.is(c.device())
            : c.input().range().map(r -> r.contains(addr)).orElse(c.input().start() == addr);
        if (!relevant) {
          continue;
        }
        any = true;
        involved = true;
        List<Explainer.Trial> trials =
            Explainer.trials(p, Section.CLASSIFY,
                new Interpreter.Facts(kernel, c.device(), group.id(), c.input(), null));
        List<Conflict> conflicts =
            c.effective().map(eff -> conflicts(p, gv, eff, c.device(), kernel)).orElse(List.of());
        if (json) {
          Json.Arr conflictJson = Json.array();
          for (Conflict k : conflicts) {
            conflictJson.add(VerdictJson.provenance(Json.object()
                .put("merged", k.check().region().region().toSysfsLine())
                .put("guest", k.check().guest().map(g -> g.name()).orElse(null))
                .put("trials", trialsJson(k.trials()))
                .put("severity", k.check().decision().severity().keyword()), k.check().decision().provenance()));
          }
          explanations.add(VerdictJson.classification(c)
              .put("group", group.id())
              .put("kernel_type", c.input().type() == null ? null : c.input().type().resvName())
              .put("trials", trialsJson(trials))
              .put("conflicts", conflictJson));
          continue;
        }
        out.println("device " + c.device().name() + " (group " + group.id() + "), region " + c.input().toSysfsLine()
            + " from " + c.input().source() + (c.input().type() == null ? "" : ", kernel type " + c.input().type().resvName()));
        printTrials(out, trials);
        out.println("  => " + c.decision().actionText() + " by " + c.decision().provenance()
            + c.effective().map(r -> ": effective type " + r.type().resvName()).orElse(": dropped"));
        for (Conflict k : conflicts) {
          out.println("  merged into " + k.check().region().region().toSysfsLine() + ", against "
              + k.check().guest().map(g -> "guest " + g).orElse("no guest range") + ":");
          printTrials(out, k.trials());
          out.println("  => " + k.check().decision().severity().keyword() + " by " + k.check().decision().provenance());
        }
        out.println();
      }
      if (device != null && group.devices().stream().anyMatch(device::is)) {
        if (json) {
          groups.add(Json.object()
              .put("id", group.id())
              .put("devices", gv.devices().stream().map(Device::name).toList())
              .put("assignable", gv.verdict().assignable())
              .put("aperture", VerdictJson.aperture(apertures.of(group.id())))
              .put("findings", VerdictJson.findings(gv)));
        } else {
          out.println("group " + group.id() + ": " + (gv.verdict().assignable() ? "assignable" : "NOT assignable"));
          out.println("  " + CheckCommand.apertureLine(apertures.of(group.id())));
          gv.findings().forEach(f -> CheckCommand.printFinding(f, "  ", out));
        }
      }
      // the same promise as check: a group explained here that VFIO would refuse is a finding
      refused |= involved && !gv.verdict().assignable();
    }
    if (!any) {
      throw new UsageException(device != null
          ? "device " + device + " has no reserved regions on this host (or is in no IOMMU group)"
          : "no region covers " + U64.hex16(address));
    }
    if (json) {
      out.println(JsonDocument.explain.start()
          .put("policy", explanation.policy())
          .put("host", explanation.host())
          .put("guest", explanation.guest())
          .put("kernel", VerdictJson.kernel(kernel))
          .put("device", device == null ? null : device.text())
          .put("address", address == null ? null : U64.hex16(address))
          .put("explanations", explanations)
          .put("groups", groups)
          .put("diagnostics", DiagnosticRenderer.json(compilation.diagnostics())));
    }
    return refused ? Main.FINDING : Main.OK;
  }

  /**
   * What {@code --device} names: a PCI address, matched by address, or else the kernel name of a group
   * member that is not PCI ({@code dprc.1}); text that is neither is refused as a PCI address.
   */
  private record DeviceName(String text, Optional<PciAddress> address) {
    static DeviceName of(String text, Host host) throws UsageException {
      try {
        PciAddress a = PciAddress.parse(text);
        return new DeviceName(a.toString(), Optional.of(a));
      } catch (IllegalArgumentException e) {
        boolean member = host.groups().stream().anyMatch(g -> g.member(text).isPresent());
        if (!member) {
          throw new UsageException(e.getMessage() + ", nor the name of a device in an IOMMU group");
        }
        return new DeviceName(text, Optional.empty());
      }
    }

    boolean is(Device d) {
      return address.map(d::hasAddress).orElse(d.name().equals(text));
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** One conflicts decision for a region a device contributes to: the check and the rules tried. */
  private record Conflict(Explanation.ConflictCheck check, List<Explainer.Trial> trials) {}

  /** The conflicts decisions about the merged region of {@code effective}'s type that device {@code d} is in. */
  private static List<Conflict> conflicts(CheckedPolicy p, Explanation.Group gv, Region effective, Device d,
      TargetKernel kernel) {
    List<Conflict> out = new ArrayList<>();
    for (Explanation.ConflictCheck check : gv.conflictChecks()) {
      Region merged = check.region().region();
      if (merged.type() != effective.type() || !check.region().contributors().contains(d)) {
        continue;
      }
      out.add(new Conflict(check,
          Explainer.trials(p, Section.CONFLICTS, new Interpreter.Facts(kernel, null, gv.verdict().id(), merged,
              check.guest().orElse(null)))));
    }
    return out;
  }

  private static void printTrials(PrintWriter out, List<Explainer.Trial> trials) {
    for (Explainer.Trial t : trials) {
      out.println("  rule " + t.rule() + " (" + t.location() + "): " + (t.matched() ? "matches" : "does not match"));
      for (Explainer.Part part : t.parts()) {
        out.println("      " + (part.value() ? "yes" : "no ") + "  " + part.text()
            + (part.facts().isEmpty() ? "" : "   [" + part.facts() + "]"));
      }
    }
  }

  /** Each rule tried: where it is, whether it matched, and the value of every part of its condition. */
  private static Json.Arr trialsJson(List<Explainer.Trial> trials) {
    Json.Arr arr = Json.array();
    for (Explainer.Trial t : trials) {
      Json.Arr parts = Json.array();
      for (Explainer.Part part : t.parts()) {
        parts.add(Json.object().put("text", part.text()).put("value", part.value()).put("facts", part.facts()));
      }
      arr.add(Json.object()
          .put("rule", t.rule())
          .put("location", t.location())
          .put("condition", t.condition())
          .put("matched", t.matched())
          .put("parts", parts));
    }
    return arr;
  }
}
