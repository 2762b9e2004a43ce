package dev.resvc.compiler.check;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.AcpiNode;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.DeviceKind;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;

/**
 * Values of {@link Field}s, written one field at a time, and the device, region, guest range and kernel
 * they make: how the analyser writes a witness and a test's {@code device} or {@code platform} statement
 * a device. The one place that knows which constructor argument each field is; a field written here reads back through {@link
 * Field#read} (FieldTableTest). Immutable: {@link #with} returns a copy.
 */
public final class FieldValues {
  /** Nothing written: every field takes its default (0, false, the first constant, no driver). */
  public static final FieldValues NONE = new FieldValues(new Object[Field.values().length]);

  private final Object[] values;

  private FieldValues(Object[] values) {
    this.values = values;
  }

  /**
   * These values with {@code field} set to {@code value}: a number ({@link Long} or {@link Integer})
   * for an integer field (for the size, its length in bytes; a size given with the end is ignored), the
   * runtime enum constant for an enum field, {@link Prot} bits as a number for a flag field, a String,
   * a {@link PciAddress} or a Boolean.
   */
  public FieldValues with(Field field, Object value) {
    Object[] copy = values.clone();
    copy[field.ordinal()] = value;
    return new FieldValues(copy);
  }

  public boolean isSet(Field field) {
    return values[field.ordinal()] != null;
  }

  /** A number written for {@code field}, or 0. */
  public long number(Field field) {
    Object v = values[field.ordinal()];
    return v == null ? 0 : ((Number) v).longValue();
  }

  private <T> T get(Field field, Class<T> type, T otherwise) {
    Object v = values[field.ordinal()];
    return v == null ? otherwise : type.cast(v);
  }

  /**
   * The device: a PCI function below {@code upstream} (the bridges above it, nearest last) when the kind
   * written is {@code pci}, or none is and neither a name nor a HID is (those make a platform device);
   * else a device on the kind's bus with the name written (else {@link #PLATFORM_NAME}) and, when a HID
   * is written, an ACPI object of its own with that _HID. An empty driver is none.
   */
  public Device device(List<PciAddress> upstream) {
    DeviceKind kind = get(Field.DEVICE_KIND, DeviceKind.class,
        isSet(Field.DEVICE_NAME) || isSet(Field.DEVICE_HID) ? DeviceKind.PLATFORM : DeviceKind.PCI);
    if (kind != DeviceKind.PCI) {
      String name = get(Field.DEVICE_NAME, String.class, "");
      Optional<AcpiNode> node = Optional.ofNullable(get(Field.DEVICE_HID, String.class, null))
          .map(hid -> AcpiNode.own(ACPI_PATH, hid, Optional.empty()));
      String driver = get(Field.DEVICE_DRIVER, String.class, "");
      return new PlatformDevice(name.isEmpty() ? PLATFORM_NAME : name, kind.resvName(),
          driver.isEmpty() ? Optional.empty() : Optional.of(driver), node);
    }
    return pciDevice(upstream);
  }

  /** The PCI function below {@code upstream} (the bridges above it, nearest last), whatever kind is written. */
  public PciDevice pciDevice(List<PciAddress> upstream) {
    String driver = get(Field.DEVICE_DRIVER, String.class, "");
    return new PciDevice(
        get(Field.DEVICE_BDF, PciAddress.class, PciAddress.of(0, 0, 0, 0)),
        (int) number(Field.DEVICE_VENDOR),
        (int) number(Field.DEVICE_ID),
        (int) number(Field.DEVICE_SUBSYSTEM_VENDOR),
        (int) number(Field.DEVICE_SUBSYSTEM_DEVICE),
        (int) number(Field.DEVICE_CLASS),
        driver.isEmpty() ? Optional.empty() : Optional.of(driver),
        get(Field.DEVICE_BRIDGE, Boolean.class, false),
        upstream);
  }

  /** The name of a device that is not PCI when none is written. */
  private static final String PLATFORM_NAME = "platform0";

  /** The ACPI path of the companion a written HID gives a device: policies test the HID, never the path. */
  private static final String ACPI_PATH = "\\_SB_.DEV0";

  public int group() {
    return (int) number(Field.DEVICE_GROUP);
  }

  /** The region from its start and end (wrapping: an end below the start covers nothing), or start and size. */
  public Region region() {
    long start = number(Field.REGION_START);
    long length = isSet(Field.REGION_END) || !isSet(Field.REGION_SIZE)
        ? number(Field.REGION_END) - start + 1 : number(Field.REGION_SIZE);
    int prot = (int) number(Field.REGION_PROT);
    return new Region(start, length, get(Field.REGION_TYPE, RegionType.class, RegionType.values()[0]),
        prot == 0 ? Prot.NONE : new Prot(prot), get(Field.REGION_SOURCE, RegionSource.class, RegionSource.values()[0]));
  }

  /**
   * The kernel: fields not written are {@link TargetKernel#newest()}'s (the newest release, {@code
   * vfio-type1}, no driver, MSIs isolated); a version is a {@link KernelRelease#key()}.
   */
  public TargetKernel kernel() {
    TargetKernel newest = TargetKernel.newest();
    return new TargetKernel(
        isSet(Field.KERNEL_VERSION) ? KernelRelease.ofKey(number(Field.KERNEL_VERSION)) : newest.release(),
        get(Field.KERNEL_BACKEND, Backend.class, newest.backend()),
        Optional.ofNullable(get(Field.KERNEL_DRIVER, IommuDriver.class, null)),
        get(Field.HOST_MSI_ISOLATED, Boolean.class, newest.msiIsolated()),
        newest.allowUnsafeInterrupts(), List.of());
  }

  /** The guest range; without an end, it ends where it starts (a range is never inverted). */
  public GuestRange guest() {
    long start = number(Field.GUEST_START);
    long end = isSet(Field.GUEST_END) ? number(Field.GUEST_END) : start;
    return new GuestRange(get(Field.GUEST_NAME, String.class, ""),
        get(Field.GUEST_KIND, GuestKind.class, GuestKind.values()[0]), new AddressRange(start, end));
  }
}
