package dev.resvc.cli.render;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.AcpiHeader;
import dev.resvc.runtime.firmware.IdMapping;
import dev.resvc.runtime.firmware.IortNode;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.RmrRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a decoded IORT table: a summary of its SMMU and RMR nodes (the corpus {@code expected.txt}
 * format, which can be compared with an independent ACPICA decoding) and a JSON tree with every
 * decoded field.
 */
public final class IortFormat {
  private IortFormat() {}

  /**
   * The summary: an {@code iort} line, then in table order one {@code smmuv3} or {@code smmu} line per
   * SMMU node and one {@code rmr} line per RMR node followed by one {@code rmr-range} line per
   * descriptor, each ending in a newline. Other node types are not listed.
   *
   * <p>An RMR's {@code smmu} lists the distinct output references of its mappings in table order
   * ({@code -} when it has none); {@code streams} prints a single mapping as its output ID and a range
   * mapping as {@code <input>+<id count>-><output>}, all in {@code 0x} hex.
   */
  public static String text(IortTable table) {
    StringBuilder sb = new StringBuilder();
    AcpiHeader h = table.header();
    sb.append("iort length=0x").append(Long.toHexString(h.length()))
        .append(" revision=0x").append(U64.digits(h.revision(), 2))
        .append(" checksum=").append(h.checksumOk() ? "ok" : "bad")
        .append(" nodes=").append(table.nodeCount())
        .append('\n');
    for (IortNode n : table.nodes()) {
      if (n instanceof IortNode.SmmuV3 s) {
        sb.append("smmuv3 offset=0x").append(U64.digits(s.offset(), 4)).append(" base=").append(U64.hex16(s.baseAddress()))
            .append('\n');
      } else if (n instanceof IortNode.Smmu s) {
        sb.append("smmu offset=0x").append(U64.digits(s.offset(), 4)).append(" base=").append(U64.hex16(s.baseAddress()))
            .append('\n');
      } else if (n instanceof IortNode.Rmr r) {
        sb.append("rmr offset=0x").append(U64.digits(r.offset(), 4))
            .append(" revision=").append(r.revision())
            .append(" flags=0x").append(U64.digits(r.flags(), 8))
            .append(" remap_permitted=").append(r.remapPermitted() ? 1 : 0)
            .append(" access_privileged=").append(r.accessPrivileged() ? 1 : 0)
            .append(" attributes=0x").append(U64.digits(r.accessAttributes(), 2))
            .append(" smmu=").append(smmus(r.mappings()))
            .append(" streams=").append(streams(r.mappings()))
            .append('\n');
        for (RmrRange range : r.ranges()) {
          sb.append("rmr-range base=").append(U64.hex16(range.base()))
              .append(" length=").append(U64.hex16(range.length()))
              .append('\n');
        }
      }
    }
    return sb.toString();
  }

  /** One mapping as the summary prints it: {@code 0x6}, or {@code 0x0+0xffff->0x0} for a range. */
  public static String stream(IdMapping m) {
    if (m.singleMapping()) {
      return "0x" + Long.toHexString(m.outputBase());
    }
    return "0x" + Long.toHexString(m.inputBase()) + "+0x" + Long.toHexString(m.idCount()) + "->0x"
        + Long.toHexString(m.outputBase());
  }

  private static String smmus(List<IdMapping> mappings) {
    List<Long> refs = new ArrayList<>();
    for (IdMapping m : mappings) {
      if (!refs.contains(m.outputReference())) {
        refs.add(m.outputReference());
      }
    }
    if (refs.isEmpty()) {
      return "-";
    }
    List<String> out = new ArrayList<>();
    refs.forEach(r -> out.add("0x" + U64.digits(r, 4)));
    return String.join(",", out);
  }

  private static String streams(List<IdMapping> mappings) {
    if (mappings.isEmpty()) {
      return "-";
    }
    List<String> out = new ArrayList<>();
    mappings.forEach(m -> out.add(stream(m)));
    return String.join(",", out);
  }

  /** Every decoded field; 64-bit addresses as {@code "0x%016x"} strings. Notes are not included. */
  public static Json.Obj json(IortTable table) {
    Json.Obj header = AcpiHeaderFormat.json(table.header());
    Json.Arr nodes = Json.array();
    for (IortNode n : table.nodes()) {
      nodes.add(node(n));
    }
    return Json.object()
        .put("header", header)
        .put("node_count", table.nodeCount())
        .put("node_offset", table.nodeOffset())
        .put("nodes", nodes);
  }

  private static Json.Obj node(IortNode n) {
    IortNode.Header h = n.header();
    Json.Obj o = Json.object()
        .put("kind", kind(n))
        .put("offset", h.offset())
        .put("type", h.type())
        .put("length", h.length())
        .put("revision", h.revision())
        .put("identifier", h.identifier())
        .put("mapping_count", h.mappingCount())
        .put("mapping_offset", h.mappingOffset());
    if (n instanceof IortNode.ItsGroup g) {
      o.put("its_identifiers", g.itsIdentifiers());
    } else if (n instanceof IortNode.NamedComponent c) {
      o.put("node_flags", c.nodeFlags())
          .put("memory_properties", U64.hex16(c.memoryProperties()))
          .put("memory_address_limit", c.memoryAddressLimit())
          .put("device_name", c.deviceName());
    } else if (n instanceof IortNode.RootComplex r) {
      o.put("memory_properties", U64.hex16(r.memoryProperties()))
          .put("ats_attribute", r.atsAttribute())
          .put("ats_supported", r.atsSupported())
          .put("pci_segment", r.pciSegment())
          .put("memory_address_limit", r.memoryAddressLimit())
          .put("pasid_capabilities", r.pasidCapabilities())
          .put("flags", r.flags());
    } else if (n instanceof IortNode.Smmu s) {
      o.put("base_address", U64.hex16(s.baseAddress()))
          .put("span", U64.hex16(s.span()))
          .put("model", s.model())
          .put("flags", s.flags())
          .put("global_interrupt_offset", s.globalInterruptOffset())
          .put("context_interrupt_count", s.contextInterruptCount())
          .put("context_interrupt_offset", s.contextInterruptOffset())
          .put("pmu_interrupt_count", s.pmuInterruptCount())
          .put("pmu_interrupt_offset", s.pmuInterruptOffset());
    } else if (n instanceof IortNode.SmmuV3 s) {
      o.put("base_address", U64.hex16(s.baseAddress()))
          .put("flags", s.flags())
          .put("vatos_address", U64.hex16(s.vatosAddress()))
          .put("model", s.model())
          .put("event_gsiv", s.eventGsiv())
          .put("pri_gsiv", s.priGsiv())
          .put("gerr_gsiv", s.gerrGsiv())
          .put("sync_gsiv", s.syncGsiv())
          .put("proximity_domain", s.proximityDomain())
          .put("id_mapping_index", s.idMappingIndex());
    } else if (n instanceof IortNode.Pmcg p) {
      o.put("page0_base_address", U64.hex16(p.page0BaseAddress()))
          .put("overflow_gsiv", p.overflowGsiv())
          .put("node_reference", p.nodeReference())
          .put("page1_base_address", U64.hex16(p.page1BaseAddress()));
    } else if (n instanceof IortNode.Rmr r) {
      Json.Arr ranges = Json.array();
      for (RmrRange range : r.ranges()) {
        ranges.add(Json.object().put("base", U64.hex16(range.base())).put("length", U64.hex16(range.length())));
      }
      o.put("flags", r.flags())
          .put("remap_permitted", r.remapPermitted())
          .put("access_privileged", r.accessPrivileged())
          .put("access_attributes", r.accessAttributes())
          .put("range_count", r.rangeCount())
          .put("range_offset", r.rangeOffset())
          .put("ranges", ranges);
    }
    Json.Arr maps = Json.array();
    for (IdMapping m : n.mappings()) {
      maps.add(Json.object()
          .put("input_base", m.inputBase())
          .put("id_count", m.idCount())
          .put("output_base", m.outputBase())
          .put("output_reference", m.outputReference())
          .put("flags", m.flags())
          .put("single_mapping", m.singleMapping()));
    }
    o.put("mappings", maps);
    return o;
  }

  private static String kind(IortNode n) {
    if (n instanceof IortNode.ItsGroup) {
      return "its-group";
    } else if (n instanceof IortNode.NamedComponent) {
      return "named-component";
    } else if (n instanceof IortNode.RootComplex) {
      return "root-complex";
    } else if (n instanceof IortNode.Smmu) {
      return "smmu";
    } else if (n instanceof IortNode.SmmuV3) {
      return "smmuv3";
    } else if (n instanceof IortNode.Pmcg) {
      return "pmcg";
    } else if (n instanceof IortNode.Rmr) {
      return "rmr";
    } else if (n instanceof IortNode.IgnoredRmr) {
      return "rmr-ignored";
    }
    return "unknown";
  }

}
