package dev.resvc.compiler.check;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.DeviceKind;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every field a condition can test, with all that each phase needs to know of it: the scope and name
 * policies write, its kind, how the interpreter reads it from the runtime model, the local and Java
 * expression generated code reads it into, how explanations label it, and the attribute a test's
 * {@code device} statement sets it with. The checker, interpreter, explainer, analyser (and its
 * witnesses, through {@link FieldValues}) and code generator all look fields up here; adding a field is
 * one constant plus its tests (docs/architecture.md, "How to add a field"), and {@code FieldTableTest}
 * fails while a phase lacks its part.
 */
public enum Field {
  DEVICE_BDF(Scope.DEVICE, "bdf", bdf().asPciOnly(), "device", Notation.TEXT, pci(PciDevice::address),
      "bdf", int.class, "pci == null ? 0 : pci.address().segment() << 16 | pci.address().requesterId()"),
  DEVICE_VENDOR(Scope.DEVICE, "vendor", integer(16).asPciOnly(), "vendor", Notation.HEX_DIGITS, pci(PciDevice::vendor),
      "vendor", int.class, "pci == null ? 0 : pci.vendor()"),
  DEVICE_ID(Scope.DEVICE, "device_id", integer(16).asPciOnly(), "device_id", Notation.HEX_DIGITS, pci(PciDevice::deviceId),
      "deviceId", int.class, "pci == null ? 0 : pci.deviceId()"),
  DEVICE_SUBSYSTEM_VENDOR(Scope.DEVICE, "subsystem_vendor", integer(16).asPciOnly(), "subsystem_vendor", Notation.HEX_DIGITS,
      pci(PciDevice::subsystemVendor), "subsystemVendor", int.class, "pci == null ? 0 : pci.subsystemVendor()"),
  DEVICE_SUBSYSTEM_DEVICE(Scope.DEVICE, "subsystem_device", integer(16).asPciOnly(), "subsystem_device", Notation.HEX_DIGITS,
      pci(PciDevice::subsystemDevice), "subsystemDevice", int.class, "pci == null ? 0 : pci.subsystemDevice()"),
  DEVICE_CLASS(Scope.DEVICE, "class", integer(24).asPciOnly(), "class", Notation.HEX_DIGITS, pci(PciDevice::classCode),
      "cls", int.class, "pci == null ? 0 : pci.classCode()"),
  /** An absent driver reads as {@code ""}. */
  DEVICE_DRIVER(Scope.DEVICE, "driver", string(), "driver", Notation.QUOTED,
      (k, d, group, r, g) -> d.driver().orElse(""), "driver", String.class, "device.driver().orElse(\"\")"),
  /** The IOMMU group, a parameter of {@code classify}: generated code reads no local for it. */
  DEVICE_GROUP(Scope.DEVICE, "group", integer(32), "group", Notation.DECIMAL, (k, d, group, r, g) -> group,
      "group", int.class, null),
  DEVICE_BRIDGE(Scope.DEVICE, "bridge", bool().asPciOnly(), "bridge", Notation.TEXT, pci(PciDevice::bridge),
      "bridge", boolean.class, "pci != null && pci.bridge()"),
  /** PCI, or the bus of a device that is not ({@link DeviceKind}). */
  DEVICE_KIND(Scope.DEVICE, "kind", enumOf(DeviceKind.values(), DeviceKind::resvName), "kind", Notation.TEXT,
      (k, d, group, r, g) -> d.kind(), "kind", DeviceKind.class, "device.kind()"),
  /** The kernel's {@code dev_name}: {@code 0000:00:14.0}, {@code dprc.1}, {@code AMDI0040:00}. */
  DEVICE_NAME(Scope.DEVICE, "name", string(), "name", Notation.QUOTED, (k, d, group, r, g) -> d.name(),
      "name", String.class, "device.name()"),
  /**
   * The _HID of the device's own ACPI object ({@link Device#hid()}); absent on a PCI function and on a
   * device without a node of its own, and then no test of it holds: generated code reads null.
   */
  DEVICE_HID(Scope.DEVICE, "hid", string().asOptional(), "hid", Notation.QUOTED,
      (k, d, group, r, g) -> d.hid().orElse(null), "hid", String.class, "device.hid().orElse(null)"),
  REGION_START(Scope.REGION, "start", integer(64), "start", Notation.HEX, (k, d, group, r, g) -> r.start(),
      "start", long.class, "region.start()"),
  /** {@code start + length - 1}, wrapping, as {@link Region#end()}. */
  REGION_END(Scope.REGION, "end", integer(64), "end", Notation.HEX, (k, d, group, r, g) -> r.end(),
      "end", long.class, "region.end()"),
  /**
   * Bytes covered: 0 for a region that covers nothing, up to 2^64 for the whole space, so it is read as
   * a {@link java.math.BigInteger} and compared through the region's range; generated code computes it
   * from {@code start} and {@code end}.
   */
  REGION_SIZE(Scope.REGION, "size", integer(65), "size", Notation.HEX,
      (k, d, group, r, g) -> r.range().map(x -> x.size()).orElse(java.math.BigInteger.ZERO), null, null, null),
  REGION_TYPE(Scope.REGION, "type", enumOf(RegionType.values(), RegionType::resvName), "type", Notation.TEXT, (k, d, group, r, g) -> r.type(),
      "rtype", RegionType.class, "region.type()"),
  REGION_SOURCE(Scope.REGION, "source", enumOf(RegionSource.values(), RegionSource::resvName), "source", Notation.TEXT, (k, d, group, r, g) -> r.source(),
      "rsource", RegionSource.class, "region.source()"),
  REGION_PROT(Scope.REGION, "prot", flags(new Prot(0x3f).names()), "prot", Notation.TEXT, (k, d, group, r, g) -> r.prot(),
      "prot", int.class, "region.prot().bits()"),
  GUEST_NAME(Scope.GUEST, "name", string(), "guest", Notation.TEXT, (k, d, group, r, g) -> g.name(),
      "gname", String.class, "guest == null ? null : guest.name()"),
  /** Null in generated code when there is no guest range, so that every kind test is false. */
  GUEST_KIND(Scope.GUEST, "kind", enumOf(GuestKind.values(), GuestKind::resvName), "guest kind", Notation.TEXT, (k, d, group, r, g) -> g.kind(),
      "gkind", GuestKind.class, "guest == null ? null : guest.kind()"),
  GUEST_START(Scope.GUEST, "start", integer(64), "guest start", Notation.HEX, (k, d, group, r, g) -> g.range().start(),
      "gstart", long.class, "guest == null ? 0L : guest.range().start()"),
  GUEST_END(Scope.GUEST, "end", integer(64), "guest end", Notation.HEX, (k, d, group, r, g) -> g.range().end(),
      "gend", long.class, "guest == null ? 0L : guest.range().end()"),
  /**
   * The release the answer is for, as {@link KernelRelease#key()}: an integer field whose constants are
   * written as versions ({@link #isVersion()}), 60 bits wide because that is every key a release has.
   */
  KERNEL_VERSION(Scope.KERNEL, "version", version(), "kernel", Notation.VERSION,
      (k, d, group, r, g) -> k.release().key(), "kernelVersion", long.class, "kernel.release().key()"),
  KERNEL_BACKEND(Scope.KERNEL, "backend", enumOf(Backend.values(), Backend::resvName), "backend", Notation.TEXT,
      (k, d, group, r, g) -> k.backend(), "backend", Backend.class, "kernel.backend()"),
  /**
   * The IOMMU driver; absent when the host did not show it, and then no test of it holds (as a guest
   * kind's without a guest range): generated code reads null.
   */
  KERNEL_DRIVER(Scope.KERNEL, "driver", enumOf(IommuDriver.values(), IommuDriver::resvName).asOptional(), "iommu",
      Notation.TEXT, (k, d, group, r, g) -> k.driver().orElse(null), "iommuDriver", IommuDriver.class,
      "kernel.driver().orElse(null)"),
  /** Whether the group's MSIs are isolated ({@code iommu_group_has_isolated_msi}, docs/kernel-eras.md §7). */
  HOST_MSI_ISOLATED(Scope.HOST, "msi_isolated", bool(), "msi_isolated", Notation.TEXT,
      (k, d, group, r, g) -> k.msiIsolated(), "msiIsolated", boolean.class, "kernel.msiIsolated()");

  /** What values a field takes, which decides the tests a condition may make of it. */
  public enum Kind {
    /**
     * An unsigned integer of {@link #bits()} bits; compared with {@code == != < <= > >=}, {@code in}.
     * {@code kernel.version} is one ({@link #isVersion()}): its values are release keys, so every phase
     * after the checker, the analyser's interval domain included, sees an integer.
     */
    INT,
    /** One of a small closed set ({@link #constants()}); tests become bit masks over the constants. */
    ENUM,
    /** A string; {@code ==}, {@code !=}, {@code in}. */
    STRING,
    /** A PCI address; {@code ==}, {@code !=}, {@code in}. */
    BDF,
    /** A boolean, tested by naming it. */
    BOOL,
    /** A set of flags ({@link #constants()}), tested with {@code has}. */
    FLAGS
  }

  /**
   * A field's kind with what it needs: the width of an integer, the constants of an enum (the runtime
   * enum's, in order, and their names in policies), the names of flags by bit.
   */
  private record Values(Kind kind, int bits, List<Enum<?>> runtimeConstants, List<String> constants, boolean version,
      boolean optional, boolean pciOnly) {
    /** The same values, which the field may lack on an input whose part it belongs to is present. */
    Values asOptional() {
      return new Values(kind, bits, runtimeConstants, constants, version, true, pciOnly);
    }

    /** The same values, which only a PCI function has: optional, absent on every other device. */
    Values asPciOnly() {
      return new Values(kind, bits, runtimeConstants, constants, version, true, true);
    }
  }

  /** A reader of a PCI function's property: null (absent) on a device that is not one. */
  private static Reader pci(Function<PciDevice, Object> property) {
    return (k, d, group, r, g) -> d instanceof PciDevice p ? property.apply(p) : null;
  }

  private static Values integer(int bits) {
    return new Values(Kind.INT, bits, List.of(), List.of(), false, false, false);
  }

  /** Release keys: {@code major << 40 | minor << 20 | patch}, each part 20 bits. */
  private static Values version() {
    return new Values(Kind.INT, 60, List.of(), List.of(), true, false, false);
  }

  private static <E extends Enum<E>> Values enumOf(E[] constants, Function<E, String> resvName) {
    return new Values(Kind.ENUM, 0, List.of(constants), Arrays.stream(constants).map(resvName).toList(), false, false, false);
  }

  private static Values flags(List<String> names) {
    return new Values(Kind.FLAGS, names.size(), List.of(), names, false, false, false);
  }

  private static Values string() {
    return new Values(Kind.STRING, 0, List.of(), List.of(), false, false, false);
  }

  private static Values bdf() {
    return new Values(Kind.BDF, 0, List.of(), List.of(), false, false, false);
  }

  private static Values bool() {
    return new Values(Kind.BOOL, 0, List.of(), List.of(), false, false, false);
  }

  /** How an explanation writes a value after the field's label. */
  private enum Notation {
    /** {@code 0x} and as many digits as the field's width needs: {@code vendor 0x8086}. */
    HEX_DIGITS,
    /** {@code 0x} and the digits: {@code start 0xfee00000}. */
    HEX,
    DECIMAL,
    /** A release key as {@code X.Y[.Z]}: {@code kernel 6.6}. */
    VERSION,
    /** In double quotes. */
    QUOTED,
    /** As the value prints: a PCI address, a policy-language constant, flags. */
    TEXT
  }

  /**
   * Reads the field from the parts of an input; the field's scope's part is never null. Null only for
   * an {@link #isOptional()} field the input lacks.
   */
  @FunctionalInterface
  public interface Reader {
    Object read(TargetKernel kernel, Device device, int group, Region region, GuestRange guest);
  }

  private final Scope scope;
  private final String name;
  private final Values values;
  private final String label;
  private final Notation notation;
  private final Reader reader;
  private final String javaLocal;
  private final Class<?> javaType;
  private final String javaRead;

  Field(Scope scope, String name, Values values, String label, Notation notation, Reader reader,
      String javaLocal, Class<?> javaType, String javaRead) {
    this.scope = scope;
    this.name = name;
    this.values = values;
    this.label = label;
    this.notation = notation;
    this.reader = reader;
    this.javaLocal = javaLocal;
    this.javaType = javaType;
    this.javaRead = javaRead;
  }

  public Scope scope() {
    return scope;
  }

  /** The name as written after the scope: {@code vendor}. */
  public String fieldName() {
    return name;
  }

  /** {@code device.vendor}. */
  public String spelling() {
    return scope.word() + "." + name;
  }

  public Kind kind() {
    return values.kind();
  }

  /** Whether this integer field holds kernel release keys, whose constants policies write as versions. */
  public boolean isVersion() {
    return values.version();
  }

  /**
   * Whether the field may be absent where its scope's part is present ({@code kernel.driver} when the
   * host did not show it): every test of an absent field is false.
   */
  public boolean isOptional() {
    return values.optional();
  }

  /**
   * Whether only a PCI function has the field ({@code device.vendor}, {@code device.bdf}, …): it is
   * optional, and absent on every other device, so that no test of it holds there.
   */
  public boolean isPciOnly() {
    return values.pciOnly();
  }

  /** The width of an integer field's values (a flag field's: its flags); a constant wider than this can never compare equal. */
  public int bits() {
    return values.bits();
  }

  // ---- the closed sets of enum and flag fields -------------------------------------------------

  /**
   * The runtime enum's constants of an enum field, in their order: bit {@code i} of a mask is constant
   * {@code i}, and generated code compares with them by name. Empty for other kinds.
   */
  public List<Enum<?>> runtimeConstants() {
    return values.runtimeConstants();
  }

  /**
   * The names policies write: an enum field's constants in the runtime enum's order, a flag field's flags
   * by bit; empty for other kinds.
   */
  public List<String> constants() {
    return values.constants();
  }

  /** Every constant's bit. */
  public int allMask() {
    return (1 << values.constants().size()) - 1;
  }

  /** The constant names set in {@code mask}, in order. */
  public List<String> names(int mask) {
    List<String> out = new ArrayList<>();
    List<String> constants = values.constants();
    for (int i = 0; i < constants.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        out.add(constants.get(i));
      }
    }
    return out;
  }

  // ---- reading -----------------------------------------------------------------------------------

  /**
   * The field's value on an input ({@link Long} for an integer field other than the size, which is a
   * {@link java.math.BigInteger}; the runtime enum constant; a String, PCI address, Boolean or {@link
   * Prot}), or empty when the part of the input the field belongs to is absent.
   */
  public Optional<Object> read(TargetKernel kernel, Device device, int group, Region region, GuestRange guest) {
    if (!scope.presentIn(device, region, guest)) {
      return Optional.empty();
    }
    Object v = reader.read(kernel, device, group, region, guest);
    return Optional.ofNullable(v instanceof Integer i ? Long.valueOf(i) : v);
  }

  /** Whether the field has a value on the input: its scope's part is there, and an optional field is set. */
  public boolean presentIn(TargetKernel kernel, Device device, int group, Region region, GuestRange guest) {
    return scope.presentIn(device, region, guest) && (!values.optional() || reader.read(kernel, device, group, region, guest) != null);
  }

  /**
   * An integer field's value (not the size's), an enum field's ordinal or a flag field's bits, with
   * the field's scope's part present: what the interpreter compares, without boxing in the way.
   */
  public long readLong(TargetKernel kernel, Device device, int group, Region region, GuestRange guest) {
    Object v = reader.read(kernel, device, group, region, guest);
    if (v instanceof Number n) {
      return n.longValue();
    } else if (v instanceof Enum<?> e) {
      return e.ordinal();
    } else if (v instanceof Prot p) {
      return p.bits();
    }
    throw new IllegalStateException(spelling() + " is not read as a number");
  }

  /**
   * The fact an explanation shows for this field: {@code vendor 0x8086}, {@code group 3}, {@code
   * type direct}, or {@code no device} when that part of the input is absent.
   */
  public String fact(TargetKernel kernel, Device device, int group, Region region, GuestRange guest) {
    if (!scope.presentIn(device, region, guest)) {
      return scope.absentFact();
    }
    Optional<Object> v = read(kernel, device, group, region, guest);
    if (v.isEmpty()) {
      return label + (isPciOnly() ? " none (not PCI)" : scope == Scope.KERNEL ? " unknown" : " none");
    }
    return label + " " + switch (notation) {
      case HEX_DIGITS -> String.format("0x%0" + (bits() / 4) + "x", v.get());
      case HEX -> v.get() instanceof java.math.BigInteger b ? (b.signum() == 0 ? "0" : "0x" + b.toString(16))
          : U64.hex((Long) v.get());
      case DECIMAL -> v.get().toString();
      case VERSION -> KernelRelease.ofKey((Long) v.get()).version();
      case QUOTED -> "\"" + v.get() + "\"";
      case TEXT -> v.get().toString();
    };
  }

  // ---- generated code ------------------------------------------------------------------------------

  /** The local generated code reads the field into ({@code vendor}), or empty for the size, which has none. */
  public Optional<String> javaLocal() {
    return Optional.ofNullable(javaLocal);
  }

  /** The Java type of {@link #javaLocal}. */
  public Class<?> javaType() {
    return javaType;
  }

  /**
   * The Java expression, over the parameters {@code kernel}, {@code device}, {@code region} and {@code
   * guest} (null when absent), that initialises {@link #javaLocal}; empty for the group, a parameter itself.
   */
  public Optional<String> javaRead() {
    return Optional.ofNullable(javaRead);
  }

  // ---- test statements -----------------------------------------------------------------------------

  /**
   * The attribute a test's {@code device} statement (a PCI function) sets this field with ({@code
   * vendor 0x8086}), or empty: the address is the statement's own and fixes the kind and name, a PCI
   * function has no {@code hid}, and regions and guests have statements of their own.
   */
  public Optional<String> testAttribute() {
    return switch (this) {
      case DEVICE_VENDOR, DEVICE_ID, DEVICE_SUBSYSTEM_VENDOR, DEVICE_SUBSYSTEM_DEVICE, DEVICE_CLASS, DEVICE_DRIVER,
          DEVICE_GROUP, DEVICE_BRIDGE -> Optional.of(name);
      default -> Optional.empty();
    };
  }

  /**
   * The attribute a test's {@code platform} statement (a device that is not PCI) sets this field with
   * ({@code kind fsl-mc}), or empty: the name is the statement's own, and PCI-only fields it lacks.
   */
  public Optional<String> platformTestAttribute() {
    return switch (this) {
      case DEVICE_KIND, DEVICE_HID, DEVICE_DRIVER, DEVICE_GROUP -> Optional.of(name);
      default -> Optional.empty();
    };
  }

  /** The largest number a test may give an integer device attribute: its width, within a Java int. */
  public long testMax() {
    return Math.min((1L << bits()) - 1, Integer.MAX_VALUE);
  }

  // ---- lookup --------------------------------------------------------------------------------------

  private static final Field[] ALL = values();

  /** The field {@code scope.name}, if there is one. */
  public static Optional<Field> of(Scope scope, String name) {
    for (Field f : ALL) {
      if (f.scope == scope && f.name.equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The field a test's {@code device} statement sets with {@code attribute}. */
  public static Optional<Field> ofTestAttribute(String attribute) {
    for (Field f : ALL) {
      if (f.testAttribute().filter(attribute::equals).isPresent()) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The field a test's {@code platform} statement sets with {@code attribute}. */
  public static Optional<Field> ofPlatformTestAttribute(String attribute) {
    for (Field f : ALL) {
      if (f.platformTestAttribute().filter(attribute::equals).isPresent()) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The fields of {@code scope}, in this table's order. */
  public static List<Field> of(Scope scope) {
    return Arrays.stream(ALL).filter(f -> f.scope == scope).toList();
  }

  /** The fields of {@code kind}, in this table's order; {@link #slot()} is the index in this list. */
  public static List<Field> of(Kind kind) {
    return Arrays.stream(ALL).filter(f -> f.kind() == kind).toList();
  }

  private static final int[] SLOTS = new int[ALL.length];

  static {
    int[] next = new int[Kind.values().length];
    for (Field f : ALL) {
      SLOTS[f.ordinal()] = next[f.kind().ordinal()]++;
    }
  }

  /** This field's index among the fields of its kind: for arrays with one entry per integer (enum, …) field. */
  public int slot() {
    return SLOTS[ordinal()];
  }
}
