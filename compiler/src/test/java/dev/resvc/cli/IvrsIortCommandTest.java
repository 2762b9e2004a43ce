package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ivrs and iort commands on the corpus and on broken tables, and the host command on AMD and Arm
 * hosts with their own or given tables.
 */
class IvrsIortCommandTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path HOSTS = ROOT.resolve("examples/hosts");
  private static final Path THINKPAD = HOSTS.resolve("lenovo-thinkpad-l14-gen3-amd");
  private static final Path ORION = HOSTS.resolve("radxa-orion-o6");
  private static final Path DELL = HOSTS.resolve("dell-latitude-5414");

  @TempDir Path tmp;

  private static Path corpus() {
    for (Path dir = ROOT; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/corpus not found above " + ROOT);
  }

  private static List<Path> machines(String kind) throws IOException {
    try (Stream<Path> s = Files.list(corpus().resolve(kind))) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static byte[] thinkpadIvrs() throws IOException {
    return Files.readAllBytes(THINKPAD.resolve("firmware/acpi/tables/IVRS"));
  }

  /** The Radxa Orion O6's IORT (revision 5, its RMR node the last, at 0x9e0). */
  static byte[] orionIort() throws IOException {
    return Files.readAllBytes(ORION.resolve("firmware/acpi/tables/IORT"));
  }

  private String write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p.toString();
  }

  @Test
  void ivrsPrintsExactlyTheCorpusExpectedText() throws IOException {
    List<Path> all = machines("ivrs");
    assertThat(all).hasSize(5);
    for (Path m : all) {
      CliRun run = CliRun.of("ivrs", m.resolve("IVRS.bin").toString());
      assertWithMessage(m.getFileName().toString()).that(run.exitCode()).isEqualTo(0);
      assertWithMessage(m.getFileName().toString()).that(run.out())
          .isEqualTo(Files.readString(m.resolve("expected.txt")));
      assertThat(run.err()).doesNotContain("warning:");
    }
  }

  @Test
  void iortPrintsExactlyTheCorpusExpectedText() throws IOException {
    List<Path> all = machines("iort");
    assertThat(all).isNotEmpty();
    for (Path m : all) {
      CliRun run = CliRun.of("iort", m.resolve("IORT.bin").toString());
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.out()).isEqualTo(Files.readString(m.resolve("expected.txt")));
      assertThat(run.err()).isEmpty();
    }
  }

  @Test
  void jsonHasEveryDecodedField() throws IOException {
    CliRun ivrs = CliRun.of("ivrs", "--format", "json", write("IVRS", thinkpadIvrs()));
    assertThat(ivrs.exitCode()).isEqualTo(0);
    assertThat(ivrs.out()).startsWith("{\n");
    assertThat(ivrs.out()).contains("\"exclusion_range\": true");
    assertThat(ivrs.out()).contains("\"start_address\": \"0x00000000c9f42000\"");
    assertThat(ivrs.out()).contains("\"entries\": [");
    assertThat(ivrs.out()).contains("\"oem_id\"");
    CliRun iort = CliRun.of("iort", "--format", "json", write("IORT", orionIort()));
    assertThat(iort.exitCode()).isEqualTo(0);
    assertThat(iort.out()).contains("\"device_name\": \"\\\\_SB_.DPU0\"");
    assertThat(iort.out()).contains("\"pci_segment\": 0");
    assertThat(iort.out()).contains("\"mapping_count\"");
  }

  @Test
  void standardInputWorks() throws IOException {
    java.io.InputStream saved = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(orionIort()));
      CliRun run = CliRun.of("iort", "-");
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.out()).startsWith("iort length=0xad8 revision=0x05 checksum=ok nodes=19\n");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void aWrongChecksumIsAWarningAndAnErrorUnderStrict() throws IOException {
    for (String kind : List.of("ivrs", "iort")) {
      byte[] table = kind.equals("ivrs") ? thinkpadIvrs() : orionIort();
      table[9] ^= 1;
      String file = write(kind + "-bad-sum", table);
      CliRun run = CliRun.of(kind, file);
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.out()).contains("checksum=bad");
      assertThat(run.err()).contains(file + ": offset 0x9: warning: checksum is wrong");
      CliRun strict = CliRun.of(kind, "--strict", file);
      assertThat(strict.exitCode()).isEqualTo(2);
      assertThat(strict.out()).isEmpty();
      assertThat(strict.err()).startsWith(file + ": offset 0x9: error: checksum is wrong");
      assertThat(strict.err().strip().lines().count()).isEqualTo(1);
    }
    byte[] ivrs = thinkpadIvrs();
    ivrs[9] ^= 1;
    assertThat(CliRun.of("ivrs", write("x", ivrs)).err()).contains("the AMD IOMMU driver gives up entirely");
  }

  /** Runs {@code command} on {@code table} (checksum fixed) and checks the one-line error. */
  private void assertOneLineError(String command, String name, byte[] table, String expected) throws IOException {
    String file = write(name, fixChecksum(table));
    CliRun run = CliRun.of(command, file);
    assertWithMessage(name).that(run.exitCode()).isEqualTo(2);
    assertWithMessage(name).that(run.out()).isEmpty();
    assertWithMessage(name).that(run.err()).startsWith(file + ": " + expected);
    assertWithMessage(name).that(run.err().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void aTruncatedIvrsIsOneLineWithTheOffset() throws IOException {
    assertOneLineError("ivrs", "truncated", Arrays.copyOf(thinkpadIvrs(), 40), "offset 0x");
    assertOneLineError("ivrs", "truncated-mid", Arrays.copyOf(thinkpadIvrs(), 0x100), "offset 0x");
  }

  @Test
  void anIvrsWithAnotherSignatureIsOneLine() throws IOException {
    byte[] t = thinkpadIvrs();
    t[0] = 'X';
    assertOneLineError("ivrs", "signature", t, "offset 0x0: error:");
  }

  @Test
  void anIvrsBlockPastTheEndIsOneLine() throws IOException {
    byte[] t = thinkpadIvrs();
    putU16(t, 0x30 + 2, 0xfff0);
    assertOneLineError("ivrs", "past-end", t, "offset 0x30: error: IVHD type 0x10 block of length 0xfff0 runs past");
  }

  @Test
  void anIvmdWhoseLengthIsNot32IsOneLine() throws IOException {
    byte[] t = thinkpadIvrs();
    int ivmd = ivmdOffset(t);
    putU16(t, ivmd + 2, 0x18);
    assertOneLineError("ivrs", "ivmd-length", t,
        "offset 0x" + Integer.toHexString(ivmd) + ": error: IVMD block length 0x18 is not 0x20");
  }

  @Test
  void aZeroLengthIvrsBlockIsOneLine() throws IOException {
    byte[] t = thinkpadIvrs();
    putU16(t, 0x30 + 2, 0);
    assertOneLineError("ivrs", "zero", t, "offset 0x30: error: zero-length IVRS block");
  }

  @Test
  void aTruncatedIortIsOneLineWithTheOffset() throws IOException {
    assertOneLineError("iort", "truncated", Arrays.copyOf(orionIort(), 40), "offset 0x");
  }

  @Test
  void anIortWithAnotherSignatureIsOneLine() throws IOException {
    byte[] t = orionIort();
    t[1] = 'X';
    assertOneLineError("iort", "signature", t, "offset 0x0: error:");
  }

  @Test
  void anIortNodePastTheEndIsOneLine() throws IOException {
    byte[] t = orionIort();
    putU16(t, 0x9e0 + 1, 0x200); // the RMR node (the last one) claims 0x200 bytes
    assertOneLineError("iort", "past-end", t, "offset 0x9e0: error:");
    assertThat(CliRun.of("iort", tmp.resolve("past-end").toString()).err()).contains("runs past the table end");
  }

  /**
   * The same bad RMR descriptor offset is an error in the revision-5 table but ignored, with a note,
   * in a revision-4 one: the kernel reads RMR nodes only from revision 5 (E.d) on.
   */
  @Test
  void anOldLayoutRmrInARevision4IortIsIgnoredWithANote() throws IOException {
    byte[] t = orionIort();
    putU32(t, 0x9e0 + 24, 0x200); // the RMR's descriptor array would start past its node
    assertOneLineError("iort", "rmr-rev5", t, "offset 0x9e0: error: RMR descriptor array");
    t[8] = 4; // table revision
    CliRun run = CliRun.of("iort", write("rmr-rev4", fixChecksum(t)));
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).startsWith("iort length=0xad8 revision=0x04 checksum=ok nodes=19\n");
    assertThat(run.out()).doesNotContain("rmr");
    assertThat(run.err()).contains("offset 0x9e0: note: RMR node at 0x9e0 ignored: the table is revision 4 and the"
        + " kernel reads RMR nodes only from revision 5 (IORT E.d) on");
    assertThat(CliRun.of("iort", "--format", "json", tmp.resolve("rmr-rev4").toString()).out())
        .contains("\"rmr-ignored\"");
  }

  @Test
  void aZeroLengthIortNodeIsOneLine() throws IOException {
    byte[] t = orionIort();
    putU16(t, 0x30 + 1, 0);
    assertOneLineError("iort", "zero", t, "offset 0x30: error:");
    assertThat(CliRun.of("iort", tmp.resolve("zero").toString()).err()).contains("length 0");
  }

  @Test
  void anIdMappingArrayOutsideItsNodeIsOneLine() throws IOException {
    byte[] t = orionIort();
    putU32(t, 0x9e0 + 12, 0xf0); // the RMR's ten mappings would start 8 bytes before its end
    assertOneLineError("iort", "mappings", t, "offset 0x9e0: error: ID mapping array");
    assertThat(CliRun.of("iort", tmp.resolve("mappings").toString()).err()).contains("lies outside its node");
  }

  @Test
  void anRmrDescriptorCountOverflowIsOneLine() throws IOException {
    byte[] t = orionIort();
    putU32(t, 0x9e0 + 20, 0x10000000); // 0x10000000 descriptors of 20 bytes need more than 32 bits
    assertOneLineError("iort", "count", t, "offset 0x9e0: error: RMR descriptor count 0x10000000");
    assertThat(CliRun.of("iort", tmp.resolve("count").toString()).err()).contains("overflows 32 bits");
  }

  @Test
  void hostRebuildsAmdRegionsFromTheSnapshotsIvrs() {
    CliRun run = CliRun.of("host", THINKPAD.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).doesNotContain("warning:");
    assertThat(run.out()).contains("regions from the IVRS table " + THINKPAD.resolve("firmware/acpi/tables/IVRS")
        + " (AMD IOMMU driver), as the kernel builds them");
    assertThat(run.out()).contains("""
        group 9  type DMA-FQ
          0000:01:00.0  144d:a809  non-volatile memory controller [010802]  driver nvme
              0x00000000c9f42000 0x00000000c9f67fff direct  (ivmd-exclusion)
              0x00000000fee00000 0x00000000feefffff msi  (msi-window)
              0x000000fd00000000 0x000000ffffffffff reserved  (ht-window)
        """);
  }

  @Test
  void hostRebuildsArmRegionsFromTheSnapshotsIort() {
    CliRun run = CliRun.of("host", "--format", "json", ORION.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("\"source\": \"sw-msi\"");
    assertThat(run.out()).contains("\"type\": \"sw-msi\"");
    assertThat(run.out()).contains("\"sysfs\": \"0x0000000008000000 0x00000000080fffff msi\"");
  }

  @Test
  void hostWithAnotherMachinesIvrsReportsEveryDisagreement() throws IOException {
    Path mechrevo = corpus().resolve("ivrs/mechrevo-wujie14xa-9249a3556422/IVRS.bin");
    CliRun run = CliRun.of("host", "--ivrs", mechrevo.toString(), THINKPAD.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("regions from the IVRS table " + mechrevo);
    assertThat(run.err()).contains("kernel/iommu_groups/9/reserved_regions: warning: group 9: sysfs shows"
        + " '0x00000000c9f42000 0x00000000c9f67fff direct', which the firmware tables do not explain");
    assertThat(run.err()).contains("group 0: firmware explains '0x000000009618e000 0x000000009618efff direct',"
        + " which sysfs does not show");
  }

  @Test
  void hostWithAnIvrsWhoseDriverGivesUpSaysSo() throws IOException {
    byte[] t = thinkpadIvrs();
    t[9] ^= 1;
    String file = write("IVRS", t);
    CliRun run = CliRun.of("host", "--ivrs", file, THINKPAD.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("the AMD IOMMU driver does not initialise");
    assertThat(run.out()).doesNotContain("(ivmd)");
    assertThat(run.out()).doesNotContain("(msi-window)");
  }

  @Test
  void hostWithSeveralTablesUsesThemInOrderAndSaysSo() {
    String dmar = DELL.resolve("firmware/acpi/tables/DMAR").toString();
    String iort = ORION.resolve("firmware/acpi/tables/IORT").toString();
    CliRun run = CliRun.of("host", "--dmar", dmar, "--iort", iort, ORION.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("regions from the DMAR table " + dmar + " (Intel VT-d driver); the IORT table "
        + iort + " (Arm SMMU drivers), as the kernel builds them");
    assertThat(run.err()).contains("note: several IOMMU tables given (DMAR, IORT); a real machine has one.");
    // The DMAR's only unit is on segment 0 too, so the Intel driver claims every device first.
    assertThat(run.out()).contains("(msi-window)");
    assertThat(run.out()).doesNotContain("(sw-msi)");
  }

  @Test
  void tablesAndRegionsSysfsContradictEachOther() {
    CliRun run = CliRun.of("host", "--regions", "sysfs", "--iort", "x", ORION.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("contradict");
  }

  @Test
  void snapshotSavesTheIvrsAndTheIort() {
    for (Path host : List.of(THINKPAD, ORION)) {
      Path out = tmp.resolve(host.getFileName().toString());
      CliRun run = CliRun.of("snapshot", "--sysfs", host.toString(), out.toString());
      assertThat(run.exitCode()).isEqualTo(0);
      assertThat(run.err()).contains("ACPI tables: " + (host == THINKPAD ? "IVRS" : "IORT"));
      assertThat(CliRun.of("host", out.toString()).out().replace(out.toString(), "X"))
          .isEqualTo(CliRun.of("host", host.toString()).out().replace(host.toString(), "X"));
    }
  }

  private static int ivmdOffset(byte[] t) {
    int o = 48;
    while ((t[o] & 0xff) < 0x20 || (t[o] & 0xff) > 0x22) {
      o += (t[o + 2] & 0xff) | (t[o + 3] & 0xff) << 8;
    }
    return o;
  }

  private static void putU16(byte[] t, int offset, int value) {
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
  }

  static void putU32(byte[] t, int offset, long value) {
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, (int) value);
  }

  static byte[] fixChecksum(byte[] t) {
    if (t.length < 10) {
      return t;
    }
    int sum = 0;
    for (int i = 0; i < t.length; i++) {
      if (i != 9) {
        sum += t[i] & 0xff;
      }
    }
    t[9] = (byte) -sum;
    return t;
  }
}
