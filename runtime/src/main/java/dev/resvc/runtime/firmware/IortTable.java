package dev.resvc.runtime.firmware;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded IORT (Arm IO remapping) table: which SMMU each device's stream IDs go to, and the RMR
 * nodes that make the Arm kernel create direct-mapped reserved regions.
 *
 * @param nodeCount the node count from the header (u32), equal to {@code nodes().size()}
 * @param nodeOffset the node array's offset from the table start
 * @param nodes the nodes in table order
 */
public record IortTable(AcpiHeader header, long nodeCount, long nodeOffset, List<IortNode> nodes) {
  public IortTable {
    Objects.requireNonNull(header, "header");
    nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
  }

  /** The node starting at {@code offset} (what an ID mapping's output reference names), if any. */
  public Optional<IortNode> nodeAt(long offset) {
    return nodes.stream().filter(n -> n.offset() == offset).findFirst();
  }

  /** The nodes of one kind, in table order. */
  public <T extends IortNode> List<T> nodes(Class<T> kind) {
    return nodes.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The RMR nodes, in table order. */
  public List<IortNode.Rmr> rmrs() {
    return nodes(IortNode.Rmr.class);
  }
}
