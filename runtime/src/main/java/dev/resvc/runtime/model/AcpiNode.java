package dev.resvc.runtime.model;

import java.util.Objects;
import java.util.Optional;

/**
 * The ACPI device object behind a device, as sysfs shows it in the device's {@code firmware_node}
 * directory ({@code acpi_device_setup_files}, drivers/acpi/device_sysfs.c: {@code path} is the full
 * path name, {@code hid} the _HID, {@code uid} the _UID when the object has one).
 *
 * @param path the ACPI full path name ({@code \_SB_.MCE0}), which an IORT named component spells
 * @param hid the _HID ({@code AMDI0020}), which an IVHD ACPI-HID entry names; empty for an object
 *     without ids (sysfs then has no {@code hid} file)
 * @param uid the _UID, absent when the object has none
 * @param owner empty when the node is the device's own ({@code ACPI_COMPANION(dev)}); else the name of
 *     the nearest ancestor device that has one, which the IORT code walks up to
 *     ({@code iort_match_node_callback}) and the AMD code does not ({@code get_acpihid_device_id})
 */
public record AcpiNode(String path, String hid, Optional<String> uid, Optional<String> owner) {
  public AcpiNode {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(hid, "hid");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(owner, "owner");
  }

  /** The device's own node. */
  public static AcpiNode own(String path, String hid, Optional<String> uid) {
    return new AcpiNode(path, hid, uid, Optional.empty());
  }

  /** The same node seen from a descendant of {@code ownerName}. */
  public AcpiNode inheritedFrom(String ownerName) {
    return new AcpiNode(path, hid, uid, Optional.of(ownerName));
  }

  public boolean isOwn() {
    return owner.isEmpty();
  }
}
