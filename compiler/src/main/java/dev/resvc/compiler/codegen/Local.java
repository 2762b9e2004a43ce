package dev.resvc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.resvc.compiler.check.Field;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The values a generated {@code classify} or {@code conflict} reads once, at its top, into locals;
 * rules then test only these locals. A field's local takes its name, type and initialiser from the
 * {@link Field} table. Declaration order is this enum's order, which lists every local after the ones
 * its initialiser uses (and is part of the generated code, which the golden files hold).
 */
enum Local {
  /** The device if it is a PCI function, else null: what the PCI-only fields are read from, and tested with. */
  PCI("pci", TypeName.get(PciDevice.class), CodeBlock.of("device instanceof $T ? ($T) device : null",
      PciDevice.class, PciDevice.class)),
  VENDOR(Field.DEVICE_VENDOR),
  DEVICE_ID(Field.DEVICE_ID),
  SUBSYSTEM_VENDOR(Field.DEVICE_SUBSYSTEM_VENDOR),
  SUBSYSTEM_DEVICE(Field.DEVICE_SUBSYSTEM_DEVICE),
  CLASS_CODE(Field.DEVICE_CLASS),
  /** {@code segment << 16 | requesterId}: one int per PCI address. */
  BDF(Field.DEVICE_BDF),
  BRIDGE(Field.DEVICE_BRIDGE),
  DRIVER(Field.DEVICE_DRIVER),
  UPSTREAM("upstream", ParameterizedTypeName.get(List.class, PciAddress.class),
      CodeBlock.of("pci == null ? $T.of() : pci.upstreamBridges()", List.class)),
  KIND(Field.DEVICE_KIND),
  NAME(Field.DEVICE_NAME),
  HID(Field.DEVICE_HID),
  /** The {@code group} parameter of {@code classify}; never declared. */
  GROUP(Field.DEVICE_GROUP),
  REGION_TYPE(Field.REGION_TYPE),
  REGION_SOURCE(Field.REGION_SOURCE),
  PROT(Field.REGION_PROT),
  START(Field.REGION_START),
  END(Field.REGION_END),
  /** The region covers at least one address (it is not inverted). */
  COVERS("covers", TypeName.BOOLEAN, CodeBlock.of("$T.compareUnsigned(end, start) >= 0", Long.class)),
  HAS_GUEST("hasGuest", TypeName.BOOLEAN, CodeBlock.of("guest != null")),
  GUEST_KIND(Field.GUEST_KIND),
  GUEST_NAME(Field.GUEST_NAME),
  GUEST_START(Field.GUEST_START),
  GUEST_END(Field.GUEST_END),
  KERNEL_VERSION(Field.KERNEL_VERSION),
  BACKEND(Field.KERNEL_BACKEND),
  IOMMU_DRIVER(Field.KERNEL_DRIVER),
  MSI_ISOLATED(Field.HOST_MSI_ISOLATED);

  private final String javaName;
  private final TypeName type;
  private final CodeBlock init;
  /** The field this local holds, or null for the locals that hold no field. */
  private final Field field;

  Local(String javaName, TypeName type, CodeBlock init) {
    this.javaName = javaName;
    this.type = type;
    this.init = init;
    this.field = null;
  }

  /** The local a field is read into, as the field table spells it. */
  Local(Field field) {
    this.javaName = field.javaLocal().orElseThrow();
    this.type = TypeName.get(field.javaType());
    this.init = field.javaRead().map(read -> CodeBlock.of("$L", read)).orElse(null);
    this.field = field;
  }

  /** The local {@code field} is read into; none for the size, computed from {@link #START} and {@link #END}. */
  static Local of(Field field) {
    for (Local l : values()) {
      if (l.field == field) {
        return l;
      }
    }
    throw new IllegalArgumentException(field.spelling() + " is read into no local");
  }

  String javaName() {
    return javaName;
  }

  TypeName type() {
    return type;
  }

  /** Null for a method parameter. */
  CodeBlock init() {
    return init;
  }

  /** {@code used} plus the locals their initialisers need. */
  static Set<Local> closure(Set<Local> used) {
    Set<Local> out = used.isEmpty() ? EnumSet.noneOf(Local.class) : EnumSet.copyOf(used);
    if (out.contains(COVERS)) {
      out.add(START);
      out.add(END);
    }
    return out;
  }

  /** {@code locals} plus those their initialisers read: {@link #PCI} for the PCI-only fields' and {@link #UPSTREAM}. */
  static Set<Local> declared(Set<Local> locals) {
    Set<Local> out = closure(locals);
    if (out.contains(UPSTREAM) || out.stream().anyMatch(l -> l.field != null && l.field.isPciOnly())) {
      out.add(PCI);
    }
    return out;
  }
}
