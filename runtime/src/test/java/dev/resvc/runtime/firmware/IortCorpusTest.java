package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every corpus IORT table decodes strictly, with no note (its printed form is the compiler's IortFormatTest). */
class IortCorpusTest {
  static final String ORION_O6 = "radxa-orion-o6-cix-sky1";

  static byte[] orion() {
    return Corpus.read(Corpus.iortDir().resolve(ORION_O6).resolve("IORT.bin"));
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusTableDecodesWithoutNotes() {
    return Corpus.machines(Corpus.iortDir()).stream()
        .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  private static void check(Path dir) throws Exception {
    byte[] data = Files.readAllBytes(dir.resolve("IORT.bin"));
    List<InputNote> notes = new ArrayList<>();
    IortTable table = Notes.keep(IortReader.read(data, "IORT.bin", true), notes);
    assertWithMessage(dir.toString()).that(table.nodes()).isNotEmpty();
    assertWithMessage("notes for " + dir).that(notes).isEmpty();
  }

  @Test
  void corpusHasTheOrionTable() {
    assertThat(Corpus.machines(Corpus.iortDir()).stream().map(p -> p.getFileName().toString()).toList())
        .containsExactly(ORION_O6);
  }

  /** Field values checked against the corpus IORT.dsl (iasl 20260408). */
  @Test
  void orionNodesDecodeAsIaslShowsThem() throws Exception {
    IortTable t = IortReader.read(orion(), "IORT.bin", true).value();
    assertThat(t.nodes()).hasSize(19);
    assertThat(t.nodeOffset()).isEqualTo(0x30);
    IortNode.ItsGroup its = (IortNode.ItsGroup) t.nodes().get(0);
    assertThat(its.itsIdentifiers()).containsExactly(0L);
    IortNode.SmmuV3 smmu = (IortNode.SmmuV3) t.nodeAt(0x48).orElseThrow();
    assertThat(smmu.revision()).isEqualTo(2);
    assertThat(smmu.flags()).isEqualTo(1);
    assertThat(smmu.eventGsiv()).isEqualTo(0x6b);
    assertThat(smmu.priGsiv()).isEqualTo(0x74);
    assertThat(smmu.gerrGsiv()).isEqualTo(0x70);
    assertThat(smmu.syncGsiv()).isEqualTo(0x6c);
    assertThat(smmu.mappings()).containsExactly(new IdMapping(0, 0xffff, 0, 0x30, 0));
    IortNode.RootComplex rc = (IortNode.RootComplex) t.nodeAt(0xa0).orElseThrow();
    assertThat(rc.pciSegment()).isEqualTo(0);
    assertThat(rc.atsSupported()).isTrue();
    assertThat(rc.mappings()).containsExactly(new IdMapping(0, 0xffff, 0, 0x48, 0));
    IortNode.NamedComponent dpu0 = (IortNode.NamedComponent) t.nodeAt(0x120).orElseThrow();
    assertThat(dpu0.deviceName()).isEqualTo("\\_SB_.DPU0");
    assertThat(dpu0.memoryAddressLimit()).isEqualTo(0x28);
    assertThat(dpu0.mappings().stream().map(IdMapping::outputBase).toList()).containsExactly(0L, 1L, 3L, 4L, 5L).inOrder();
    IortNode.Rmr rmr = t.rmrs().get(0);
    assertThat(rmr.offset()).isEqualTo(0x9e0);
    assertThat(rmr.rangeOffset()).isEqualTo(0xe4);
    assertThat(rmr.rangeTableOffset(0)).isEqualTo(0xac4);
    assertThat(rmr.ranges()).containsExactly(new RmrRange(0x84800000L, 0x800000L));
    assertThat(rmr.mappings()).hasSize(10);
    assertThat(rmr.mappings().get(2)).isEqualTo(new IdMapping(0, 0, 6, 0xdc, 1));
  }
}
