package dev.resvc.cli.render;

import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.firmware.AcpiHeader;

/** The {@code header} object the JSON forms of DMAR, IVRS and IORT share, so the three print it alike. */
final class AcpiHeaderFormat {
  private AcpiHeaderFormat() {}

  /** Every header field, strings exactly as stored. */
  static Json.Obj json(AcpiHeader h) {
    return Json.object()
        .put("signature", h.signature())
        .put("length", h.length())
        .put("revision", h.revision())
        .put("checksum", h.checksum())
        .put("checksum_ok", h.checksumOk())
        .put("oem_id", h.oemId())
        .put("oem_table_id", h.oemTableId())
        .put("oem_revision", h.oemRevision())
        .put("creator_id", h.creatorId())
        .put("creator_revision", h.creatorRevision());
  }
}
