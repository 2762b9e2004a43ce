package dev.resvc.cli.render;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.AcpiHeader;
import dev.resvc.runtime.firmware.DeviceScope;
import dev.resvc.runtime.firmware.DeviceScope.PathHop;
import dev.resvc.runtime.firmware.DmarStructure;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.range.U64;
import java.util.List;

/**
 * Prints a decoded DMAR table: a one-line-per-structure summary (the corpus {@code expected.txt}
 * format, which can be compared with an independent ACPICA decoding) and a JSON tree with every
 * decoded field.
 */
public final class DmarFormat {
  private DmarFormat() {}

  /**
   * The summary: a {@code dmar} line, then one {@code drhd}, {@code rmrr} or {@code other} line per
   * structure in table order, each ending in a newline.
   */
  public static String text(DmarTable table) {
    StringBuilder sb = new StringBuilder();
    AcpiHeader h = table.header();
    sb.append("dmar length=0x").append(Long.toHexString(h.length()))
        .append(" revision=0x").append(U64.digits(h.revision(), 2))
        .append(" checksum=").append(h.checksumOk() ? "ok" : "bad")
        .append(" haw=0x").append(U64.digits(table.haw(), 2))
        .append(" flags=0x").append(U64.digits(table.flags(), 2))
        .append('\n');
    for (DmarStructure s : table.structures()) {
      if (s instanceof DmarStructure.Drhd d) {
        sb.append("drhd flags=0x").append(U64.digits(d.flags(), 2))
            .append(" segment=0x").append(U64.digits(d.segment(), 4))
            .append(" base=").append(U64.hex16(d.registerBase()))
            .append(" scopes=").append(scopes(d.scopes()));
      } else if (s instanceof DmarStructure.Rmrr r) {
        sb.append("rmrr segment=0x").append(U64.digits(r.segment(), 4))
            .append(" base=").append(U64.hex16(r.baseAddress()))
            .append(" end=").append(U64.hex16(r.endAddress()))
            .append(" scopes=").append(scopes(r.scopes()));
      } else {
        sb.append("other type=0x").append(U64.digits(s.type(), 4)).append(" length=0x").append(U64.digits(s.length(), 4));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * One scope as {@code <kind>[#<enumeration id>]@<start bus>:<dev>.<fn>[/<dev>.<fn>...]}; a scope
   * without path hops prints as {@code <kind>@<start bus>}.
   */
  public static String scope(DeviceScope scope) {
    StringBuilder sb = new StringBuilder(scope.kindName());
    if (scope.hasEnumerationId()) {
      sb.append('#').append(U64.digits(scope.enumerationId(), 2));
    }
    sb.append('@').append(U64.digits(scope.startBus(), 2));
    String sep = ":";
    for (PathHop hop : scope.path()) {
      sb.append(sep).append(U64.digits(hop.device(), 2)).append('.').append(Integer.toHexString(hop.function()));
      sep = "/";
    }
    return sb.toString();
  }

  private static String scopes(List<DeviceScope> scopes) {
    if (scopes.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (DeviceScope s : scopes) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(scope(s));
    }
    return sb.toString();
  }

  /** Every decoded field; addresses as {@code "0x%016x"} strings. Notes are not included. */
  public static Json.Obj json(DmarTable table) {
    Json.Obj header = AcpiHeaderFormat.json(table.header());
    Json.Arr structures = Json.array();
    for (DmarStructure s : table.structures()) {
      structures.add(structure(s));
    }
    return Json.object()
        .put("header", header)
        .put("haw", table.haw())
        .put("host_address_width", table.hostAddressWidth())
        .put("flags", table.flags())
        .put("structures", structures);
  }

  private static Json.Obj structure(DmarStructure s) {
    Json.Obj o = Json.object()
        .put("kind", kind(s))
        .put("offset", s.offset())
        .put("type", s.type())
        .put("length", s.length());
    if (s instanceof DmarStructure.Drhd d) {
      o.put("flags", d.flags())
          .put("include_pci_all", d.includePciAll())
          .put("size", d.size())
          .put("segment", d.segment())
          .put("register_base", U64.hex16(d.registerBase()))
          .put("scopes", jsonScopes(d.scopes()));
    } else if (s instanceof DmarStructure.Rmrr r) {
      o.put("segment", r.segment())
          .put("base_address", U64.hex16(r.baseAddress()))
          .put("end_address", U64.hex16(r.endAddress()))
          .put("sane", r.isSane())
          .put("scopes", jsonScopes(r.scopes()));
    } else if (s instanceof DmarStructure.Atsr a) {
      o.put("flags", a.flags()).put("segment", a.segment()).put("scopes", jsonScopes(a.scopes()));
    } else if (s instanceof DmarStructure.Rhsa r) {
      o.put("register_base", U64.hex16(r.registerBase())).put("proximity_domain", r.proximityDomain());
    } else if (s instanceof DmarStructure.Andd a) {
      o.put("device_number", a.deviceNumber()).put("object_name", a.objectName());
    } else if (s instanceof DmarStructure.Satc a) {
      o.put("flags", a.flags()).put("segment", a.segment()).put("scopes", jsonScopes(a.scopes()));
    } else if (s instanceof DmarStructure.Sidp a) {
      o.put("segment", a.segment()).put("scopes", jsonScopes(a.scopes()));
    }
    return o;
  }

  private static String kind(DmarStructure s) {
    if (s instanceof DmarStructure.Drhd) {
      return "drhd";
    } else if (s instanceof DmarStructure.Rmrr) {
      return "rmrr";
    } else if (s instanceof DmarStructure.Atsr) {
      return "atsr";
    } else if (s instanceof DmarStructure.Rhsa) {
      return "rhsa";
    } else if (s instanceof DmarStructure.Andd) {
      return "andd";
    } else if (s instanceof DmarStructure.Satc) {
      return "satc";
    } else if (s instanceof DmarStructure.Sidp) {
      return "sidp";
    }
    return "unknown";
  }

  private static Json.Arr jsonScopes(List<DeviceScope> scopes) {
    Json.Arr arr = Json.array();
    for (DeviceScope sc : scopes) {
      Json.Arr path = Json.array();
      for (PathHop hop : sc.path()) {
        path.add(Json.object().put("device", hop.device()).put("function", hop.function()));
      }
      arr.add(Json.object()
          .put("offset", sc.offset())
          .put("type", sc.type())
          .put("kind", sc.kindName())
          .put("length", sc.length())
          .put("flags", sc.flags())
          .put("enumeration_id", sc.enumerationId())
          .put("start_bus", sc.startBus())
          .put("path", path)
          .put("text", scope(sc)));
    }
    return arr;
  }

}
