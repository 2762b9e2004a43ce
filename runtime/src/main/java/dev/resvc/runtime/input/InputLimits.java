package dev.resvc.runtime.input;

/**
 * The most bytes resvc reads from one input of each kind. Inputs come from other people (policies,
 * snapshots, firmware tables from bug reports); a cap turns {@code /dev/zero} or a runaway file into
 * one clear error instead of an {@link OutOfMemoryError}. Each cap is far above any real input of its
 * kind; docs/diagnostics.md lists them.
 */
public enum InputLimits {
  /** A {@code .resv} policy file or an imported file (the largest shipped policy is a few KiB). */
  POLICY("a policy file", 4L << 20),
  /** An ACPI table (DMAR, IVRS, IORT, MADT): real ones are a few KiB; the length field is 32 bits. */
  ACPI_TABLE("an ACPI table", 4L << 20),
  /** One sysfs attribute ({@code reserved_regions}, {@code type}, {@code vendor}, ...): the kernel prints at most a page. */
  SYSFS_FILE("a sysfs file", 1L << 20),
  /** A region list, guest layout or other text input given on the command line. */
  TEXT_INPUT("a text input", 16L << 20);

  private final String what;
  private final long maxBytes;

  InputLimits(String what, long maxBytes) {
    this.what = what;
    this.maxBytes = maxBytes;
  }

  /** What the input is, for messages: "a policy file". */
  public String what() {
    return what;
  }

  /** The most bytes read from one input of this kind. */
  public long maxBytes() {
    return maxBytes;
  }

  /** The cap in the units a person reads: {@code 4 MiB}. */
  public String render() {
    return maxBytes % (1L << 20) == 0 ? (maxBytes >> 20) + " MiB" : maxBytes + " bytes";
  }
}
