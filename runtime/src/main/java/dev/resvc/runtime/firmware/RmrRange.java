package dev.resvc.runtime.firmware;

/**
 * One memory range descriptor of an IORT RMR node, exactly as stored (not aligned, not checked):
 * what the kernel turns into a direct-mapped reserved region.
 *
 * @param base the base address (u64)
 * @param length the length in bytes (u64); 0 is possible and the kernel keeps it
 */
public record RmrRange(long base, long length) {
  /** Size of one descriptor in bytes: base, length and a reserved u32. */
  public static final int SIZE = 20;
}
