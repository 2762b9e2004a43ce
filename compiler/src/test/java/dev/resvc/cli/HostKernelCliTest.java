package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel block of {@code resvc host} (docs/cli.md, "The kernel block"), its round trip through
 * {@code resvc snapshot}, and {@code --regions sysfs}, on copies of shipped hosts given the kernel
 * files a snapshot of a running machine holds.
 */
class HostKernelCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DELL = ROOT.resolve("examples/hosts/dell-latitude-5414");
  private static final Path DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7");
  private static final Path MECHREVO = ROOT.resolve("examples/hosts/mechrevo-wujie14");

  @TempDir Path tmp;

  private Path copy(Path host) throws IOException {
    Path dir = tmp.resolve(host.getFileName().toString());
    HostTrees.copyTree(host, dir);
    return dir;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** The Dell laptop as a snapshot of it running Fedora would hold it. */
  private Path dellRunning() throws IOException {
    Path dell = copy(DELL);
    write(dell.resolve("proc/sys/kernel/osrelease"), "6.8.5-301.fc40.x86_64\n");
    write(dell.resolve("proc/cmdline"), "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64 root=UUID=1234 ro rhgb quiet"
        + " intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1\n");
    write(dell.resolve("module/iommufd/parameters/allow_unsafe_interrupts"), "N\n");
    Files.createDirectories(dell.resolve("class/iommu/dmar0"));
    return dell;
  }

  @Test
  void hostShowsTheKernelBlock() throws IOException {
    Path dell = dellRunning();

    CliRun run = CliRun.of("host", dell.toString());

    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("""
        kernel
          release                  6.8.5-301.fc40.x86_64
          IOMMU driver             intel
          command line             BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64 root=UUID=1234 ro rhgb quiet intel_iommu=on vfio_iommu_type1.allow_u…
          MSI isolation            isolated: DMAR flags INTR_REMAP set, intremap=off absent from /proc/cmdline
          allow_unsafe_interrupts  vfio-type1 Y, iommufd N
        """);
    assertThat(run.out()).contains("  reserved_regions (rebuilt from DMAR):\n");
  }

  @Test
  void aSnapshotWithFewKernelFilesSaysWhatIsNotRecorded() {
    CliRun run = CliRun.of("host", DL360.toString());

    assertThat(run.out()).contains("""
          release                  not recorded
          IOMMU driver             intel
          command line             not recorded
          MSI isolation            not isolated: DMAR flags INTR_REMAP clear: the firmware does not offer interrupt remapping
          allow_unsafe_interrupts  vfio-type1 Y, iommufd not recorded
        """);
  }

  @Test
  void theJsonCarriesTheSameFacts() throws IOException {
    Path dell = dellRunning();

    CliRun run = CliRun.of("host", "--format", "json", dell.toString());

    JsonNode kernel = new ObjectMapper().readTree(run.out()).get("kernel");
    assertThat(kernel.get("release").asText()).isEqualTo("6.8.5-301.fc40.x86_64");
    assertThat(kernel.get("version").asText()).isEqualTo("6.8.5");
    assertThat(kernel.get("driver").asText()).isEqualTo("intel");
    assertThat(kernel.get("command_line").asText()).endsWith("vfio_iommu_type1.allow_unsafe_interrupts=1");
    assertThat(kernel.get("msi_isolation").get("isolated").asBoolean()).isTrue();
    assertThat(kernel.get("allow_unsafe_interrupts").get("vfio_type1").asBoolean()).isTrue();
    assertThat(kernel.get("allow_unsafe_interrupts").get("iommufd").asBoolean()).isFalse();
    assertThat(kernel.get("amd_efr2").isNull()).isTrue();
  }

  @Test
  void amdEfr2IsShownWithHtRangeIgnore() throws IOException {
    Path mechrevo = copy(MECHREVO);
    write(mechrevo.resolve("proc/sys/kernel/osrelease"), "6.16.0\n");
    write(mechrevo.resolve("class/iommu/ivhd0/amd-iommu/features"), "246577efa2254afa:800\n");

    CliRun run = CliRun.of("host", mechrevo.toString());

    assertThat(run.out()).contains("  AMD EFR2                 0x800 (HTRangeIgnore, bit 11: set)\n");
  }

  @Test
  void snapshotThenHostShowsTheSameKernelBlock() throws IOException {
    Path dell = dellRunning();
    Path out = tmp.resolve("saved");

    CliRun saved = CliRun.of("snapshot", "--sysfs", dell.toString(), out.toString());
    CliRun before = CliRun.of("host", dell.toString());
    CliRun after = CliRun.of("host", out.toString());

    assertThat(saved.exitCode()).isEqualTo(0);
    assertThat(saved.err()).contains(", kernel release 6.8.5\n");
    assertThat(kernelBlock(after.out())).isEqualTo(kernelBlock(before.out()));
    assertThat(kernelBlock(after.out())).contains("release                  6.8.5-301.fc40.x86_64");
  }

  private static String kernelBlock(String hostOutput) {
    int start = hostOutput.indexOf("kernel\n");
    return hostOutput.substring(start, hostOutput.indexOf("\n\n", start));
  }

  @Test
  void regionsSysfsTrustsTheTypesTheRunningKernelPrinted() throws IOException {
    // A relax-RMRR kernel prints the RAID controller's RMRR as direct-relaxable.
    Path dl360 = copy(DL360);
    Path regions = dl360.resolve("kernel/iommu_groups/10/reserved_regions");
    Files.writeString(regions, Files.readString(regions).replace("df61ffff direct\n", "df61ffff direct-relaxable\n"));
    String policy = ROOT.resolve("examples/policies/kernel-intel.resv").toString();

    CliRun sysfs = CliRun.of("check", "--policy", policy, "--host", dl360.toString(), "--regions", "sysfs",
        "--group", "10");
    CliRun firmware = CliRun.of("check", "--policy", policy, "--host", dl360.toString(), "--group", "10");

    assertThat(sysfs.out()).contains("regions from sysfs (--regions sysfs)");
    assertThat(sysfs.out()).contains("    0x00000000df61e000 0x00000000df61ffff direct-relaxable\n");
    assertThat(sysfs.err()).isEmpty();
    assertThat(firmware.out()).doesNotContain("direct-relaxable");
    assertThat(firmware.err()).contains("sysfs shows '0x00000000df61e000 0x00000000df61ffff direct-relaxable', which"
        + " the firmware tables do not explain");
  }

  @Test
  void aHugeCommandLineIsOneLineAndExit2() throws IOException {
    Path dell = copy(DELL);
    byte[] huge = new byte[10 << 20];
    Arrays.fill(huge, (byte) 'x');
    Files.createDirectories(dell.resolve("proc"));
    Files.write(dell.resolve("proc/cmdline"), huge);

    CliRun run = CliRun.of("host", dell.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(dell.resolve("proc/cmdline")
        + ": error: is longer than 1 MiB, the most resvc reads from a sysfs file\n");
  }
}
