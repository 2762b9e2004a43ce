package dev.resvc.runtime.firmware;

import java.util.Objects;

/**
 * One device entry of an IVHD block: which requester ids (device ids, {@code bus << 8 | devfn}) an
 * AMD IOMMU translates, and with which settings. A sealed family so that every kind the kernel's
 * {@code init_iommu_from_acpi} (drivers/iommu/amd/init.c) knows is decoded, and entries of other types
 * are kept with the length the kernel's {@code ivhd_entry_length} gives them.
 *
 * <p>Lengths follow {@code ivhd_entry_length}: a type below 0x80 is {@code 4 << (type >> 6)} bytes (4
 * for 0x00-0x3f, 8 for 0x40-0x7f); ACPI HID (0xf0) is 22 bytes plus its UID length.
 */
public sealed interface IvhdDeviceEntry {
  /** {@code IVHD_DEV_PAD}: 4 bytes of padding. */
  int TYPE_PAD = 0x00;
  /** {@code IVHD_DEV_ALL}. */
  int TYPE_ALL = 0x01;
  /** {@code IVHD_DEV_SELECT}. */
  int TYPE_SELECT = 0x02;
  /** {@code IVHD_DEV_SELECT_RANGE_START}. */
  int TYPE_RANGE_START = 0x03;
  /** {@code IVHD_DEV_RANGE_END}. */
  int TYPE_RANGE_END = 0x04;
  /** {@code IVHD_DEV_ALIAS}. */
  int TYPE_ALIAS_SELECT = 0x42;
  /** {@code IVHD_DEV_ALIAS_RANGE}. */
  int TYPE_ALIAS_RANGE_START = 0x43;
  /** {@code IVHD_DEV_EXT_SELECT}. */
  int TYPE_EXT_SELECT = 0x46;
  /** {@code IVHD_DEV_EXT_SELECT_RANGE}. */
  int TYPE_EXT_RANGE_START = 0x47;
  /** {@code IVHD_DEV_SPECIAL}. */
  int TYPE_SPECIAL = 0x48;
  /** {@code IVHD_DEV_ACPI_HID}. */
  int TYPE_ACPI_HID = 0xf0;

  /** The entry's byte offset in the table. */
  long offset();

  /** The type byte. */
  int type();

  /** The entry's length in bytes. */
  int length();

  /** The DeviceId field (u16 at entry offset 1). */
  int deviceId();

  /** The DTE setting byte (entry offset 3): INITPass, EIntPass, NMIPass, SysMgt, Lint0, Lint1. */
  int settings();

  /** Type 0: padding; the kernel skips it. */
  record Pad(long offset, int deviceId, int settings) implements IvhdDeviceEntry {
    @Override
    public int type() {
      return TYPE_PAD;
    }

    @Override
    public int length() {
      return 4;
    }
  }

  /** Type 1: every device id of the segment, up to its last_bdf. */
  record All(long offset, int deviceId, int settings) implements IvhdDeviceEntry {
    @Override
    public int type() {
      return TYPE_ALL;
    }

    @Override
    public int length() {
      return 4;
    }
  }

  /** Type 2: one device id. */
  record Select(long offset, int deviceId, int settings) implements IvhdDeviceEntry {
    @Override
    public int type() {
      return TYPE_SELECT;
    }

    @Override
    public int length() {
      return 4;
    }
  }

  /** Type 3: the first device id of a range that a later {@link RangeEnd} closes. */
  record RangeStart(long offset, int deviceId, int settings) implements IvhdDeviceEntry {
    @Override
    public int type() {
      return TYPE_RANGE_START;
    }

    @Override
    public int length() {
      return 4;
    }
  }

  /** Type 4: the last device id of the range opened by the previous range-start entry. */
  record RangeEnd(long offset, int deviceId, int settings) implements IvhdDeviceEntry {
    @Override
    public int type() {
      return TYPE_RANGE_END;
    }

    @Override
    public int length() {
      return 4;
    }
  }

  /**
   * Types 0x42 (one device) and 0x43 (start of a range): the devices' DMA appears with requester id
   * {@code sourceDeviceId} (u16 at entry offset 5).
   */
  record Alias(long offset, int type, int deviceId, int settings, int sourceDeviceId) implements IvhdDeviceEntry {
    public Alias {
      if (type != TYPE_ALIAS_SELECT && type != TYPE_ALIAS_RANGE_START) {
        throw new IllegalArgumentException("alias entry type 0x" + Integer.toHexString(type));
      }
    }

    @Override
    public int length() {
      return 8;
    }

    public boolean isRangeStart() {
      return type == TYPE_ALIAS_RANGE_START;
    }
  }

  /** Types 0x46 (one device) and 0x47 (start of a range), with the u32 extended setting at offset 4. */
  record Extended(long offset, int type, int deviceId, int settings, long extendedSettings)
      implements IvhdDeviceEntry {
    public Extended {
      if (type != TYPE_EXT_SELECT && type != TYPE_EXT_RANGE_START) {
        throw new IllegalArgumentException("extended entry type 0x" + Integer.toHexString(type));
      }
    }

    @Override
    public int length() {
      return 8;
    }

    public boolean isRangeStart() {
      return type == TYPE_EXT_RANGE_START;
    }
  }

  /**
   * Type 0x48: an IOAPIC (variety 1) or HPET (variety 2) with its id ({@code handle}) and the requester
   * id its interrupts carry ({@code sourceDeviceId}).
   */
  record Special(long offset, int deviceId, int settings, int handle, int sourceDeviceId, int variety)
      implements IvhdDeviceEntry {
    public static final int IOAPIC = 1;
    public static final int HPET = 2;

    @Override
    public int type() {
      return TYPE_SPECIAL;
    }

    @Override
    public int length() {
      return 8;
    }

    /** {@code ioapic}, {@code hpet} or {@code variety<N>}. */
    public String varietyName() {
      return switch (variety) {
        case IOAPIC -> "ioapic";
        case HPET -> "hpet";
        default -> "variety" + variety;
      };
    }
  }

  /**
   * Type 0xf0: an ACPI device named by HID (8 characters at offset 4), CID (u64 at 12) and UID
   * (format at 20: 0 none, 1 integer, 2 characters; length at 21; the bytes from 22). Strings are kept
   * exactly as stored (ISO-8859-1).
   */
  record AcpiHid(long offset, int deviceId, int settings, String hid, long cid, int uidFormat, String uid)
      implements IvhdDeviceEntry {
    /** Bytes before the UID. */
    public static final int FIXED_LENGTH = 22;

    public AcpiHid {
      Objects.requireNonNull(hid, "hid");
      Objects.requireNonNull(uid, "uid");
      if (uid.length() > 0xff) {
        throw new IllegalArgumentException("UID longer than 255 bytes");
      }
    }

    @Override
    public int type() {
      return TYPE_ACPI_HID;
    }

    @Override
    public int length() {
      return FIXED_LENGTH + uid.length();
    }

    public int uidLength() {
      return uid.length();
    }
  }

  /** Any other type below 0x80, kept with the length the kernel gives it; the kernel ignores it. */
  record Unknown(long offset, int type, int deviceId, int settings) implements IvhdDeviceEntry {
    @Override
    public int length() {
      return lengthOfFixedType(type);
    }
  }

  /** {@code ivhd_entry_length} for a type below 0x80. */
  static int lengthOfFixedType(int type) {
    return 4 << (type >> 6);
  }
}
