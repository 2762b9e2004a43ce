package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-group apertures in {@code check} and {@code explain} (docs/kernel-quirks.md, "Aperture"), on a
 * copy of the shipped Dell laptop given two VT-d units in the snapshot layout ({@code
 * class/iommu/dmarN/intel-iommu/{cap,ecap,address}}, {@code devices/} names). The registers are built
 * to the VT-d layout, not taken from the machine (no cited source gives its values): the graphics unit
 * legacy 39-bit, the other 48-bit with scalable mode and both translation stages.
 */
class ApertureCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DELL = ROOT.resolve("examples/hosts/dell-latitude-5414");
  private static final String POLICY = ROOT.resolve("examples/policies/kernel-intel.resv").toString();

  @TempDir Path tmp;

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /** The Dell with its units; {@code cmdline} as /proc/cmdline. */
  private Path dellWithUnits(String cmdline) throws IOException {
    Path dell = tmp.resolve("dell");
    HostTrees.copyTree(DELL, dell);
    write(dell.resolve("proc/cmdline"), cmdline + "\n");
    write(dell.resolve("proc/sys/kernel/osrelease"), "6.16.3-200.fc42.x86_64\n");
    unit(dell, "dmar0", Long.toHexString((38L << 16) | (0b00010L << 8)), "0", "fed90000", "0000:00:02.0");
    try (var groups = Files.list(dell.resolve("kernel/iommu_groups"))) {
      for (Path g : groups.toList()) {
        try (var devices = Files.list(g.resolve("devices"))) {
          for (Path d : devices.toList()) {
            if (!d.getFileName().toString().equals("0000:00:02.0")) {
              write(dell.resolve("class/iommu/dmar1/devices").resolve(d.getFileName().toString()), "");
            }
          }
        }
      }
    }
    unit(dell, "dmar1", Long.toHexString((47L << 16) | (0b00100L << 8)),
        Long.toHexString((1L << 43) | (1L << 46) | (1L << 47)), "fed91000");
    return dell;
  }

  private static void unit(Path host, String name, String cap, String ecap, String address, String... devices)
      throws IOException {
    Path dir = host.resolve("class/iommu").resolve(name);
    write(dir.resolve("intel-iommu/cap"), cap + "\n");
    write(dir.resolve("intel-iommu/ecap"), ecap + "\n");
    write(dir.resolve("intel-iommu/address"), address + "\n");
    for (String d : devices) {
      write(dir.resolve("devices").resolve(d), "");
    }
  }

  @Test
  void checkShowsEachGroupsApertureAndTheScalableModeAssumption() throws IOException {
    Path dell = dellWithUnits("ro quiet intel_iommu=on");

    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", dell.toString(), "--guest", "q35,ram=8G");

    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("  assumed: VT-d scalable mode not set on the command line");
    // group 1, the IGD, behind the legacy 39-bit unit
    assertThat(run.out()).contains("group 1 (0000:00:02.0)");
    assertThat(run.out()).contains("  aperture 0x0000000000000000 0x0000007fffffffff (dmar0 (cap 260200, ecap 0):"
        + " 39-bit second stage)");
    // group 10, the SSD, behind the scalable-mode unit: first stage on 6.16, bit 47 unusable
    assertThat(run.out()).contains("  aperture 0x0000000000000000 0x00007fffffffffff (dmar1 (cap 2f0400, ecap"
        + " c80000000000): 48-bit first stage (canonical: top bit unusable))");
    assertThat(run.out()).contains("    0x00000000fef00000 0x00007fffffffffff");
  }

  @Test
  void smOffOnTheCommandLineGivesTheSecondStageAndNoAssumption() throws IOException {
    Path dell = dellWithUnits("ro quiet intel_iommu=on,sm_off");

    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", dell.toString(), "--guest", "q35,ram=8G",
        "--group", "10");

    assertThat(run.out()).doesNotContain("scalable mode");
    assertThat(run.out()).contains("  aperture 0x0000000000000000 0x0000ffffffffffff (dmar1 (cap 2f0400, ecap"
        + " c80000000000): 48-bit second stage)");
  }

  @Test
  void jsonCarriesTheApertureAndWhereItCameFrom() throws IOException {
    Path dell = dellWithUnits("ro");

    CliRun run = CliRun.of("check", "--format", "json", "--policy", POLICY, "--host", dell.toString(),
        "--guest", "q35,ram=8G", "--group", "1");

    JsonNode group = new ObjectMapper().readTree(run.out()).get("groups").get(0);
    assertThat(group.get("aperture").get("end").asText()).isEqualTo("0x0000007fffffffff");
    assertThat(group.get("aperture").get("from").asText()).startsWith("dmar0");
  }

  @Test
  void explainShowsTheDeviceGroupsAperture() throws IOException {
    Path dell = dellWithUnits("ro intel_iommu=sm_on");

    CliRun run = CliRun.of("explain", "--policy", POLICY, "--host", dell.toString(), "--guest", "q35,ram=8G",
        "--device", "0000:00:02.0");

    assertThat(run.out()).contains("group 1: assignable\n  aperture 0x0000000000000000 0x0000007fffffffff (dmar0");
  }

  @Test
  void aShippedHostWithoutUnitsFallsBackToTheDmarHostAddressWidth() {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DELL.toString(), "--guest", "q35,ram=8G",
        "--group", "0");

    assertThat(run.out()).contains("  aperture 0x0000000000000000 0x0000007fffffffff (the DMAR host address width"
        + " (39 bits), as the host shows no intel-iommu cap in class/iommu)");
  }

  @Test
  void aGarbageRegisterIsOneLineNamingTheFileWithExit2() throws IOException {
    Path dell = dellWithUnits("ro");
    write(dell.resolve("class/iommu/dmar1/intel-iommu/ecap"), "c8000000000g\n");

    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", dell.toString(), "--guest", "q35,ram=8G");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines().count()).isEqualTo(1);
    assertThat(run.err()).contains("class/iommu/dmar1/intel-iommu/ecap");
  }
}
