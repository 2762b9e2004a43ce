package dev.resvc.runtime.model;

import dev.resvc.runtime.range.U64;

/**
 * A PCI function address, {@code segment:bus:device.function} ({@code 0000:00:14.0}), as Linux
 * names PCI devices in sysfs.
 */
public record PciAddress(int segment, int bus, int device, int function) implements Comparable<PciAddress> {
  public PciAddress {
    if (segment < 0 || segment > 0xffff) {
      throw new IllegalArgumentException("PCI segment " + segment + " is out of range 0..0xffff");
    }
    if (bus < 0 || bus > 0xff) {
      throw new IllegalArgumentException("PCI bus " + bus + " is out of range 0..0xff");
    }
    if (device < 0 || device > 31) {
      throw new IllegalArgumentException("PCI device " + device + " is out of range 0..31 (0x00..0x1f)");
    }
    if (function < 0 || function > 7) {
      throw new IllegalArgumentException("PCI function " + function + " is out of range 0..7");
    }
  }

  public static PciAddress of(int segment, int bus, int device, int function) {
    return new PciAddress(segment, bus, device, function);
  }

  /**
   * Parses {@code SSSS:BB:DD.F} or {@code BB:DD.F} (segment 0), hex digits, case-insensitive.
   *
   * @throws IllegalArgumentException naming what is wrong, fit to show a user
   */
  public static PciAddress parse(String text) {
    String t = text.strip();
    String[] colon = t.split(":", -1);
    if (colon.length != 2 && colon.length != 3) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a PCI address (expected SSSS:BB:DD.F or BB:DD.F, e.g. 0000:00:14.0)");
    }
    String segmentText = colon.length == 3 ? colon[0] : "0";
    String busText = colon[colon.length - 2];
    String[] devFn = colon[colon.length - 1].split("\\.", -1);
    if (devFn.length != 2) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a PCI address: expected DD.F after the bus, e.g. 00:14.0");
    }
    int segment = hexField(text, "segment", segmentText, 4);
    int bus = hexField(text, "bus", busText, 2);
    int device = hexField(text, "device", devFn[0], 2);
    int function = hexField(text, "function", devFn[1], 1);
    if (device > 31) {
      throw new IllegalArgumentException(
          "'" + text + "': device 0x" + Integer.toHexString(device) + " is above 0x1f (31)");
    }
    if (function > 7) {
      throw new IllegalArgumentException("'" + text + "': function " + function + " is above 7");
    }
    return new PciAddress(segment, bus, device, function);
  }

  private static int hexField(String whole, String what, String digits, int maxDigits) {
    if (digits.isEmpty() || digits.length() > maxDigits) {
      throw new IllegalArgumentException(
          "'" + whole + "' is not a PCI address: the " + what + " must be 1 to " + maxDigits + " hex digits");
    }
    int value = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = Character.digit(digits.charAt(i), 16);
      if (d < 0) {
        throw new IllegalArgumentException(
            "'" + whole + "' is not a PCI address: '" + digits + "' is not a hex " + what);
      }
      value = value * 16 + d;
    }
    return value;
  }

  /** The 16-bit requester id {@code bus << 8 | device << 3 | function}. */
  public int requesterId() {
    return bus << 8 | device << 3 | function;
  }

  /** {@code 0000:00:14.0}, as sysfs names the device. */
  @Override
  public String toString() {
    // By hand rather than String.format, whose format-string parsing showed in the verdicts of hosts
    // whose refusals name devices (HostBench).
    return U64.digits(segment, 4) + ':' + toShortString(bus, device, function);
  }

  /** {@code 00:14.0}, dropping segment 0. */
  public String toShortString() {
    return segment == 0 ? toShortString(bus, device, function) : toString();
  }

  private static String toShortString(int bus, int device, int function) {
    return U64.digits(bus, 2) + ':' + U64.digits(device, 2) + '.' + Integer.toHexString(function);
  }

  @Override
  public int compareTo(PciAddress o) {
    int c = Integer.compare(segment, o.segment);
    if (c == 0) c = Integer.compare(bus, o.bus);
    if (c == 0) c = Integer.compare(device, o.device);
    if (c == 0) c = Integer.compare(function, o.function);
    return c;
  }
}
