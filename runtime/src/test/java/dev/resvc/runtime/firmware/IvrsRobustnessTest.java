package dev.resvc.runtime.firmware;

import dev.resvc.runtime.kernel.AmdRegionBuilder;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import dev.resvc.runtime.testing.TableFuzz;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Whatever the bytes, the IVRS reader yields a table or an InputException with a position inside the
 * data, and the AMD region builder accepts every table it yields.
 */
class IvrsRobustnessTest {
  private static final List<byte[]> TABLES =
      Corpus.machines(Corpus.ivrsDir()).stream().map(d -> Corpus.read(d.resolve("IVRS.bin"))).toList();
  /** Block and entry types and lengths are the interesting targets. */
  private static final int[] INTERESTING = {0, 1, 2, 3, 4, 5, 8, 0x10, 0x11, 0x18, 0x20, 0x21, 0x22, 0x28, 0x40,
    0x43, 0x48, 0x51, 0x7f, 0x80, 0xf0, 0xff};

  private static final TableFuzz.Decoder DECODER = (data, strict, json, notes) -> {
    IvrsTable table = Notes.keep(IvrsReader.read(data, "fuzz.bin", strict), notes);
    AmdRegionBuilder amd = Notes.keep(AmdRegionBuilder.from(table, TargetKernel.NEWEST, Optional.empty(), "fuzz.bin"), notes);
    amd.regionsFor(PciAddress.of(0, 0, 0, 0));
    amd.regionsFor(PciAddress.of(0, 0xff, 0x1f, 7));
  };

  @Test
  void everyTruncationOfEveryCorpusTable() {
    TableFuzz.everyTruncation(TABLES, DECODER);
  }

  @Test
  void everySingleByteChangeOfEveryCorpusTable() {
    TableFuzz.everySingleByteChange(TABLES, DECODER);
  }

  @Property(tries = 3000)
  void randomlyMutatedCorpusTables(@ForAll @IntRange(min = 0, max = 4) int machine, @ForAll long seed) {
    TableFuzz.randomEdits(TABLES.get(machine % TABLES.size()), seed, INTERESTING, DECODER);
  }
}
