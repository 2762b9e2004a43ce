package dev.resvc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The values a generated {@code classify} or {@code conflict} reads once, at its top, into locals;
 * rules then test only these locals. Declaration order is this enum's order, which lists every local
 * after the ones its initialiser uses.
 */
enum Local {
  VENDOR("vendor", TypeName.INT, CodeBlock.of("device.vendor()")),
  DEVICE_ID("deviceId", TypeName.INT, CodeBlock.of("device.deviceId()")),
  SUBSYSTEM_VENDOR("subsystemVendor", TypeName.INT, CodeBlock.of("device.subsystemVendor()")),
  SUBSYSTEM_DEVICE("subsystemDevice", TypeName.INT, CodeBlock.of("device.subsystemDevice()")),
  CLASS_CODE("cls", TypeName.INT, CodeBlock.of("device.classCode()")),
  /** {@code segment << 16 | requesterId}: one int per PCI address. */
  BDF("bdf", TypeName.INT, CodeBlock.of("device.address().segment() << 16 | device.address().requesterId()")),
  BRIDGE("bridge", TypeName.BOOLEAN, CodeBlock.of("device.bridge()")),
  /** An absent driver reads as {@code ""}. */
  DRIVER("driver", TypeName.get(String.class), CodeBlock.of("device.driver().orElse(\"\")")),
  UPSTREAM("upstream", ParameterizedTypeName.get(List.class, PciAddress.class), CodeBlock.of("device.upstreamBridges()")),
  /** The {@code group} parameter of {@code classify}; never declared. */
  GROUP("group", TypeName.INT, null),
  REGION_TYPE("rtype", TypeName.get(RegionType.class), CodeBlock.of("region.type()")),
  REGION_SOURCE("rsource", TypeName.get(RegionSource.class), CodeBlock.of("region.source()")),
  PROT("prot", TypeName.INT, CodeBlock.of("region.prot().bits()")),
  START("start", TypeName.LONG, CodeBlock.of("region.start()")),
  /** {@code start + length - 1}, wrapping, as {@link dev.resvc.runtime.model.Region#end()}. */
  END("end", TypeName.LONG, CodeBlock.of("region.end()")),
  /** The region covers at least one address (it is not inverted). */
  COVERS("covers", TypeName.BOOLEAN, CodeBlock.of("$T.compareUnsigned(end, start) >= 0", Long.class)),
  HAS_GUEST("hasGuest", TypeName.BOOLEAN, CodeBlock.of("guest != null")),
  /** Null when there is no guest range, so that every kind test is false. */
  GUEST_KIND("gkind", TypeName.get(GuestKind.class), CodeBlock.of("guest == null ? null : guest.kind()")),
  GUEST_NAME("gname", TypeName.get(String.class), CodeBlock.of("guest == null ? null : guest.name()")),
  GUEST_START("gstart", TypeName.LONG, CodeBlock.of("guest == null ? 0L : guest.range().start()")),
  GUEST_END("gend", TypeName.LONG, CodeBlock.of("guest == null ? 0L : guest.range().end()"));

  private final String javaName;
  private final TypeName type;
  private final CodeBlock init;

  Local(String javaName, TypeName type, CodeBlock init) {
    this.javaName = javaName;
    this.type = type;
    this.init = init;
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
}
