package dev.resvc.cli.render;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.resvc.cli.render.DmarFormatTest.count;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;
import static dev.resvc.runtime.firmware.IortBuilder.single;

import dev.resvc.runtime.firmware.IortBuilder;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.testing.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The IORT summary and JSON: the corpus tables as {@code expected.txt} states them, and built tables. */
class IortFormatTest {
  private static final String ORION_O6 = "radxa-orion-o6-cix-sky1";
  private static final int SMMU = 0x30;

  private static IortTable read(byte[] data) throws InputException {
    return IortReader.read(data, "IORT.bin", false).value();
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusTableMatchesExpectedText() {
    return Corpus.machines(Corpus.iortDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    IortTable table = IortReader.read(Files.readAllBytes(dir.resolve("IORT.bin")), "IORT.bin", true).value();
    String expected = Files.readString(dir.resolve("expected.txt"), StandardCharsets.UTF_8);
    assertWithMessage(dir.toString()).that(IortFormat.text(table)).isEqualTo(expected);
  }

  @Test
  void smmuV3AndRmrWithSingleMappings() throws Exception {
    byte[] t = IortBuilder.iort(5)
        .smmuV3(0x0b010000L)
        .rmr(0x11, ranges(range(0x84800000L, 0x800000L)), single(6, SMMU), single(7, SMMU))
        .build();
    assertThat(IortFormat.text(read(t))).isEqualTo(
        "iort length=0xcc revision=0x05 checksum=ok nodes=2\n"
            + "smmuv3 offset=0x0030 base=0x000000000b010000\n"
            + "rmr offset=0x0074 revision=3 flags=0x00000011 remap_permitted=1 access_privileged=0 attributes=0x04"
            + " smmu=0x0030 streams=0x6,0x7\n"
            + "rmr-range base=0x0000000084800000 length=0x0000000000800000\n");
    t[9]++;
    assertThat(IortFormat.text(read(t))).startsWith("iort length=0xcc revision=0x05 checksum=bad nodes=2\n");
  }

  @Test
  void rangeMappingsAndSmmuV2PrintTheirOwnWay() throws Exception {
    byte[] t = IortBuilder.iort(5)
        .smmu(0x2b400000L)
        .rmr(0x0, ranges(range(0x90000000L, 0x10000L)), IortBuilder.map(0x100, 0xff, 0x2000, 0x30, 0))
        .build();
    assertThat(IortFormat.text(read(t))).isEqualTo(
        "iort length=0xb0 revision=0x05 checksum=ok nodes=2\n"
            + "smmu offset=0x0030 base=0x000000002b400000\n"
            + "rmr offset=0x006c revision=3 flags=0x00000000 remap_permitted=0 access_privileged=0 attributes=0x00"
            + " smmu=0x0030 streams=0x100+0xff->0x2000\n"
            + "rmr-range base=0x0000000090000000 length=0x0000000000010000\n");
  }

  @Test
  void jsonCarriesEveryNodeAndMapping() throws Exception {
    IortTable t = read(Corpus.read(Corpus.iortDir().resolve(ORION_O6).resolve("IORT.bin")));
    String json = IortFormat.json(t).toString();
    int maps = t.nodes().stream().mapToInt(n -> n.mappings().size()).sum();
    assertThat(count(json, "\"output_reference\"")).isEqualTo(maps);
    assertThat(count(json, "\"kind\": \"named-component\"")).isEqualTo(14);
    assertThat(json).contains("\"device_name\": \"\\\\_SB_.DPU0\"");
    assertThat(json).contains("\"base\": \"0x0000000084800000\"");
  }
}
