package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host, snapshot and dmar commands on the shipped examples, the corpus, and broken inputs. */
class HostDmarSnapshotCommandTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7");
  private static final Path DELL = ROOT.resolve("examples/hosts/dell-latitude-5414");

  @TempDir Path tmp;

  private static byte[] dellDmar() throws IOException {
    return Files.readAllBytes(DELL.resolve("firmware/acpi/tables/DMAR"));
  }

  private String write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p.toString();
  }

  @Test
  void hostShowsGroupsDevicesAndRebuiltRegions() {
    CliRun run = CliRun.of("host", DL360.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("22 PCI devices, 12 IOMMU groups");
    assertThat(run.out()).contains("""
        group 10  type DMA
          0000:03:00.0  103c:323a  RAID bus controller [010400]  driver hpsa
              0x00000000df61e000 0x00000000df61ffff direct  (rmrr)
              0x00000000fee00000 0x00000000feefffff msi  (msi-window)
          reserved_regions (rebuilt from DMAR):
            0x00000000df61e000 0x00000000df61ffff direct
            0x00000000fee00000 0x00000000feefffff msi
        """);
  }

  @Test
  void hostRegionsSysfsShowsTheLinesAsTheyAre() {
    CliRun run = CliRun.of("host", "--regions", "sysfs", DELL.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("regions from sysfs (--regions sysfs)");
    assertThat(run.out()).contains("  reserved_regions (from sysfs):\n");
    assertThat(run.out()).doesNotContain("(rmrr)");
    assertThat(run.out()).contains("    0x00000000bb400000 0x00000000bb41ffff direct-relaxable\n");
  }

  @Test
  void hostWithAnotherMachinesDmarReportsEveryDisagreement() throws IOException {
    String otherDmar = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7/firmware/acpi/tables/DMAR").toString();
    CliRun run = CliRun.of("host", "--dmar", otherDmar, DELL.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("kernel/iommu_groups/3/reserved_regions: warning: group 3: sysfs shows"
        + " '0x00000000bb400000 0x00000000bb41ffff direct-relaxable', which the firmware tables do not explain");
  }

  @Test
  void hostJsonHasEveryGroup() {
    CliRun run = CliRun.of("host", "--format", "json", DELL.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).startsWith("{\n  \"schema_version\": 1,\n  \"kind\": \"host\",\n  \"host\": ");
    assertThat(run.out()).contains("\"sysfs\": \"0x00000000bd800000 0x00000000bfffffff direct-relaxable\"");
    assertThat(run.out()).contains("\"source\": \"floppy-wa\"");
  }

  /** Writes {@code firmware/memmap/N/{start,end,type}} into {@code root} as the kernel prints them. */
  private static void memmap(Path root, String... entries) throws IOException {
    for (int i = 0; i < entries.length; i++) {
      String[] e = entries[i].split(" ", 3);
      Path dir = Files.createDirectories(root.resolve("firmware/memmap/" + i));
      Files.writeString(dir.resolve("start"), e[0] + "\n");
      Files.writeString(dir.resolve("end"), e[1] + "\n");
      Files.writeString(dir.resolve("type"), e[2] + "\n");
    }
  }

  @Test
  void hostWarnsAboutAnRmrrTheFirmwareMemoryMapDoesNotReserve() throws IOException {
    // A test host: the Dell's snapshot with a memory map (not the machine's) that reserves the USB RMRR
    // and puts the display RMRR in System RAM.
    Path host = tmp.resolve("dell");
    HostTrees.copyTree(DELL, host);
    memmap(host, "0xbb400000 0xbb41ffff Reserved", "0xbb420000 0xbfffffff System RAM");
    CliRun run = CliRun.of("host", host.toString());
    assertWithMessage(run.err()).that(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("firmware/acpi/tables/DMAR: offset 0x");
    assertThat(run.err()).contains(": warning: No firmware reserved region can cover this RMRR"
        + " [0x00000000bd800000-0x00000000bfffffff], contact BIOS vendor for fixes; Your BIOS is broken; bad RMRR"
        + " [0x00000000bd800000-0x00000000bfffffff] (the kernel's words, from the firmware memory map: the range"
        + " lies in 'System RAM'; the kernel still uses the RMRR)");
    assertThat(run.err()).doesNotContain("[0x00000000bb400000-");
    // The RMRR is kept: its region is still there.
    assertThat(run.out()).contains("0x00000000bd800000 0x00000000bfffffff direct-relaxable  (rmrr)");

    // A snapshot of it keeps the map, and gives the same answer.
    Path snap = tmp.resolve("snap");
    CliRun snapshot = CliRun.of("snapshot", "--sysfs", host.toString(), snap.toString());
    assertWithMessage(snapshot.err()).that(snapshot.exitCode()).isEqualTo(0);
    CliRun again = CliRun.of("host", snap.toString());
    assertThat(again.out()).isEqualTo(run.out().replace(host.toString(), snap.toString()));
    assertThat(again.err()).contains("No firmware reserved region can cover this RMRR [0x00000000bd800000-");
  }

  @Test
  void aMemoryMapValueTheKernelWouldNotPrintIsOneLineAndExit2() throws IOException {
    Path host = tmp.resolve("dell");
    HostTrees.copyTree(DELL, host);
    memmap(host, "0xbb400000 0xbb41ffff Reserved", "0xbb420000 -1 System RAM");
    CliRun run = CliRun.of("host", host.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(host.resolve("firmware/memmap/1/end") + ": error: '-1' is not an address as"
        + " the kernel prints it (0x and up to 16 lowercase hex digits)\n");
  }

  @Test
  void hostWithoutIommuGroupsSaysWhatEnablesThem() throws IOException {
    Path off = tmp.resolve("off");
    HostTrees.copyTree(DELL, off);
    // The IOMMU off: the kernel still makes kernel/iommu_groups, empty.
    HostTrees.deleteTree(off.resolve("kernel/iommu_groups"));
    Files.createDirectories(off.resolve("kernel/iommu_groups"));
    CliRun run = CliRun.of("host", off.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("No IOMMU groups");
    assertThat(run.out()).contains("intel_iommu=on");
    assertThat(run.out()).contains("0000:00:14.0  8086:9d2f  USB controller (xHCI) [0c0330]  driver xhci_hcd");
  }

  @Test
  void aGarbageSysfsLineIsOneErrorWithFileAndLine() throws IOException {
    Path broken = tmp.resolve("broken");
    HostTrees.copyTree(DELL, broken);
    Files.writeString(broken.resolve("kernel/iommu_groups/3/reserved_regions"),
        "0x00000000bb400000 0x00000000bb41ffff direct-relaxable\nthe kernel never prints this\n");
    CliRun run = CliRun.of("host", broken.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(broken.resolve("kernel/iommu_groups/3/reserved_regions") + ":2:18: error: expected"
        + " '<start> <end> <type>' (3 fields), found 5: 'the kernel never prints this'\n");
  }

  @Test
  void aMissingHostIsAUsageError() {
    CliRun run = CliRun.of("host", tmp.resolve("nowhere").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).endsWith("nowhere: error: no such directory\n");
  }

  @Test
  void snapshotRoundTripsAnExampleHost() throws IOException {
    Path out = tmp.resolve("snap");
    CliRun run = CliRun.of("snapshot", "--sysfs", DL360.toString(), out.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("22 PCI devices, 12 IOMMU groups, ACPI tables: DMAR");
    assertThat(CliRun.of("host", out.toString()).out().replace(out.toString(), "X"))
        .isEqualTo(CliRun.of("host", DL360.toString()).out().replace(DL360.toString(), "X"));
    CliRun again = CliRun.of("snapshot", "--sysfs", DL360.toString(), out.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err()).contains("error:");
  }

  @Test
  void dmarDecodesInTheCorpusFormat() throws IOException {
    CliRun run = CliRun.of("dmar", write("DMAR", dellDmar()));
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).isEqualTo("""
        dmar length=0xa8 revision=0x01 checksum=ok haw=0x26 flags=0x03
        drhd flags=0x00 segment=0x0000 base=0x00000000fed90000 scopes=pci-endpoint@00:02.0
        drhd flags=0x01 segment=0x0000 base=0x00000000fed91000 scopes=ioapic#02@f0:1f.0,hpet#00@00:1f.0
        rmrr segment=0x0000 base=0x00000000bb400000 end=0x00000000bb41ffff scopes=pci-endpoint@00:14.0
        rmrr segment=0x0000 base=0x00000000bd800000 end=0x00000000bfffffff scopes=pci-endpoint@00:02.0
        """);
    assertThat(CliRun.of("dmar", "--format", "json", write("DMAR", dellDmar())).out()).contains("\"rmrr\"");
  }

  @Test
  void aWrongChecksumIsAWarningAndAnErrorUnderStrict() throws IOException {
    byte[] table = dellDmar();
    table[9] ^= 1;
    String file = write("bad-sum", table);
    CliRun run = CliRun.of("dmar", file);
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains("warning:");
    assertThat(run.err()).contains("checksum");
    CliRun strict = CliRun.of("dmar", "--strict", file);
    assertThat(strict.exitCode()).isEqualTo(2);
    assertThat(strict.err()).contains("checksum");
  }

  @Test
  void malformedTablesAreOneLineWithTheByteOffset() throws IOException {
    byte[] good = dellDmar();
    byte[] truncated = Arrays.copyOf(good, 40);
    byte[] signature = good.clone();
    signature[0] = 'X';
    byte[] pastEnd = good.clone();
    pastEnd[0x30 + 2] = (byte) 0xff; // first structure's length runs past the table
    byte[] zeroScope = good.clone();
    zeroScope[0x30 + 16 + 1] = 0; // the first DRHD's first scope has length 0
    byte[][] cases = {truncated, signature, pastEnd, zeroScope};
    String[] expected = {"offset 0x", "offset 0x0: error:", "offset 0x30: error:", "offset 0x40: error:"};
    for (int i = 0; i < cases.length; i++) {
      String file = write("case" + i, fixChecksum(cases[i]));
      CliRun run = CliRun.of("dmar", file);
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith(file + ": ");
      assertThat(run.err()).contains(expected[i]);
      assertThat(run.err().strip().lines().count()).isEqualTo(1);
    }
  }

  private static byte[] fixChecksum(byte[] t) {
    if (t.length < 10) {
      return t;
    }
    int sum = 0;
    for (int i = 0; i < t.length; i++) {
      if (i != 9) sum += t[i] & 0xff;
    }
    t[9] = (byte) (-sum);
    return t;
  }
}
