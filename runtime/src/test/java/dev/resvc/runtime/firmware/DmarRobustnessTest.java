package dev.resvc.runtime.firmware;

import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import dev.resvc.runtime.testing.TableFuzz;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Whatever the bytes, the DMAR reader yields a table or an InputException with a position inside the data. */
class DmarRobustnessTest {
  private static final List<byte[]> TABLES =
      Corpus.machines(Corpus.dmarDir()).stream().map(d -> Corpus.read(d.resolve("DMAR.bin"))).toList();
  /** Structure and scope types and lengths are the interesting targets. */
  private static final int[] INTERESTING = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x18, 0x7f, 0xff};

  private static final TableFuzz.Decoder DECODER = (data, strict, json, notes) -> {
    Notes.keep(DmarReader.read(data, "fuzz.bin", strict), notes);
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
  void randomlyMutatedCorpusTables(@ForAll @IntRange(min = 0, max = 19) int machine, @ForAll long seed) {
    TableFuzz.randomEdits(TABLES.get(machine % TABLES.size()), seed, INTERESTING, DECODER);
  }
}
