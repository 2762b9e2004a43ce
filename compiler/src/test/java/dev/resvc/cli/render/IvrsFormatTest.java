package dev.resvc.cli.render;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.resvc.cli.render.DmarFormatTest.count;
import static dev.resvc.runtime.firmware.IvrsBuilder.entry4;

import dev.resvc.runtime.firmware.IvhdDeviceEntry;
import dev.resvc.runtime.firmware.IvrsBuilder;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.firmware.IvrsTable;
import dev.resvc.runtime.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every corpus IVRS table prints exactly its {@code expected.txt}, and its JSON carries every device entry. */
class IvrsFormatTest {
  @TestFactory
  Stream<DynamicTest> everyCorpusTableMatchesExpectedText() {
    return Corpus.machines(Corpus.ivrsDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    IvrsTable table = IvrsReader.read(Files.readAllBytes(dir.resolve("IVRS.bin")), "IVRS.bin", true).value();
    String expected = Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8);
    assertWithMessage(dir.toString()).that(IvrsFormat.text(table)).isEqualTo(expected);
  }

  @Test
  void textPrintsAllThreeIvmdDeviceForms() throws Exception {
    byte[] data = IvrsBuilder.ivrs()
        .ivhd(0x40, 0x30, 0x0002, 0, 0xfd200000L,
            entry4(IvhdDeviceEntry.TYPE_RANGE_START, 0x0003, 0), entry4(IvhdDeviceEntry.TYPE_RANGE_END, 0xfffe, 0))
        .ivmd(0x20, 0x01, 0, 0, 0, 0x1000, 0x2000)
        .ivmd(0x21, 0x07, 0x0060, 0, 0, 0x7d900000L, 0x100000)
        .ivmd(0x22, 0x08, 0x0100, 0x01ff, 0, 0x9618e000L, 1)
        .block(0x51, 0, 8, new byte[4])
        .build();
    assertThat(IvrsFormat.text(IvrsReader.read(data, "IVRS.bin", false).value())).isEqualTo(
        "ivrs length=0xc8 revision=0x02 checksum=ok ivinfo=0x00203043\n"
            + "ivhd type=0x40 flags=0x30 iommu=00:00.2 segment=0x0000 base=0x00000000fd200000\n"
            + "ivmd type=0x20 flags=0x01 devices=all start=0x0000000000001000 length=0x0000000000002000\n"
            + "ivmd type=0x21 flags=0x07 devices=00:0c.0 start=0x000000007d900000 length=0x0000000000100000\n"
            + "ivmd type=0x22 flags=0x08 devices=01:00.0-01:1f.7 start=0x000000009618e000 length=0x0000000000000001\n"
            + "other type=0x51 length=0x0008\n");
    data[10] ^= 0x01;
    assertThat(IvrsFormat.text(IvrsReader.read(data, "IVRS.bin", false).value()))
        .startsWith("ivrs length=0xc8 revision=0x02 checksum=bad ");
  }

  @Test
  void jsonCarriesEveryDeviceEntryOfTheCorpus() throws Exception {
    for (Path dir : Corpus.machines(Corpus.ivrsDir())) {
      IvrsTable table = IvrsReader.read(Files.readAllBytes(dir.resolve("IVRS.bin")), "IVRS.bin", false).value();
      String json = IvrsFormat.json(table).toString();
      int entries = table.ivhds().stream().mapToInt(h -> h.entries().size()).sum();
      assertWithMessage(dir.toString()).that(count(json, "\"settings\"")).isEqualTo(entries);
      assertWithMessage(dir.toString()).that(count(json, "\"kind\": \"ivmd\"")).isEqualTo(table.ivmds().size());
    }
  }
}
