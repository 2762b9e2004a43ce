package dev.resvc.cli;

import dev.resvc.cli.render.HtmlReport;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.host.HostApertures;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import dev.resvc.runtime.vmm.VmDefinition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code resvc check}: the verdict of a policy on a host and a guest. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a policy on a host and a guest layout, and print the verdict per IOMMU group.",
      "",
      "For each group: assignable or not, the effective merged regions (as reserved_regions would show them),",
      "the valid IOVA ranges VFIO would report, and every finding with its severity, rule and source line.",
      "The answer is for one kernel (the host's, or --kernel and --backend): a step the kernel fails, the",
      "attach or the map of guest RAM, is a fatal finding naming the call, the errno and the kernel's log line.",
      "",
      "With --domain (a libvirt domain XML) or --qemu-cmdline (a QEMU command line), the answer is for that VM:",
      "its machine type and RAM give the guest map, exactly the IOMMU groups of its host PCI devices are",
      "evaluated, and the last lines say whether it would start and, for each device that fails, the step, the",
      "kernel's log line and the group members that block it. A device the host does not have is exit 2."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:every group is assignable (with --domain or --qemu-cmdline: the VM would start)",
      "1:some group has a fatal finding (the kernel refuses its attach or a map, or a rule says fatal); with"
          + " --domain or --qemu-cmdline: the VM would not start",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc check --policy examples/policies/kernel-intel.resv --host examples/hosts/hp-proliant-dl360-g7",
      "  bin/resvc check --policy examples/policies/cloud-strict.resv --host examples/hosts/hp-proliant-dl360-g7 \\",
      "    --guest q35,ram=16G --group 10",
      "  bin/resvc check --policy examples/policies/intel-vtd-kernel-default.resv \\",
      "    --host examples/hosts/hp-proliant-dl360-g7 --kernel 5.14 --backend vfio-type1",
      "  bin/resvc check --policy examples/policies/kernel-intel.resv --host examples/hosts/hp-proliant-dl360-g7 \\",
      "    --format html > report.html",
      "  bin/resvc check --policy examples/policies/kernel-intel.resv --host examples/hosts/hp-proliant-dl360-g7 \\",
      "    --domain examples/domains/dl360-raid.xml",
      "  virsh dumpxml myvm | bin/resvc check --policy examples/policies/kernel-intel.resv --domain -"
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HostAndGuestOptions where;

  @Mixin VmOptions vmOptions;

  @Option(names = "--engine", defaultValue = "interpreted", description = Engine.HELP)
  Engine engine;

  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The .resv policy.")
  Path policy;

  @Option(names = "--group", paramLabel = "N", description = "Only this IOMMU group.")
  Integer onlyGroup;

  @Option(names = "--format", defaultValue = "text",
      description = "text, json, or html (one self-contained page: per group an address map to zoom, and the findings).")
  CheckFormat format;

  /** What check prints: the other commands' formats, and the address-map page only a verdict has. */
  enum CheckFormat { text, json, html }

  @Override
  public Integer call() throws InputException, UsageException, CompileErrors {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<VmDefinition> vm = vmOptions.read(spec.commandLine().getParseResult(), where, onlyGroup);
    GuestLayout given = vm.isPresent() ? null : where.guestLayout();
    dev.resvc.compiler.PolicyCompiler.Compilation compilation = PolicyInput.compilation(policy, err);
    HostLoader.Loaded loaded = where.loadHost();
    Output.notes(err, loaded.notes());
    TargetKernel target = where.targetKernel(loaded.host());
    HostApertures apertures = loaded.apertures(target.release());
    TargetKernel kernel = target.withAssumptions(apertures.assumptions());
    Optional<VmDefinition.Guest> vmGuest = vm.isPresent()
        ? Optional.of(vm.get().guest(loaded.host().kernel().driver().map(d -> d == IommuDriver.AMD)))
        : Optional.empty();
    GuestLayout layout = vmGuest.map(VmDefinition.Guest::layout).orElse(given);
    Explanation explanation = Evaluator.explain(engine.instantiate(compilation), loaded.host(), layout,
        apertures::range, kernel);
    Optional<VmCheck> vmCheck = vm.isPresent() ? Optional.of(VmCheck.of(vm.get(), vmGuest.orElseThrow(), loaded.host(),
        explanation))
        : Optional.empty();
    List<Explanation.Group> groups = vmCheck.map(VmCheck::groups).orElseGet(() -> explanation.groups().stream()
        .filter(g -> onlyGroup == null || g.verdict().id() == onlyGroup).toList());
    if (onlyGroup != null && groups.isEmpty()) {
      throw new UsageException("--group " + onlyGroup + ": the host has no such IOMMU group");
    }
    switch (format) {
      case text -> text(explanation, groups, loaded, apertures, vmCheck, out);
      case json -> out.println(document(explanation, groups, layout, loaded, apertures, vmCheck, compilation));
      case html -> out.print(HtmlReport.page(
          document(explanation, groups, layout, loaded, apertures, vmCheck, compilation)));
    }
    boolean fine = vmCheck.map(VmCheck::wouldStart)
        .orElseGet(() -> groups.stream().allMatch(g -> g.verdict().assignable()));
    return fine ? Main.OK : Main.FINDING;
  }

  /** The check JSON document (also what the address-map page embeds), with the VM's object when one was read. */
  private static Json.Obj document(Explanation explanation, List<Explanation.Group> groups, GuestLayout layout,
      HostLoader.Loaded loaded, HostApertures apertures, Optional<VmCheck> vm,
      dev.resvc.compiler.PolicyCompiler.Compilation compilation) {
    Json.Obj doc = VerdictJson.verdict(explanation, groups, layout, loaded.regionsFrom(), apertures,
        compilation.diagnostics());
    vm.ifPresent(c -> doc.put("assignable", c.wouldStart()).put("vm", VerdictJson.vm(c)));
    return doc;
  }

  private static void text(Explanation explanation, List<Explanation.Group> groups, HostLoader.Loaded loaded,
      HostApertures apertures, Optional<VmCheck> vm, PrintWriter out) {
    out.println("policy " + explanation.policy() + " on " + explanation.host() + ", guest " + explanation.guest());
    out.println("regions from " + loaded.regionsFrom());
    kernelLines(explanation.kernel(), out);
    vm.ifPresent(c -> c.printHeader(out));
    if (groups.isEmpty() && vm.isEmpty()) {
      out.println("no IOMMU groups: nothing can be assigned (see 'resvc host' for why)");
    }
    for (Explanation.Group g : groups) {
      Verdict.Group verdict = g.verdict();
      out.println();
      out.println("group " + verdict.id() + " (" + String.join(", ", g.devices().stream().map(Device::name).toList())
          + "): " + (verdict.assignable() ? "assignable" : "NOT assignable"));
      for (Device device : g.devices()) {
        out.println("  device " + deviceText(device));
      }
      out.println("  effective regions:");
      if (g.effectiveRegions().isEmpty()) {
        out.println("    (none)");
      }
      for (Explanation.EffectiveRegion r : g.effectiveRegions()) {
        out.println("    " + r.region().toSysfsLine());
      }
      out.println("  " + apertureLine(apertures.of(verdict.id())));
      boolean iommufd = explanation.kernel().backend() == Backend.IOMMUFD;
      List<AddressRange> ranges = iommufd ? verdict.ioasIovaRanges() : verdict.iova().validRanges();
      String label = iommufd ? "  IOVA ranges (IOMMU_IOAS_IOVA_RANGES)" : "  valid IOVA ranges";
      out.println(label + (ranges.isEmpty() ? ": none" : ":"));
      for (AddressRange r : ranges) {
        out.println("    " + U64.hex16(r.start()) + " " + U64.hex16(r.end()));
      }
      if (!g.findings().isEmpty()) {
        out.println("  findings:");
        for (Explanation.Finding f : g.findings()) {
          printFinding(f, "    ", out);
        }
      }
    }
    List<String> refused = groups.stream().map(Explanation.Group::verdict).filter(g -> !g.assignable())
        .map(g -> Integer.toString(g.id())).toList();
    out.println();
    out.println(groups.size() - refused.size() + " of " + groups.size() + " groups assignable"
        + (refused.isEmpty() ? "" : "; not assignable: group " + String.join(", ", refused)));
    vm.ifPresent(c -> c.printVerdict(out));
  }

  /** "aperture 0x... 0x... (from ...)": the domain aperture VFIO started from and where it came from. */
  static String apertureLine(HostApertures.Aperture aperture) {
    return "aperture " + U64.hex16(aperture.range().start()) + " " + U64.hex16(aperture.range().end())
        + " (" + aperture.source() + ")";
  }

  /** The kernel the answer is for, and what had to be assumed about it: the lines under the heading. */
  static void kernelLines(TargetKernel kernel, PrintWriter out) {
    out.println("kernel " + kernel.release() + ", backend " + kernel.backend());
    kernel.assumptions().forEach(a -> out.println("  assumed: " + a));
  }

  /**
   * One finding: severity, message and provenance; a step the kernel fails adds why on the next line,
   * e.g. {@code fatal: refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22); the kernel
   * logs "..."}.
   */
  /** A member as {@code check} lists it under its group. */
  private static String deviceText(Device device) {
    if (device instanceof PciDevice d) {
      return d.address() + "  " + PciClasses.name(d.classCode()) + String.format(" [%04x:%04x]", d.vendor(), d.deviceId())
          + d.driver().map(n -> "  driver " + n).orElse("");
    }
    return HostCommand.deviceLine(device);
  }

  static void printFinding(Explanation.Finding f, String indent, PrintWriter out) {
    out.println(indent + f.severity().keyword() + ": " + f.message() + "  [" + f.provenance() + "]");
    f.step().ifPresent(step -> out.println(indent + "  why: " + step.why()));
  }
}
