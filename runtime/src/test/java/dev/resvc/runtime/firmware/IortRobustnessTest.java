package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.kernel.ArmRegionBuilder;
import dev.resvc.runtime.kernel.PciDmaAliases;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import dev.resvc.runtime.testing.TableFuzz;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Whatever the bytes, the IORT reader yields a table or an InputException with a position inside the
 * data, and the Arm region builder accepts every table it yields.
 */
class IortRobustnessTest {
  private static final List<byte[]> TABLES =
      Corpus.machines(Corpus.iortDir()).stream().map(d -> Corpus.read(d.resolve("IORT.bin"))).toList();
  /** Node types, lengths and counts are the interesting targets. */
  private static final int[] INTERESTING = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x18, 0x7f, 0xff};

  /** ITS 0 to 3 (a changed byte may make an SMMUv3 a HiSilicon Hi161x and walk its ITS group). */
  private static final MadtTable MADT = read(MadtBuilder.gicIts(0, 0x30000000L, 1, 0x30020000L, 2, 0xffffffffffff0000L,
      3, 0));
  private static final PciAddress BRIDGE = PciAddress.of(0, 1, 0, 0);
  /** Aliases of a card behind a PCIe-to-PCI bridge: its own ID and (bus 2, devfn 0). */
  private static final Map<PciAddress, PciDmaAliases.BridgeKind> KINDS =
      Map.of(BRIDGE, PciDmaAliases.BridgeKind.PCIE_TO_PCI);

  private static MadtTable read(byte[] madt) {
    try {
      return MadtReader.read(madt, "APIC").value();
    } catch (InputException e) {
      throw new AssertionError(e);
    }
  }

  private static PciDevice behindPcieToPci(int segment) {
    return new PciDevice(PciAddress.of(segment, 2, 3, 0), 0x10b5, 0x9054, 0, 0, 0x028000, Optional.empty(), false,
        List.of(PciAddress.of(segment, 0, 0, 0), PciAddress.of(segment, 1, 0, 0)));
  }

  private static final TableFuzz.Decoder DECODER = (data, strict, json, notes) -> {
    IortTable table = Notes.keep(IortReader.read(data, "fuzz.bin", strict), notes);
    ArmRegionBuilder b = ArmRegionBuilder.of(table, TargetKernel.NEWEST, "fuzz.bin").withMadt(MADT);
    for (IortNode n : table.nodes()) {
      if (n instanceof IortNode.SmmuV3 || n instanceof IortNode.Smmu) {
        Notes.keep(b.regionsForStreams(n.offset(), List.of(0L, 6L, 0x100L, 0xffffffffL)), notes);
      } else if (n instanceof IortNode.NamedComponent c) {
        Notes.keep(b.streamsForNamedComponent(c.deviceName()), notes);
      } else if (n instanceof IortNode.RootComplex r) {
        Notes.keep(b.streamsForPci(PciAddress.of((int) (r.pciSegment() & 0xffff), 1, 0, 0)), notes);
        Notes.keep(b.regionsForPci(behindPcieToPci((int) (r.pciSegment() & 0xffff)), KINDS, true), notes);
      }
    }
  };

  @Test
  void everyTruncationOfTheCorpusTable() {
    TableFuzz.everyTruncation(TABLES, DECODER);
  }

  @Test
  void everySingleByteChangeOfTheCorpusTable() {
    TableFuzz.everySingleByteChange(TABLES, DECODER);
  }

  @Property(tries = 3000)
  void randomlyMutatedCorpusTable(@ForAll long seed) {
    TableFuzz.randomEdits(TABLES.get(0), seed, INTERESTING, DECODER);
  }
}
