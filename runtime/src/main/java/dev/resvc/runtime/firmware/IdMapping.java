package dev.resvc.runtime.firmware;

/**
 * One IORT ID mapping: input IDs {@code [inputBase, inputBase + idCount]} of a node become output IDs
 * from {@code outputBase} on, in the node at {@code outputReference}. It is how a requester ID turns
 * into a stream ID and how an RMR names the streams it belongs to.
 *
 * <p>All fields are u32 as stored. {@code idCount} is the number of IDs <em>minus one</em>, as the
 * spec defines it (firmware often gets this wrong; the kernel copes, see {@code iort_id_map}).
 *
 * @param outputReference the offset, from the table start, of the node the IDs go to
 * @param flags bit 0: single mapping (the input ID is ignored; {@code outputBase} is the only output)
 */
public record IdMapping(long inputBase, long idCount, long outputBase, long outputReference, long flags) {
  /** Size of one mapping in bytes. */
  public static final int SIZE = 20;

  /** Flag bit 0, {@code ACPI_IORT_ID_SINGLE_MAPPING}. */
  public boolean singleMapping() {
    return (flags & 1) != 0;
  }
}
