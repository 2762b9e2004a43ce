package dev.resvc.runtime.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A PCI function as sysfs describes it, with its place in the topology: the chain of bridges above
 * it, from the root bus down. The chain is what decides whether an RMRR scope naming a bridge
 * covers this device ({@code is_downstream_to_pci_bridge}) and which path a DMAR scope must spell.
 */
public record PciDevice(
    PciAddress address,
    int vendor,
    int deviceId,
    int subsystemVendor,
    int subsystemDevice,
    int classCode,
    Optional<String> driver,
    boolean bridge,
    List<PciAddress> upstreamBridges) implements Device {

  public PciDevice {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(driver, "driver");
    upstreamBridges = List.copyOf(upstreamBridges);
    check16("vendor", vendor);
    check16("device id", deviceId);
    check16("subsystem vendor", subsystemVendor);
    check16("subsystem device", subsystemDevice);
    if (classCode < 0 || classCode > 0xffffff) {
      throw new IllegalArgumentException("class code 0x" + Integer.toHexString(classCode) + " is wider than 24 bits");
    }
  }

  private static void check16(String what, int value) {
    if (value < 0 || value > 0xffff) {
      throw new IllegalArgumentException(what + " 0x" + Integer.toHexString(value) + " is wider than 16 bits");
    }
  }

  /** A device on a root bus with no bridge above it, no subsystem ids and no driver. */
  public static PciDevice simple(PciAddress address, int vendor, int deviceId, int classCode) {
    return new PciDevice(address, vendor, deviceId, 0, 0, classCode, Optional.empty(),
        PciClasses.isBridgeClass(classCode), List.of());
  }

  /** The address as the kernel names the device ({@code 0000:00:14.0}). */
  @Override
  public String name() {
    return address.toString();
  }

  @Override
  public String bus() {
    return "pci";
  }

  /** True if {@code bridge} is one of the bridges above this device (not the device itself). */
  public boolean isDownstreamOf(PciAddress bridge) {
    return upstreamBridges.contains(bridge);
  }

  /** The bus number of the root bus this device hangs from (the first hop of a DMAR scope path). */
  public int rootBus() {
    return upstreamBridges.isEmpty() ? address.bus() : upstreamBridges.get(0).bus();
  }

  public int baseClass() {
    return classCode >>> 16;
  }

  public int subClass() {
    return (classCode >>> 8) & 0xff;
  }

  public int progIf() {
    return classCode & 0xff;
  }

  @Override
  public String toString() {
    return address + String.format(" [%04x:%04x] class %06x", vendor, deviceId, classCode);
  }
}
