package dev.resvc.cli;

import dev.resvc.runtime.json.Json;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.List;

/** The JSON form of a verdict: everything the text shows, with provenance as fields. */
final class VerdictJson {
  private VerdictJson() {}

  static Json.Obj verdict(Verdict v, List<Verdict.Group> groups) {
    Json.Arr arr = Json.array();
    for (Verdict.Group g : groups) {
      Json.Arr regions = Json.array();
      for (Verdict.EffectiveRegion r : g.effectiveRegions()) {
        regions.add(HostCommand.regionJson(r.region())
            .put("devices", r.contributors().stream().map(PciAddress::toString).toList()));
      }
      Json.Arr iova = Json.array();
      for (AddressRange r : g.iova().validRanges()) {
        iova.add(Json.object().put("start", U64.hex16(r.start())).put("end", U64.hex16(r.end())));
      }
      Json.Arr classifications = Json.array();
      for (Verdict.Classification c : g.classifications()) {
        classifications.add(Json.object()
            .put("device", c.device().toString())
            .put("region", c.input().toSysfsLine())
            .put("source", c.input().source().resvName())
            .put("action", c.decision().actionText())
            .put("effective", c.effective().map(r -> r.type().resvName()).orElse(null))
            .put("rule", c.decision().provenance().rule())
            .put("file", c.decision().provenance().file())
            .put("line", c.decision().provenance().line()));
      }
      Json.Arr findings = Json.array();
      for (Verdict.Finding f : g.findings()) {
        findings.add(Json.object()
            .put("severity", f.severity().keyword())
            .put("message", f.message())
            .put("rule", f.provenance().rule())
            .put("file", f.provenance().file())
            .put("line", f.provenance().line())
            .put("region", f.region() == null ? null : f.region().toSysfsLine())
            .put("guest", f.guest().map(x -> x.name()).orElse(null))
            .put("overlap", f.overlap().map(AddressRange::toString).orElse(null)));
      }
      arr.add(Json.object()
          .put("id", g.id())
          .put("devices", g.devices().stream().map(PciAddress::toString).toList())
          .put("assignable", g.assignable())
          .put("effectiveRegions", regions)
          .put("validIova", iova)
          .put("iovaRefused", g.iova().refused())
          .put("classifications", classifications)
          .put("findings", findings));
    }
    return Json.object()
        .put("policy", v.policy())
        .put("host", v.host())
        .put("guest", v.guest())
        .put("assignable", groups.stream().allMatch(Verdict.Group::assignable))
        .put("groups", arr);
  }
}
