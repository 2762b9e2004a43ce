package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every corpus IVRS table decodes strictly (its printed form is the compiler's IvrsFormatTest). */
class IvrsCorpusTest {
  @TestFactory
  Stream<DynamicTest> everyCorpusTableDecodesWithOnlyExpectedNotes() {
    return Corpus.machines(Corpus.ivrsDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    byte[] data = Files.readAllBytes(dir.resolve("IVRS.bin"));
    List<InputNote> notes = new ArrayList<>();
    IvrsTable table = Notes.keep(IvrsReader.read(data, "IVRS.bin", true), notes);
    assertWithMessage(dir.toString()).that(table.ivhds()).isNotEmpty();
    // the only notes on real tables are the skipped type-0x51 blocks
    for (InputNote n : notes) {
      assertWithMessage(dir + ": " + n.render()).that(n.level()).isEqualTo(InputNote.Level.NOTE);
      assertWithMessage(dir + ": " + n.render()).that(n.message()).contains("type 0x51");
    }
  }

  @Test
  void corpusHasFiveTables() throws IOException {
    assertThat(Corpus.machines(Corpus.ivrsDir())).hasSize(5);
  }

  @Test
  void everyIvhdOfTheCorpusIsCoveredByItsDeviceEntriesExactly() throws Exception {
    for (Path dir : Corpus.machines(Corpus.ivrsDir())) {
      IvrsTable table = IvrsReader.read(Files.readAllBytes(dir.resolve("IVRS.bin")), "IVRS.bin", false).value();
      for (IvrsBlock.Ivhd h : table.ivhds()) {
        int sum = IvrsBlock.Ivhd.headerLength(h.type());
        for (IvhdDeviceEntry e : h.entries()) {
          sum += e.length();
        }
        assertWithMessage(dir + " IVHD at " + h.offset()).that(sum).isEqualTo(h.length());
        assertWithMessage(dir.toString()).that(h.entries()).isNotEmpty();
      }
    }
  }
}
