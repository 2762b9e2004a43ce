package dev.resvc.cli.render;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import dev.resvc.runtime.testing.TableFuzz;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Whatever table a reader accepts, however damaged, prints as text and JSON without an unchecked
 * exception: the runtime's robustness tests damage the same corpus tables for the readers alone.
 */
class TableFormatRobustnessTest {
  private static final List<byte[]> DMAR = tables(Corpus.dmarDir(), "DMAR.bin");
  private static final List<byte[]> IVRS = tables(Corpus.ivrsDir(), "IVRS.bin");
  private static final List<byte[]> IORT = tables(Corpus.iortDir(), "IORT.bin");
  /** Structure, block and node types and lengths are the interesting targets. */
  private static final int[] INTERESTING = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x11, 0x18, 0x20, 0x21, 0x22, 0x28,
    0x40, 0x43, 0x48, 0x51, 0x7f, 0x80, 0xf0, 0xff};

  private static final TableFuzz.Decoder DMAR_FORMATS = (data, strict, json, notes) -> {
    var table = Notes.keep(DmarReader.read(data, "fuzz.bin", strict), notes);
    DmarFormat.text(table);
    if (json) {
      DmarFormat.json(table).toString();
    }
  };
  private static final TableFuzz.Decoder IVRS_FORMATS = (data, strict, json, notes) -> {
    var table = Notes.keep(IvrsReader.read(data, "fuzz.bin", strict), notes);
    IvrsFormat.text(table);
    if (json) {
      IvrsFormat.json(table).toString();
    }
  };
  private static final TableFuzz.Decoder IORT_FORMATS = (data, strict, json, notes) -> {
    var table = Notes.keep(IortReader.read(data, "fuzz.bin", strict), notes);
    IortFormat.text(table);
    if (json) {
      IortFormat.json(table).toString();
    }
  };

  private static List<byte[]> tables(Path dir, String file) {
    return Corpus.machines(dir).stream().map(d -> Corpus.read(d.resolve(file))).toList();
  }

  @Test
  void everyTruncationOfEveryCorpusTable() {
    TableFuzz.everyTruncation(DMAR, DMAR_FORMATS);
    TableFuzz.everyTruncation(IVRS, IVRS_FORMATS);
    TableFuzz.everyTruncation(IORT, IORT_FORMATS);
  }

  @Test
  void everySingleByteChangeOfEveryCorpusTable() {
    TableFuzz.everySingleByteChange(DMAR, DMAR_FORMATS);
    TableFuzz.everySingleByteChange(IVRS, IVRS_FORMATS);
    TableFuzz.everySingleByteChange(IORT, IORT_FORMATS);
  }

  @Property(tries = 3000)
  void randomlyMutatedDmarTables(@ForAll @IntRange(min = 0, max = 19) int machine, @ForAll long seed) {
    TableFuzz.randomEdits(DMAR.get(machine % DMAR.size()), seed, INTERESTING, DMAR_FORMATS);
  }

  @Property(tries = 3000)
  void randomlyMutatedIvrsTables(@ForAll @IntRange(min = 0, max = 4) int machine, @ForAll long seed) {
    TableFuzz.randomEdits(IVRS.get(machine % IVRS.size()), seed, INTERESTING, IVRS_FORMATS);
  }

  @Property(tries = 3000)
  void randomlyMutatedIortTables(@ForAll long seed) {
    TableFuzz.randomEdits(IORT.get(0), seed, INTERESTING, IORT_FORMATS);
  }
}
