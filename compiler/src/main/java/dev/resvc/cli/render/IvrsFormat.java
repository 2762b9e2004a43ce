package dev.resvc.cli.render;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.AcpiHeader;
import dev.resvc.runtime.firmware.IvhdDeviceEntry;
import dev.resvc.runtime.firmware.IvrsBlock;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.range.U64;

/**
 * Prints a decoded IVRS table: a one-line-per-block summary (the corpus {@code expected.txt} format,
 * comparable with an independent ACPICA decoding) and a JSON tree with every decoded field, device
 * entries included.
 */
public final class IvrsFormat {
  private IvrsFormat() {}

  /**
   * The summary: an {@code ivrs} line, then one {@code ivhd}, {@code ivmd} or {@code other} line per
   * block in table order, each ending in a newline. Device entries are not listed.
   */
  public static String text(IvrsTable table) {
    StringBuilder sb = new StringBuilder();
    AcpiHeader h = table.header();
    sb.append("ivrs length=0x").append(Long.toHexString(h.length()))
        .append(" revision=0x").append(U64.digits(h.revision(), 2))
        .append(" checksum=").append(h.checksumOk() ? "ok" : "bad")
        .append(" ivinfo=0x").append(U64.digits(table.ivinfo(), 8))
        .append('\n');
    for (IvrsBlock b : table.blocks()) {
      if (b instanceof IvrsBlock.Ivhd d) {
        sb.append("ivhd type=0x").append(U64.digits(d.type(), 2))
            .append(" flags=0x").append(U64.digits(d.flags(), 2))
            .append(" iommu=").append(IvrsBlock.bdf(d.deviceId()))
            .append(" segment=0x").append(U64.digits(d.pciSegment(), 4))
            .append(" base=").append(U64.hex16(d.baseAddress()));
      } else if (b instanceof IvrsBlock.Ivmd m) {
        sb.append("ivmd type=0x").append(U64.digits(m.type(), 2))
            .append(" flags=0x").append(U64.digits(m.flags(), 2))
            .append(" devices=").append(m.devicesText())
            .append(" start=").append(U64.hex16(m.startAddress()))
            .append(" length=").append(U64.hex16(m.memoryLength()));
      } else {
        sb.append("other type=0x").append(U64.digits(b.type(), 2)).append(" length=0x").append(U64.digits(b.length(), 4));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Every decoded field; 64-bit values as {@code "0x%016x"} strings. Notes are not included. */
  public static Json.Obj json(IvrsTable table) {
    Json.Obj header = AcpiHeaderFormat.json(table.header());
    Json.Arr blocks = Json.array();
    for (IvrsBlock b : table.blocks()) {
      blocks.add(block(b));
    }
    return Json.object()
        .put("header", header)
        .put("ivinfo", table.ivinfo())
        .put("reserved", U64.hex16(table.reserved()))
        .put("blocks", blocks);
  }

  private static Json.Obj block(IvrsBlock b) {
    Json.Obj o = Json.object()
        .put("kind", b instanceof IvrsBlock.Ivhd ? "ivhd" : b instanceof IvrsBlock.Ivmd ? "ivmd" : "unknown")
        .put("offset", b.offset())
        .put("type", b.type())
        .put("flags", b.flags())
        .put("length", b.length());
    if (b instanceof IvrsBlock.Ivhd d) {
      Json.Arr entries = Json.array();
      d.entries().forEach(e -> entries.add(entry(e)));
      o.put("device_id", d.deviceId())
          .put("iommu", IvrsBlock.bdf(d.deviceId()))
          .put("capability_offset", d.capabilityOffset())
          .put("base_address", U64.hex16(d.baseAddress()))
          .put("pci_segment", d.pciSegment())
          .put("iommu_info", d.iommuInfo())
          .put("feature_reporting", d.featureReporting());
      if (d.hasEfrImage()) {
        o.put("efr_image", U64.hex16(d.efrImage())).put("efr_image2", U64.hex16(d.efrImage2()));
      }
      o.put("entries", entries);
    } else if (b instanceof IvrsBlock.Ivmd m) {
      o.put("unity", m.unity())
          .put("readable", (m.flags() & IvrsBlock.Ivmd.FLAG_IR) != 0)
          .put("writeable", (m.flags() & IvrsBlock.Ivmd.FLAG_IW) != 0)
          .put("exclusion_range", m.exclusionRange())
          .put("device_id", m.deviceId())
          .put("auxiliary_data", m.auxiliaryData())
          .put("devices", m.devicesText())
          .put("pci_segment", m.pciSegment())
          .put("reserved", U64.hex16(m.reserved()))
          .put("start_address", U64.hex16(m.startAddress()))
          .put("memory_length", U64.hex16(m.memoryLength()));
    } else if (b instanceof IvrsBlock.UnknownBlock u) {
      o.put("device_id_field", u.deviceIdField());
    }
    return o;
  }

  private static Json.Obj entry(IvhdDeviceEntry e) {
    Json.Obj o = Json.object()
        .put("kind", kind(e))
        .put("offset", e.offset())
        .put("type", e.type())
        .put("length", e.length())
        .put("device_id", e.deviceId())
        .put("device", IvrsBlock.bdf(e.deviceId()))
        .put("settings", e.settings());
    if (e instanceof IvhdDeviceEntry.Alias a) {
      o.put("source_device_id", a.sourceDeviceId()).put("source", IvrsBlock.bdf(a.sourceDeviceId()));
    } else if (e instanceof IvhdDeviceEntry.Extended x) {
      o.put("extended_settings", x.extendedSettings());
    } else if (e instanceof IvhdDeviceEntry.Special s) {
      o.put("handle", s.handle())
          .put("source_device_id", s.sourceDeviceId())
          .put("source", IvrsBlock.bdf(s.sourceDeviceId()))
          .put("variety", s.variety())
          .put("variety_name", s.varietyName());
    } else if (e instanceof IvhdDeviceEntry.AcpiHid a) {
      o.put("hid", a.hid())
          .put("cid", U64.hex16(a.cid()))
          .put("uid_format", a.uidFormat())
          .put("uid_length", a.uidLength())
          .put("uid", a.uid());
    }
    return o;
  }

  private static String kind(IvhdDeviceEntry e) {
    if (e instanceof IvhdDeviceEntry.Pad) {
      return "pad";
    } else if (e instanceof IvhdDeviceEntry.All) {
      return "all";
    } else if (e instanceof IvhdDeviceEntry.Select) {
      return "select";
    } else if (e instanceof IvhdDeviceEntry.RangeStart) {
      return "range-start";
    } else if (e instanceof IvhdDeviceEntry.RangeEnd) {
      return "range-end";
    } else if (e instanceof IvhdDeviceEntry.Alias a) {
      return a.isRangeStart() ? "alias-range-start" : "alias-select";
    } else if (e instanceof IvhdDeviceEntry.Extended x) {
      return x.isRangeStart() ? "ext-range-start" : "ext-select";
    } else if (e instanceof IvhdDeviceEntry.Special) {
      return "special";
    } else if (e instanceof IvhdDeviceEntry.AcpiHid) {
      return "acpi-hid";
    }
    return "unknown";
  }

}
