package dev.resvc.runtime.firmware;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.runtime.firmware.IortBuilder.patch16;
import static dev.resvc.runtime.firmware.IortBuilder.patch32;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;
import static dev.resvc.runtime.firmware.IortBuilder.single;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.testing.Notes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IortReaderTest {
  /** SMMUv3 node offset in {@link #table()}. */
  private static final int SMMU = 0x30;
  /** RMR node offset in {@link #table()}: after the 68-byte SMMUv3. */
  private static final int RMR = 0x30 + 68;

  private final List<InputNote> notes = new ArrayList<>();

  /** SMMUv3 at 0x30, then an RMR (two streams, one range) at 0x74. */
  private static byte[] table() {
    return IortBuilder.iort(5)
        .smmuV3(0x0b010000L)
        .rmr(0x11, ranges(range(0x84800000L, 0x800000L)), single(6, SMMU), single(7, SMMU))
        .build();
  }

  private IortTable read(byte[] data) throws InputException {
    return Notes.keep(IortReader.read(data, "IORT.bin", false), notes);
  }

  private InputException fails(byte[] data) {
    return assertThrows(InputException.class, () -> read(data));
  }

  private static long at(InputException e) {
    return ((Position.Offset) e.position()).offset();
  }

  @Test
  void builderTableDecodes() throws Exception {
    IortTable t = read(table());
    assertThat(t.nodes()).hasSize(2);
    IortNode.Rmr rmr = t.rmrs().get(0);
    assertThat(rmr.offset()).isEqualTo(RMR);
    assertThat(rmr.ranges()).containsExactly(new RmrRange(0x84800000L, 0x800000L));
    assertThat(rmr.mappings()).containsExactly(new IdMapping(0, 0, 6, SMMU, 1), new IdMapping(0, 0, 7, SMMU, 1)).inOrder();
    assertThat(notes).isEmpty();
  }

  @Test
  void wrongSignatureIsRejectedAtOffset0() {
    byte[] t = table();
    t[0] = 'D';
    InputException e = fails(t);
    assertThat(at(e)).isEqualTo(0);
    assertThat(e.detail()).contains("not 'IORT'");
  }

  @Test
  void truncatedTableIsRejected() {
    byte[] t = table();
    InputException e = fails(Arrays.copyOf(t, t.length - 1));
    assertThat(at(e)).isEqualTo(4);
    assertThat(e.detail()).contains("the table is truncated");
    InputException shortHeader = fails(Arrays.copyOf(t, 40));
    assertThat(at(shortHeader)).isEqualTo(40);
    assertThat(shortHeader.detail()).contains("too short for the 48-byte IORT header");
  }

  @Test
  void badChecksumIsAWarningOrAnErrorWhenStrict() throws Exception {
    byte[] t = table();
    t[9]++;
    read(t);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).level()).isEqualTo(InputNote.Level.WARNING);
    assertThat(notes.get(0).position()).isEqualTo(Position.offset(9));
    assertThat(notes.get(0).message()).contains("checksum is wrong");
    InputException e = assertThrows(InputException.class, () -> IortReader.read(t, "IORT.bin", true).value());
    assertThat(at(e)).isEqualTo(9);
    assertThat(read(t).header().checksumOk()).isFalse();
  }

  @Test
  void nodeArrayOffsetOutsideTheTable() {
    InputException e = fails(patch32(table(), 40, 0x1000));
    assertThat(at(e)).isEqualTo(40);
    assertThat(e.detail()).isEqualTo("node array offset 0x1000 lies outside the node area [0x30, 0xcc) of the table (2 nodes announced)");
    InputException inHeader = fails(patch32(table(), 40, 0x10));
    assertThat(at(inHeader)).isEqualTo(40);
  }

  @Test
  void moreNodesThanTheTableHolds() {
    InputException e = fails(patch32(table(), 36, 3));
    assertThat(at(e)).isEqualTo(0xcc);
    assertThat(e.detail()).isEqualTo("node 2 of 3 would start at 0xcc, at or past the table end at 0xcc"
        + " (kernel: \"IORT node pointer overflows, bad table!\")");
  }

  @Test
  void nodeRunningPastTheTable() {
    InputException e = fails(patch16(table(), RMR + 1, 0x100));
    assertThat(at(e)).isEqualTo(RMR);
    assertThat(e.detail()).isEqualTo("RMR node of length 0x100 runs past the table end at 0xcc");
  }

  @Test
  void nodeLengthZero() {
    InputException e = fails(patch16(table(), SMMU + 1, 0));
    assertThat(at(e)).isEqualTo(SMMU);
    assertThat(e.detail()).isEqualTo("SMMUv3 node has length 0: the walk cannot move on to the next node");
  }

  @Test
  void nodeLengthBelowItsFixedPart() {
    InputException e = fails(patch16(table(), RMR + 1, 0x18));
    assertThat(at(e)).isEqualTo(RMR);
    assertThat(e.detail()).isEqualTo("RMR node length 0x18 is smaller than its 28-byte fixed part");
    InputException smmu = fails(patch16(table(), SMMU + 1, 0x20));
    assertThat(smmu.detail()).isEqualTo("SMMUv3 node length 0x20 is smaller than its 60-byte fixed part");
  }

  @Test
  void idMappingArrayOutsideItsNode() {
    InputException e = fails(patch32(table(), RMR + 12, 0x70));
    assertThat(at(e)).isEqualTo(RMR);
    assertThat(e.detail()).isEqualTo("ID mapping array [0xe4, +0x28) lies outside its node [0x74, 0xcc)");
    InputException count = fails(patch32(table(), RMR + 8, 4));
    assertThat(count.detail()).isEqualTo("ID mapping array [0x90, +0x50) lies outside its node [0x74, 0xcc)");
  }

  @Test
  void idMappingCountWhoseArraySizeOverflows() {
    InputException e = fails(patch32(table(), RMR + 8, 0x10000000L));
    assertThat(at(e)).isEqualTo(RMR);
    assertThat(e.detail()).isEqualTo(
        "ID mapping count 0x10000000 makes the ID mapping array 0x140000000 bytes long, which overflows 32 bits");
  }

  @Test
  void rmrDescriptorArrayOutsideItsNode() {
    InputException e = fails(patch32(table(), RMR + 24, 0x60));
    assertThat(at(e)).isEqualTo(RMR);
    assertThat(e.detail()).isEqualTo("RMR descriptor array [0xd4, +0x14) lies outside its node [0x74, 0xcc)");
  }

  /**
   * Before revision 5 (E.d) the kernel reads no RMR node ({@code iort_find_rmrs}), so an old-layout
   * node whose descriptor array lies outside it is no error: kept as its header, with a note.
   */
  @Test
  void rmrNodeInARevision4TableIsIgnoredWithANote() throws Exception {
    byte[] t = patch32(IortBuilder.iort(4).smmuV3(0x0b010000L)
        .rmr(0x11, ranges(range(0x84800000L, 0x800000L)), single(6, SMMU), single(7, SMMU)).build(), RMR + 24, 0x60);
    IortTable table = read(t);
    assertThat(table.rmrs()).isEmpty();
    IortNode.IgnoredRmr ignored = table.nodes(IortNode.IgnoredRmr.class).get(0);
    assertThat(ignored.offset()).isEqualTo(RMR);
    assertThat(ignored.length()).isEqualTo(0x58);
    assertThat(ignored.header().mappingCount()).isEqualTo(2);
    assertThat(ignored.mappings()).isEmpty();
    assertThat(notes).containsExactly(InputNote.note("IORT.bin", Position.offset(RMR),
        "RMR node at 0x74 ignored: the table is revision 4 and the kernel reads RMR nodes only from revision 5"
            + " (IORT E.d) on"));
  }

  /** Below revision 5 only the RMR node's header is read, so a node of just a header is no error either. */
  @Test
  void headerOnlyRmrNodeInARevision4TableIsIgnored() throws Exception {
    byte[] t = IortBuilder.iort(4).node(IortNode.TYPE_RMR, 0, new byte[0]).build();
    assertThat(read(t).nodes(IortNode.IgnoredRmr.class)).hasSize(1);
    assertThat(notes).hasSize(1);
  }

  @Test
  void rmrDescriptorCountWhoseArraySizeOverflows() {
    InputException e = fails(patch32(table(), RMR + 20, 0xffffffffL));
    assertThat(at(e)).isEqualTo(RMR);
    assertThat(e.detail()).isEqualTo(
        "RMR descriptor count 0xffffffff makes the RMR descriptor array 0x13ffffffec bytes long, which overflows 32 bits");
  }

  @Test
  void zeroOffsetsMakeTheKernelIgnoreMappingsAndRanges() throws Exception {
    byte[] t = patch32(patch32(table(), RMR + 12, 0), RMR + 24, 0);
    IortNode.Rmr rmr = read(t).rmrs().get(0);
    assertThat(rmr.mappings()).isEmpty();
    assertThat(rmr.header().mappingCount()).isEqualTo(2);
    assertThat(rmr.ranges()).isEmpty();
    assertThat(notes.stream().map(InputNote::position).toList())
        .containsExactly(Position.offset(RMR + 12), Position.offset(RMR + 24)).inOrder();
    assertThat(notes.get(0).message()).isEqualTo("RMR node declares 2 ID mapping(s) at offset 0: the kernel ignores them");
  }

  @Test
  void unknownNodeTypeIsKeptWithANote() throws Exception {
    byte[] t = IortBuilder.iort(5).node(0x42, 0, new byte[8]).smmuV3(0x1000).build();
    IortTable table = read(t);
    assertThat(table.nodes().get(0)).isInstanceOf(IortNode.UnknownNode.class);
    assertThat(table.nodes().get(0).length()).isEqualTo(24);
    assertThat(table.nodes().get(1)).isInstanceOf(IortNode.SmmuV3.class);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).message()).isEqualTo("unknown node type 0x42 (length 0x18) skipped by its length, as the kernel does");
  }

  @Test
  void namedComponentNameWithoutNul() {
    byte[] t = IortBuilder.iort(5).node(IortNode.TYPE_NAMED_COMPONENT, 0,
        new IortBuilder().u32(0).u64(0).u8(0x28).ascii("\\_SB").bytes()).build();
    InputException e = fails(t);
    assertThat(at(e)).isEqualTo(0x30 + 29);
    assertThat(e.detail()).isEqualTo("named component device name has no terminating NUL byte within its node (length 0x21)");
  }

  @Test
  void itsIdentifierArrayOutsideItsNode() {
    byte[] t = IortBuilder.iort(5).node(IortNode.TYPE_ITS_GROUP, 0, new IortBuilder().u32(2).u32(0).bytes()).build();
    InputException e = fails(t);
    assertThat(at(e)).isEqualTo(0x30);
    assertThat(e.detail()).isEqualTo("ITS identifier array [0x44, +0x8) lies outside its node [0x30, 0x48)");
  }

  @Test
  void headerFieldsAndNodeFieldsAreKept() throws Exception {
    byte[] t = IortBuilder.iort(4).its().rootComplex(1, IortBuilder.map(0, 0xffff, 0x10000, 0x30, 0))
        .namedComponent("\\_SB_.GPU0", single(9, 0x30)).build();
    IortTable table = read(t);
    assertThat(table.header().revision()).isEqualTo(4);
    assertThat(table.header().oemId()).isEqualTo("RESVC ");
    IortNode.RootComplex rc = table.nodes(IortNode.RootComplex.class).get(0);
    assertThat(rc.pciSegment()).isEqualTo(1);
    assertThat(rc.mappings()).containsExactly(new IdMapping(0, 0xffff, 0x10000, 0x30, 0));
    IortNode.NamedComponent nc = table.nodes(IortNode.NamedComponent.class).get(0);
    assertThat(nc.deviceName()).isEqualTo("\\_SB_.GPU0");
    assertThat(nc.memoryAddressLimit()).isEqualTo(0x28);
    assertThat(table.nodes(IortNode.ItsGroup.class).get(0).itsIdentifiers()).containsExactly(0L);
    assertThat(notes).isEmpty();
  }
}
