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

/** Every corpus DMAR table decodes strictly, with no note (its printed form is the compiler's DmarFormatTest). */
class DmarCorpusTest {
  @TestFactory
  Stream<DynamicTest> everyCorpusTableDecodesWithoutNotes() {
    return Corpus.machines(Corpus.dmarDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    byte[] data = Files.readAllBytes(dir.resolve("DMAR.bin"));
    List<InputNote> notes = new ArrayList<>();
    DmarTable table = Notes.keep(DmarReader.read(data, "DMAR.bin", true), notes);
    assertWithMessage(dir.toString()).that(table.structures()).isNotEmpty();
    assertWithMessage("notes for " + dir).that(notes).isEmpty();
  }

  @Test
  void corpusHasTwentyTables() throws IOException {
    assertThat(Corpus.machines(Corpus.dmarDir())).hasSize(20);
  }
}
