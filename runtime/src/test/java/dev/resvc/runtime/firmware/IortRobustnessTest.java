package dev.resvc.runtime.firmware;

import dev.resvc.runtime.kernel.ArmRegionBuilder;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import dev.resvc.runtime.testing.TableFuzz;
import java.util.List;
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

  private static final TableFuzz.Decoder DECODER = (data, strict, json, notes) -> {
    IortTable table = Notes.keep(IortReader.read(data, "fuzz.bin", strict), notes);
    ArmRegionBuilder b = ArmRegionBuilder.of(table, TargetKernel.NEWEST, "fuzz.bin");
    for (IortNode n : table.nodes()) {
      if (n instanceof IortNode.SmmuV3 || n instanceof IortNode.Smmu) {
        Notes.keep(b.regionsForStreams(n.offset(), List.of(0L, 6L, 0x100L, 0xffffffffL)), notes);
      } else if (n instanceof IortNode.NamedComponent c) {
        Notes.keep(b.streamsForNamedComponent(c.deviceName()), notes);
      } else if (n instanceof IortNode.RootComplex r) {
        Notes.keep(b.streamsForPci(PciAddress.of((int) (r.pciSegment() & 0xffff), 1, 0, 0)), notes);
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
