package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.resvc.runtime.firmware.IortBuilder.map;
import static dev.resvc.runtime.firmware.IortBuilder.range;
import static dev.resvc.runtime.firmware.IortBuilder.ranges;
import static dev.resvc.runtime.firmware.IortBuilder.single;

import dev.resvc.runtime.firmware.IortBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Group members that are not PCI functions (#16): shown and evaluated by {@code host} and {@code
 * check}, in text and JSON, and kept by {@code snapshot}, whose copy answers as the original does for
 * every shipped host and for an Arm host whose only group holds an fsl-mc container.
 */
class NonPciMembersCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path HOSTS = ROOT.resolve("examples/hosts");
  private static final Path ZENBOOK = HOSTS.resolve("asus-zenbook-s16-um5606wa");
  private static final String SW_MSI = "0x0000000008000000 0x00000000080fffff msi\n";

  @TempDir Path tmp;

  static Stream<Path> shippedHosts() throws IOException {
    try (Stream<Path> dirs = Files.list(HOSTS)) {
      return dirs.filter(Files::isDirectory).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("shippedHosts")
  void aSnapshotOfAShippedHostAnswersAsTheHostDoes(Path host) throws IOException {
    assertRoundTrip(host);
  }

  @Test
  void aSnapshotOfTheArmHostWithAnFslMcContainerAnswersAsTheHostDoes() throws IOException {
    assertRoundTrip(armHost(tmp.resolve("lx2160a")));
  }

  @Test
  void anAcpiHidMemberTakesTheRegionsOfItsIvhdDeviceId() {
    // IVRS of the ASUS Zenbook S 16: the type-0x40 IVHD's ACPI-HID entry MSFT0201 (integer UID 1) has
    // device id 0x0060 (00:0c.0), and the 0x21 IVMD for 00:0c.0 is a unity map (flags 0x07).
    CliRun run = CliRun.of("host", ZENBOOK.toString());

    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("""
        group 0  type DMA-FQ
          MSFT0201:00  platform device  ACPI \\_SB_.PLTF MSFT0201 uid 1
              0x000000007d900000 0x000000007d9fffff direct  (ivmd)
              0x00000000fee00000 0x00000000feefffff msi  (msi-window)
              0x000000fd00000000 0x000000ffffffffff reserved  (ht-window)
        """);
    assertThat(run.err()).isEmpty();
  }

  @Test
  void checkRefusesTheAcpiHidMemberAsVfioPlatformLogsIt() {
    CliRun run = CliRun.of("check", "--policy", ROOT.resolve("examples/policies/kernel-amd.resv").toString(),
        "--host", ZENBOOK.toString(), "--guest", "q35,ram=8G", "--kernel", "6.6");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("group 0 (MSFT0201:00): NOT assignable\n"
        + "  device MSFT0201:00  platform device  ACPI \\_SB_.PLTF MSFT0201 uid 1\n");
    assertThat(run.out()).contains("the kernel logs \"vfio-platform MSFT0201:00: Firmware has requested this device"
        + " have a 1:1 IOMMU mapping");
    // Before 6.6 the attach succeeds; the unity map then lies in the guest's low RAM, which cannot be mapped.
    CliRun before = CliRun.of("check", "--policy", ROOT.resolve("examples/policies/kernel-amd.resv").toString(),
        "--host", ZENBOOK.toString(), "--guest", "q35,ram=8G", "--kernel", "6.5");
    assertThat(before.exitCode()).isEqualTo(1);
    assertThat(before.out()).doesNotContain("Firmware has requested");
    assertThat(before.out()).contains("it meets the direct region 0x000000007d900000..0x000000007d9fffff (ivmd)");
  }

  @Test
  void jsonNamesTheMemberAndDescribesIt() {
    CliRun host = CliRun.of("host", "--format", "json", ZENBOOK.toString());
    assertThat(host.out()).contains("\"platform_devices\": [");
    assertThat(host.out()).contains("\"name\": \"MSFT0201:00\"");
    assertThat(host.out()).contains("\"hid\": \"MSFT0201\"");
    CliRun check = CliRun.of("check", "--format", "json", "--policy",
        ROOT.resolve("examples/policies/kernel-amd.resv").toString(), "--host", ZENBOOK.toString(),
        "--guest", "q35,ram=8G");
    assertThat(check.out()).contains("\"devices\": [\n        \"MSFT0201:00\"\n      ]");
  }

  @Test
  void theFslMcContainerIsShownWithTheAcpiObjectOfItsBusAndOnlyTheSmmuWindow() throws IOException {
    Path host = armHost(tmp.resolve("lx2160a"));

    CliRun run = CliRun.of("host", host.toString());

    assertWithMessage(run.err()).that(run.exitCode()).isEqualTo(0);
    assertWithMessage(run.err()).that(run.out()).contains("""
        group 0
          dprc.1  fsl-mc device  ACPI \\_SB_.MCE0 NXP0008 (of NXP0008:00)  driver fsl_mc_dprc
              0x0000000008000000 0x00000000080fffff msi  (sw-msi)
        """);
    assertThat(run.out()).contains("""
        group 1
          TEST0001:00  platform device  ACPI \\_SB_.DMA0 TEST0001
              0x0000000008000000 0x00000000080fffff msi  (sw-msi)
              0x0000000084800000 0x0000000084ffffff direct-relaxable  (iort-rmr)
        """);
    // The ICID is not in sysfs: said once, as a warning naming the named component.
    assertThat(run.err()).contains("dprc.1 is an fsl-mc object: its stream ID is its ICID mapped through \\_SB_.MCE0");
  }

  private static void assertRoundTrip(Path host) throws IOException {
    Path out = Files.createTempDirectory("resvc-roundtrip").resolve("snap");
    try {
      CliRun snapshot = CliRun.of("snapshot", "--sysfs", host.toString(), out.toString());
      assertWithMessage("%s: %s", host, snapshot.err()).that(snapshot.exitCode()).isEqualTo(0);
      for (List<String> args : List.of(List.of("host"), List.of("host", "--format", "json"))) {
        CliRun original = run(args, host);
        CliRun copy = run(args, out);
        assertWithMessage("%s %s", args, host).that(copy.exitCode()).isEqualTo(original.exitCode());
        assertWithMessage("%s %s", args, host).that(copy.out().replace(out.toString(), "HOST"))
            .isEqualTo(original.out().replace(host.toString(), "HOST"));
        assertWithMessage("%s %s", args, host).that(copy.err().replace(out.toString(), "HOST"))
            .isEqualTo(original.err().replace(host.toString(), "HOST"));
      }
    } finally {
      HostTrees.deleteTree(out.getParent());
    }
  }

  @Test
  void checkEvaluatesTheGroupThatHoldsOnlyTheFslMcContainer() throws IOException {
    Path host = armHost(tmp.resolve("lx2160a"));

    CliRun run = CliRun.of("check", "--policy", ROOT.resolve("examples/policies/kernel-arm.resv").toString(),
        "--host", host.toString(), "--guest", "virt,ram=4G", "--kernel", "6.8");

    // Group 0 holds only dprc.1: named, its SMMU window outside the guest's RAM, so assignable; group 1's
    // platform device has a relaxable RMR, which does not stop the attach on 6.8.
    assertWithMessage(run.err()).that(run.exitCode()).isEqualTo(Main.OK);
    assertThat(run.out()).contains("group 0 (dprc.1): assignable\n  device dprc.1  fsl-mc device");
    assertThat(run.out()).contains("group 1 (TEST0001:00): assignable");
    assertThat(run.out()).contains("2 of 2 groups assignable");
  }

  private static CliRun run(List<String> args, Path host) {
    String[] all = Stream.concat(args.stream(), Stream.of(host.toString())).toArray(String[]::new);
    return CliRun.of(all);
  }

  /**
   * An Arm server in the layout of an NXP LX2160A booted with ACPI, built to the kernel's sysfs layout
   * and an IORT written to the specification (revision 5, E.d): the Management Complex is the platform
   * device {@code NXP0008:00} of ACPI device {@code \_SB_.MCE0}; its root container {@code dprc.1} is an
   * fsl-mc device below it, with no ACPI object of its own ({@code fsl_mc_bus_probe} adds it as a child);
   * group 0 holds only the container. The IORT names {@code \_SB_.MCE0} with an ID mapping of ICIDs to
   * stream IDs, as fsl-mc needs. A second platform device ({@code TEST0001:00}, a made-up DMA engine
   * at {@code \_SB_.DMA0}) has a single mapping to stream 0x20, which a remap-permitted RMR names.
   */
  static Path armHost(Path root) throws IOException {
    int smmu = 0x30;
    byte[] iort = IortBuilder.iort(5)
        .smmuV3(0x05000000L)
        .namedComponent("\\_SB_.MCE0", map(0x17, 0x40, 0x17, smmu, 0))
        .namedComponent("\\_SB_.DMA0", single(0x20, smmu))
        .rmr(1, ranges(range(0x84800000L, 0x800000L)), single(0x20, smmu))
        .build();
    write(root, "firmware/acpi/tables/IORT", iort);
    String mc = "devices/platform/NXP0008:00";
    acpiNode(root, mc, "devices/LNXSYSTM:00/LNXSYBUS:00/NXP0008:00", "\\_SB_.MCE0", "NXP0008");
    link(root, mc + "/subsystem", "bus/platform");
    link(root, mc + "/dprc.1/subsystem", "bus/fsl-mc");
    link(root, mc + "/dprc.1/driver", "bus/fsl-mc/drivers/fsl_mc_dprc");
    group(root, 0, SW_MSI, mc + "/dprc.1");
    String dma = "devices/platform/TEST0001:00";
    acpiNode(root, dma, "devices/LNXSYSTM:00/LNXSYBUS:00/TEST0001:00", "\\_SB_.DMA0", "TEST0001");
    link(root, dma + "/subsystem", "bus/platform");
    group(root, 1, SW_MSI + "0x0000000084800000 0x0000000084ffffff direct-relaxable\n", dma);
    return root;
  }

  private static void acpiNode(Path root, String device, String node, String path, String hid) throws IOException {
    write(root, node + "/path", (path + "\n").getBytes(StandardCharsets.ISO_8859_1));
    write(root, node + "/hid", (hid + "\n").getBytes(StandardCharsets.ISO_8859_1));
    link(root, device + "/firmware_node", node);
  }

  private static void group(Path root, int id, String regions, String device) throws IOException {
    String dir = "kernel/iommu_groups/" + id;
    write(root, dir + "/reserved_regions", regions.getBytes(StandardCharsets.US_ASCII));
    link(root, dir + "/devices/" + Path.of(device).getFileName(), device);
  }

  private static void write(Path root, String rel, byte[] bytes) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
  }

  private static void link(Path root, String rel, String target) throws IOException {
    Path link = root.resolve(rel);
    Files.createDirectories(link.getParent());
    Files.createDirectories(root.resolve(target));
    Files.createSymbolicLink(link, link.getParent().relativize(root.resolve(target)));
  }
}
