package dev.resvc.compiler.check;

/** Integer-valued fields; comparisons on them are unsigned. */
public enum IntField {
  DEVICE_VENDOR(Scope.DEVICE, "vendor", 16),
  DEVICE_ID(Scope.DEVICE, "device_id", 16),
  DEVICE_SUBSYSTEM_VENDOR(Scope.DEVICE, "subsystem_vendor", 16),
  DEVICE_SUBSYSTEM_DEVICE(Scope.DEVICE, "subsystem_device", 16),
  DEVICE_CLASS(Scope.DEVICE, "class", 24),
  DEVICE_GROUP(Scope.DEVICE, "group", 32),
  REGION_START(Scope.REGION, "start", 64),
  REGION_END(Scope.REGION, "end", 64),
  /** Bytes covered: 0 for a region that covers nothing, up to 2^64 for the whole space. */
  REGION_SIZE(Scope.REGION, "size", 65),
  GUEST_START(Scope.GUEST, "start", 64),
  GUEST_END(Scope.GUEST, "end", 64);

  private final Scope scope;
  private final String name;
  private final int bits;

  IntField(Scope scope, String name, int bits) {
    this.scope = scope;
    this.name = name;
    this.bits = bits;
  }

  public Scope scope() {
    return scope;
  }

  public String fieldName() {
    return name;
  }

  /** The width of the field's values; a constant wider than this can never compare equal. */
  public int bits() {
    return bits;
  }

  /** {@code device.vendor}. */
  public String spelling() {
    return scope.word() + "." + name;
  }
}
