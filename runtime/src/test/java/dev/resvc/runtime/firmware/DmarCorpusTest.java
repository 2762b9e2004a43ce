package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every corpus DMAR table decodes to exactly its {@code expected.txt}. */
class DmarCorpusTest {
  @TestFactory
  Stream<DynamicTest> everyCorpusTableMatchesExpectedText() {
    return Corpus.machines(Corpus.dmarDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    byte[] data = Files.readAllBytes(dir.resolve("DMAR.bin"));
    String expected = Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8);
    List<InputNote> notes = new ArrayList<>();
    DmarTable table = DmarReader.read(data, "DMAR.bin", true, notes);
    assertWithMessage(dir.toString()).that(DmarFormat.text(table)).isEqualTo(expected);
    assertWithMessage("notes for " + dir).that(notes).isEmpty();
  }

  @Test
  void corpusHasTwentyTables() throws IOException {
    assertThat(Corpus.machines(Corpus.dmarDir())).hasSize(20);
  }

  @Test
  void jsonCarriesEveryScopeOfTheCorpus() throws Exception {
    for (Path dir : Corpus.machines(Corpus.dmarDir())) {
      DmarTable table = DmarReader.read(Files.readAllBytes(dir.resolve("DMAR.bin")), "DMAR.bin", false, new ArrayList<>());
      String json = DmarFormat.json(table).toString();
      int scopes = 0;
      for (DmarStructure s : table.structures()) {
        scopes += s.scopes().size();
      }
      assertWithMessage(dir.toString()).that(count(json, "\"start_bus\"")).isEqualTo(scopes);
      assertWithMessage(dir.toString()).that(count(json, "\"kind\": \"rmrr\"")).isEqualTo(table.rmrrs().size());
    }
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
