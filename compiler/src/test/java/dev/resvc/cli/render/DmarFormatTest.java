package dev.resvc.cli.render;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.resvc.runtime.firmware.DmarBuilder.scope;

import dev.resvc.runtime.firmware.DmarBuilder;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarStructure;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every corpus DMAR table prints exactly its {@code expected.txt}, and its JSON carries every structure. */
class DmarFormatTest {
  private static final String HP_DL360 = "hewlett-packard-proliant-dl360-g7-60dcee46526a";
  private static final String FRAMEWORK_13 = "framework-laptop-13-717edb7c4975";

  @TestFactory
  Stream<DynamicTest> everyCorpusTableMatchesExpectedText() {
    return Corpus.machines(Corpus.dmarDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    DmarTable table = DmarReader.read(Files.readAllBytes(dir.resolve("DMAR.bin")), "DMAR.bin", true).value();
    String expected = Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8);
    assertWithMessage(dir.toString()).that(DmarFormat.text(table)).isEqualTo(expected);
  }

  private static DmarTable read(byte[] data) throws InputException {
    return DmarReader.read(data, "DMAR.bin", false).value();
  }

  @Test
  void scopesPrintTheirKindBusAndPath() throws Exception {
    DmarTable t = read(Corpus.dmar(HP_DL360));
    assertThat(DmarFormat.scope(t.rmrrs().get(2).scopes().get(0))).isEqualTo("pci-endpoint@00:01.0/00.0");
    DmarStructure.Satc satc = (DmarStructure.Satc) read(Corpus.dmar(FRAMEWORK_13)).structures().get(2);
    assertThat(satc.scopes().stream().map(DmarFormat::scope).toList())
        .containsExactly("pci-endpoint@00:02.0", "pci-endpoint@00:0b.0").inOrder();
  }

  @Test
  void scopeKindsAndEnumerationIds() throws Exception {
    DmarTable t = read(DmarBuilder.dmar()
        .drhd(0, 1, 0xfed91000L, scope(5, 7, 0, 0x15, 1), scope(4, 0, 0, 0x1f, 0), scope(9, 3, 2, 0, 0),
            scope(1, 0, 0x80))
        .build());
    DmarStructure.Drhd d = t.drhds().get(0);
    assertThat(d.scopes().stream().map(DmarFormat::scope).toList())
        .containsExactly("acpi-namespace#07@00:15.1", "hpet#00@00:1f.0", "type9@02:00.0", "pci-endpoint@80")
        .inOrder();
    assertThat(DmarFormat.text(t)).contains("drhd flags=0x00 segment=0x0001 base=0x00000000fed91000 scopes=");
  }

  @Test
  void otherStructuresAndABadChecksumPrintAsSuch() throws Exception {
    byte[] data = Corpus.dmar(FRAMEWORK_13);
    assertThat(DmarFormat.text(read(data)))
        .endsWith("other type=0x0005 length=0x0018\nother type=0x0006 length=0x0018\n");
    data[10] ^= 0x01;
    assertThat(DmarFormat.text(read(data))).startsWith("dmar length=0x98 revision=0x01 checksum=bad ");
  }

  @Test
  void jsonHasEveryDecodedField() throws Exception {
    String json = DmarFormat.json(read(Corpus.dmar(HP_DL360))).toString();
    assertThat(json).contains("\"oem_id\": ");
    assertThat(json).contains("\"register_base\": \"0x00000000e7ffe000\"");
    assertThat(json).contains("\"base_address\": \"0x00000000df61e000\"");
    assertThat(json).contains("\"end_address\": \"0x00000000df61ffff\"");
    assertThat(json).contains("\"text\": \"pci-endpoint@00:01.0/00.0\"");
    assertThat(json).contains("\"kind\": \"atsr\"");
  }

  @Test
  void jsonCarriesEveryScopeOfTheCorpus() throws Exception {
    for (Path dir : Corpus.machines(Corpus.dmarDir())) {
      DmarTable table = DmarReader.read(Files.readAllBytes(dir.resolve("DMAR.bin")), "DMAR.bin", false).value();
      String json = DmarFormat.json(table).toString();
      int scopes = 0;
      for (DmarStructure s : table.structures()) {
        scopes += s.scopes().size();
      }
      assertWithMessage(dir.toString()).that(count(json, "\"start_bus\"")).isEqualTo(scopes);
      assertWithMessage(dir.toString()).that(count(json, "\"kind\": \"rmrr\"")).isEqualTo(table.rmrrs().size());
      assertWithMessage(dir.toString()).that(json).contains("\"signature\": \"DMAR\"");
    }
  }

  static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
