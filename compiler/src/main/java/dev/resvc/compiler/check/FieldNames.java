package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.diag.Code;
import java.util.List;
import java.util.Optional;

/**
 * What a field written in a condition ({@code device.class}, {@code region.type}) names: which object
 * it belongs to, whether that object has it, and the typed field the checked condition tests. The
 * one place where the checker maps field names, so that a new field is added here.
 */
final class FieldNames {
  private static final List<String> DEVICE_FIELDS =
      List.of(
          "bdf",
          "vendor",
          "device_id",
          "subsystem_vendor",
          "subsystem_device",
          "class",
          "driver",
          "group",
          "bridge");
  private static final List<String> REGION_FIELDS =
      List.of("start", "end", "size", "type", "source", "prot");
  private static final List<String> GUEST_FIELDS =
      List.of("name", "kind", "start", "end", "ram", "mmio", "rom", "reserved");

  private FieldNames() {}

  /** A field that exists, with the scope it belongs to. */
  record FieldRef(Expr.Field field, Scope scope) {
    /** As written: {@code object.field}. */
    String spelled() {
      return field.object() + "." + field.field();
    }

    /** The field's own name, without its object. */
    String name() {
      return field.field();
    }
  }

  /** Resolves {@code f}'s object and field; empty, with E111, when either is unknown. */
  static Optional<FieldRef> resolve(Expr.Field f, Reporter report) {
    Scope scope;
    List<String> fields;
    switch (f.object()) {
      case "device" -> {
        scope = Scope.DEVICE;
        fields = DEVICE_FIELDS;
      }
      case "region" -> {
        scope = Scope.REGION;
        fields = REGION_FIELDS;
      }
      case "guest" -> {
        scope = Scope.GUEST;
        fields = GUEST_FIELDS;
      }
      default -> {
        report.unknown(
            Code.UNKNOWN_FIELD,
            f.objectSpan(),
            "unknown object `" + f.object() + "`",
            f.object(),
            List.of("device", "region", "guest"),
            "fields belong to device, region or guest");
        return Optional.empty();
      }
    }
    if (!fields.contains(f.field())) {
      report.unknown(
          Code.UNKNOWN_FIELD,
          f.fieldSpan(),
          "`" + f.object() + "` has no field `" + f.field() + "`",
          f.field(),
          fields,
          f.object() + " fields: " + String.join(", ", fields));
      return Optional.empty();
    }
    return Optional.of(new FieldRef(f, scope));
  }

  static Optional<EnumField> enumField(FieldRef f) {
    return switch (f.spelled()) {
      case "region.type" -> Optional.of(EnumField.REGION_TYPE);
      case "region.source" -> Optional.of(EnumField.REGION_SOURCE);
      case "guest.kind" -> Optional.of(EnumField.GUEST_KIND);
      default -> Optional.empty();
    };
  }

  static Optional<IntField> intField(FieldRef f) {
    for (IntField i : IntField.values()) {
      if (i.scope() == f.scope() && i.fieldName().equals(f.name())) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  static Optional<Cond.StringField> stringField(FieldRef f) {
    return switch (f.spelled()) {
      case "device.driver" -> Optional.of(Cond.StringField.DEVICE_DRIVER);
      case "guest.name" -> Optional.of(Cond.StringField.GUEST_NAME);
      default -> Optional.empty();
    };
  }
}
