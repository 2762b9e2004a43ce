package dev.resvc.cli;

import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.host.HostApertures;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of a verdict: everything the text shows, with provenance as fields. The parts are
 * shared with {@code explain}, so that a classification or a finding has one shape wherever it appears.
 */
final class VerdictJson {
  private VerdictJson() {}

  /** The {@code check} document; {@code guest_ranges} is the layout's map, so a reader can draw it. */
  static Json.Obj verdict(Explanation x, List<Explanation.Group> groups, GuestLayout layout, String regionsFrom,
      HostApertures apertures, List<Diagnostic> diagnostics) {
    Json.Arr arr = Json.array();
    for (Explanation.Group g : groups) {
      Verdict.Group verdict = g.verdict();
      VfioIovaList.AttachResult iova = verdict.iova();
      Json.Arr regions = Json.array();
      for (Explanation.EffectiveRegion r : g.effectiveRegions()) {
        regions.add(HostCommand.regionJson(r.region())
            .put("devices", r.contributors().stream().map(Device::name).toList()));
      }
      Json.Arr classifications = Json.array();
      g.classifications().forEach(c -> classifications.add(classification(c)));
      arr.add(Json.object()
          .put("id", verdict.id())
          .put("devices", g.devices().stream().map(Device::name).toList())
          .put("assignable", verdict.assignable())
          .put("aperture", aperture(apertures.of(verdict.id())))
          .put("effective_regions", regions)
          .put("valid_iova", IovaCommand.validIova(iova))
          .put("iova_refused", iova.refused())
          .put("ioas_iova_ranges", x.kernel().backend() == Backend.IOMMUFD ? ranges(verdict.ioasIovaRanges()) : null)
          .put("classifications", classifications)
          .put("findings", findings(g)));
    }
    return JsonDocument.check.start()
        .put("policy", x.policy())
        .put("host", x.host())
        .put("guest", x.guest())
        .put("guest_ranges", layout.ranges().stream().map(GuestCommand::rangeJson).toList())
        .put("regions_from", regionsFrom)
        .put("kernel", kernel(x.kernel()))
        .put("assignable", groups.stream().allMatch(g -> g.verdict().assignable()))
        .put("groups", arr)
        .put("diagnostics", DiagnosticRenderer.json(diagnostics));
  }

  /** A group's domain aperture ({@code start}, {@code end}) and where it came from ({@code from}). */
  static Json.Obj aperture(HostApertures.Aperture a) {
    return IovaCommand.rangeJson(a.range()).put("from", a.source());
  }

  /**
   * The VM of {@code check --domain}/{@code --qemu-cmdline}: where it was read, its machine and RAM,
   * whether it would start, and each assigned device with its group and verdict ({@code
   * assignable}, {@code not_assignable}, or {@code no_iommu_group}) and the group members that block it
   * (behind a fatal finding, or held by a host driver so that the group is not viable).
   */
  static Json.Obj vm(VmCheck check) {
    dev.resvc.runtime.vmm.VmDefinition vm = check.vm();
    Json.Arr hostdevs = Json.array();
    for (VmCheck.Hostdev h : check.hostdevs()) {
      hostdevs.add(Json.object()
          .put("address", h.device().address().toString())
          .put("written", h.device().written())
          .put("alias", h.device().alias().orElse(null))
          .put("line", VmCheck.line(h.device()))
          .put("column", VmCheck.column(h.device()))
          .put("group", h.group().map(g -> g.verdict().id()).orElse(null))
          .put("verdict", h.group().isEmpty() ? "no_iommu_group" : h.starts() ? "assignable" : "not_assignable")
          .put("blocked_by", h.blockers().stream().map(Device::name).toList()));
    }
    return Json.object()
        .put("source", vm.source())
        .put("origin", vm.origin().label())
        .put("name", vm.name().orElse(null))
        .put("arch", vm.arch().orElse(null))
        .put("machine", vm.machine())
        .put("laid_out_as", check.guest().machine().name())
        .put("ram_size", U64.hex16(vm.ramBytes()))
        .put("max_ram_below_4g", vm.maxRamBelow4g().isPresent() ? U64.hex16(vm.maxRamBelow4g().getAsLong()) : null)
        .put("cpu", vm.cpu().orElse(null))
        .put("notes", java.util.stream.Stream.concat(vm.notes().stream(), check.guest().notes().stream()).toList())
        .put("would_start", check.wouldStart())
        .put("hostdevs", hostdevs);
  }

  /** The kernel an answer is for: its release as given, the backend, and what had to be assumed. */
  static Json.Obj kernel(TargetKernel k) {
    return Json.object()
        .put("release", k.release().text())
        .put("backend", k.backend().resvName())
        .put("assumptions", k.assumptions());
  }

  private static Json.Arr ranges(List<AddressRange> ranges) {
    Json.Arr arr = Json.array();
    ranges.forEach(r -> arr.add(IovaCommand.rangeJson(r)));
    return arr;
  }

  /** How the policy classified one device's region, and the rule that decided. */
  static Json.Obj classification(Explanation.Classification c) {
    return provenance(Json.object()
        .put("device", c.device().name())
        .put("region", c.input().toSysfsLine())
        .put("source", c.input().source().resvName())
        .put("action", c.decision().actionText())
        .put("effective", c.effective().map(r -> r.type().resvName()).orElse(null)),
        c.decision().provenance());
  }

  /**
   * A group's findings. A step the kernel fails carries its {@code stage}, {@code call}, {@code errno}
   * (the name), {@code kernel_log} and {@code why}; a policy's finding has them null.
   */
  static Json.Arr findings(Explanation.Group g) {
    Json.Arr findings = Json.array();
    for (Explanation.Finding f : g.findings()) {
      Optional<StepFailure> step = f.step();
      findings.add(provenance(Json.object()
          .put("severity", f.severity().keyword())
          .put("message", f.message()), f.provenance())
          .put("region", f.region() == null ? null : f.region().toSysfsLine())
          .put("guest", f.guest().map(x -> x.name()).orElse(null))
          .put("overlap", f.overlap().map(AddressRange::toString).orElse(null))
          .put("stage", step.map(s -> s.stage().resvName()).orElse(null))
          .put("call", step.map(StepFailure::call).orElse(null))
          .put("errno", step.map(s -> s.errno().name()).orElse(null))
          .put("kernel_log", step.flatMap(StepFailure::kernelLog).orElse(null))
          .put("why", step.map(StepFailure::why).orElse(null)));
    }
    return findings;
  }

  /** The rule that decided, and where it is: {@code rule}, {@code file}, {@code line}. */
  static Json.Obj provenance(Json.Obj o, Provenance p) {
    return o.put("rule", p.rule()).put("file", p.file()).put("line", p.line());
  }
}
