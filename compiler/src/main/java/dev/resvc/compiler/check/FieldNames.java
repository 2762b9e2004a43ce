package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.diag.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a field written in a condition ({@code device.class}, {@code region.type}) names: which object
 * it belongs to, whether that object has it, and the typed field the checked condition tests. The
 * one place where the checker maps field names; the names themselves come from the {@link Field} table.
 */
final class FieldNames {
  /** The names after {@code device.}, {@code region.}, {@code guest.}, …: the table's fields, and the guest kinds. */
  static List<String> fieldNames(Scope scope) {
    List<String> out = new ArrayList<>(Field.of(scope).stream().map(Field::fieldName).toList());
    if (scope == Scope.GUEST) {
      out.addAll(Field.GUEST_KIND.constants());
    }
    return List.copyOf(out);
  }

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

    /** The table's field, or empty for a name that is no field ({@code guest.ram}). */
    Optional<Field> entry() {
      return Field.of(scope, field.field());
    }

    boolean is(Field f) {
      return entry().orElse(null) == f;
    }

    Optional<Field> ofKind(Field.Kind kind) {
      return entry().filter(f -> f.kind() == kind);
    }
  }

  /** Resolves {@code f}'s object and field; empty, with E111, when either is unknown. */
  static Optional<FieldRef> resolve(Expr.Field f, Reporter report) {
    Scope scope;
    switch (f.object()) {
      case "device" -> scope = Scope.DEVICE;
      case "region" -> scope = Scope.REGION;
      case "guest" -> scope = Scope.GUEST;
      case "kernel" -> scope = Scope.KERNEL;
      case "host" -> scope = Scope.HOST;
      default -> {
        report.unknown(
            Code.UNKNOWN_FIELD,
            f.objectSpan(),
            "unknown object `" + f.object() + "`",
            f.object(),
            List.of("device", "region", "guest", "kernel", "host"),
            "fields belong to device, region, guest, kernel or host");
        return Optional.empty();
      }
    }
    List<String> fields = fieldNames(scope);
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

  static Optional<Field> enumField(FieldRef f) {
    return f.ofKind(Field.Kind.ENUM);
  }

  /** An integer field other than {@code kernel.version} (see {@link #versionField}). */
  static Optional<Field> intField(FieldRef f) {
    return f.ofKind(Field.Kind.INT).filter(x -> !x.isVersion());
  }

  /** {@code kernel.version}: an integer field whose constants are kernel versions. */
  static Optional<Field> versionField(FieldRef f) {
    return f.ofKind(Field.Kind.INT).filter(Field::isVersion);
  }

  static Optional<Field> boolField(FieldRef f) {
    return f.ofKind(Field.Kind.BOOL);
  }

  static Optional<Field> stringField(FieldRef f) {
    return f.ofKind(Field.Kind.STRING);
  }
}
