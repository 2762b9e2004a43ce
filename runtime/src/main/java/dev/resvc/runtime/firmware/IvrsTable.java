package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;

/**
 * A decoded IVRS (AMD I/O virtualization reporting structure) table: the source of the IVMD unity
 * maps and exclusion ranges, and so of the direct-mapped reserved regions on AMD hosts.
 *
 * @param ivinfo the IVinfo u32 at offset 36 (virtual/physical address sizes, EFR support bit)
 * @param reserved the u64 at offset 40
 * @param blocks the blocks in table order
 */
public record IvrsTable(AcpiHeader header, long ivinfo, long reserved, List<IvrsBlock> blocks) {
  public IvrsTable {
    Objects.requireNonNull(header, "header");
    blocks = List.copyOf(Objects.requireNonNull(blocks, "blocks"));
  }

  /** The IVHD blocks in table order. */
  public List<IvrsBlock.Ivhd> ivhds() {
    return blocks.stream().filter(IvrsBlock.Ivhd.class::isInstance).map(IvrsBlock.Ivhd.class::cast).toList();
  }

  /** The IVMD blocks in table order (the kernel keeps its unity maps in this order). */
  public List<IvrsBlock.Ivmd> ivmds() {
    return blocks.stream().filter(IvrsBlock.Ivmd.class::isInstance).map(IvrsBlock.Ivmd.class::cast).toList();
  }
}
