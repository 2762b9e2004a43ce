package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --domain} and {@code --qemu-cmdline} on the shipped hosts and example domains. */
class VmCheckCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String POLICY = ROOT.resolve("examples/policies/kernel-intel.resv").toString();
  private static final String DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString();
  private static final String Z270 = ROOT.resolve("examples/hosts/asus-prime-z270-a").toString();

  private static String domain(String name) {
    return ROOT.resolve("examples/domains/" + name).toString();
  }

  @Test
  void aRaidControllerLockedByAnRmrrIsRefusedAtAttach() {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DL360, "--domain", domain("dl360-raid.xml"));
    assertThat(run.exitCode()).isEqualTo(Main.FINDING);
    assertThat(run.out()).contains("libvirt domain 'dl360-storage' (" + domain("dl360-raid.xml")
        + "): machine pc-q35-8.2, RAM 16G, 1 host PCI device");
    assertThat(run.out()).contains("policy examples.KernelIntel on " + DL360 + ", guest pc-q35-8.2,ram=16G");
    assertThat(run.out()).contains("\nthe VM would NOT start: 1 of 1 host PCI devices fail\n"
        + "  <hostdev> 0000:03:00.0 (hostdev0) at " + domain("dl360-raid.xml") + ":17:73, group 10: fails at attach\n"
        + "    refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22); the kernel logs \"vfio-pci"
        + " 0000:03:00.0: Firmware has requested this device have a 1:1 IOMMU mapping");
    // Only the domain's group is evaluated.
    assertThat(run.out()).contains("0 of 1 groups assignable; not assignable: group 10");
    assertThat(run.out()).doesNotContain("group 9 ");
  }

  @Test
  void aUsbControllerWithARelaxableRmrrIsAccepted() {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", Z270, "--domain", domain("z270-usb.xml"));
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(run.out()).contains("    0x00000000892ae000 0x00000000892cdfff direct-relaxable\n");
    assertThat(run.out()).endsWith("the VM would start: every host PCI device can be assigned\n"
        + "  <hostdev> 0000:03:00.0 at " + domain("z270-usb.xml") + ":15:73, group 10: assignable\n");
  }

  @Test
  void aHostdevTheHostLacksIsBadInputAtItsLine() {
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DL360, "--domain", domain("dl360-absent.xml"));
    assertThat(run.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(domain("dl360-absent.xml") + ":12:73: error: <hostdev> 0000:42:00.0: the host "
        + DL360 + " has no such PCI device\n");
  }

  @Test
  void aGroupMemberNotAssignedBlocksTheDeviceAssigned(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("ilo-video.sh");
    Files.writeString(script, """
        qemu-system-x86_64 -machine pc-i440fx-8.2 -m 8192 \\
          -device vfio-pci,host=01:00.1,id=video
        """);
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", DL360, "--qemu-cmdline", script.toString());
    assertThat(run.exitCode()).isEqualTo(Main.FINDING);
    assertThat(run.out()).contains("QEMU command line (" + script + "): machine pc-i440fx-8.2, RAM 8G");
    assertThat(run.out()).contains("  -device vfio-pci 0000:01:00.1 (video) at " + script + ":2:11, group 5:"
        + " fails at attach\n");
    assertThat(run.out()).contains("    blocked by group member 0000:01:00.0 (in the same group, not assigned):"
        + " VFIO takes the whole group, so its regions count\n");
    // The iLO functions and the UHCI controller stay with their host drivers: the group is not viable
    // either; the root port's pcieport does not count (driver_managed_dma).
    assertThat(run.out()).contains(": fails at attach: group 5 is not viable\n");
    assertThat(run.out()).contains("    blocked by group member 0000:01:00.0, not assigned, bound to hpilo:"
        + " assign it too, or bind it to vfio-pci or pci-stub\n");
    assertThat(run.out()).contains("    blocked by group member 0000:01:00.4, not assigned, bound to uhci_hcd:");
    assertThat(run.out()).doesNotContain("0000:00:1c.4, not assigned");
  }

  /**
   * Dell Latitude 5414 group 3 holds the xHCI (00:14.0) and the PCH thermal function (00:14.2, bound
   * to intel_pch_thermal): the xHCI alone does not start, both together do.
   */
  @Test
  void aGroupIsViableOnlyWhenNoMemberIsLeftWithAHostDriver(@TempDir Path dir) throws Exception {
    String dell = ROOT.resolve("examples/hosts/dell-latitude-5414").toString();
    Path alone = dir.resolve("alone.sh");
    Files.writeString(alone, "qemu-system-x86_64 -M q35 -m 8G -device vfio-pci,host=00:14.0\n");
    CliRun one = CliRun.of("check", "--policy", POLICY, "--host", dell, "--qemu-cmdline", alone.toString());
    assertThat(one.exitCode()).isEqualTo(Main.FINDING);
    assertThat(one.out()).contains("the VM would NOT start: 1 of 1 host PCI devices fail\n"
        + "  -device vfio-pci 0000:00:14.0 at " + alone + ":1:41, group 3: fails at attach: group 3 is not viable\n");
    assertThat(one.out()).contains("    blocked by group member 0000:00:14.2, not assigned, bound to"
        + " intel_pch_thermal: assign it too, or bind it to vfio-pci or pci-stub\n");
    // The group's own verdict stands: its regions are fine.
    assertThat(one.out()).contains("1 of 1 groups assignable\n");

    Path both = dir.resolve("both.sh");
    Files.writeString(both,
        "qemu-system-x86_64 -M q35 -m 8G -device vfio-pci,host=00:14.0 -device vfio-pci,host=00:14.2\n");
    CliRun two = CliRun.of("check", "--policy", POLICY, "--host", dell, "--qemu-cmdline", both.toString());
    assertThat(two.exitCode()).isEqualTo(Main.OK);
    assertThat(two.out()).contains("the VM would start: every host PCI device can be assigned\n");
  }

  @Test
  void contradictingOptionsAreUsageErrors() {
    String dom = domain("z270-usb.xml");
    assertThat(CliRun.of("check", "--policy", POLICY, "--host", Z270, "--domain", dom, "--guest", "pc").err())
        .contains("--guest and --domain contradict each other");
    assertThat(CliRun.of("check", "--policy", POLICY, "--host", Z270, "--domain", dom, "--qemu-cmdline", dom).err())
        .contains("--domain and --qemu-cmdline contradict each other");
    CliRun group = CliRun.of("check", "--policy", POLICY, "--host", Z270, "--domain", dom, "--group", "3");
    assertThat(group.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(group.err()).contains("--group and --domain contradict each other");
  }

  @Test
  void malformedDomainXmlIsOneLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.xml");
    Files.writeString(bad, "<domain>\n  <memory unit='GiB'>4</memory>\n  <devices>\n");
    CliRun run = CliRun.of("check", "--policy", POLICY, "--host", Z270, "--domain", bad.toString());
    assertThat(run.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.err()).startsWith(bad + ":");
    assertThat(run.err()).contains(": error: malformed XML: ");
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void aDeviceOrAFifoIsRefusedBeforeReading(@TempDir Path dir) throws Exception {
    CliRun zero = CliRun.of("check", "--policy", POLICY, "--host", Z270, "--domain", "/dev/zero");
    assertThat(zero.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(zero.err()).isEqualTo("/dev/zero: error: is not a regular file (a FIFO, device or socket);"
        + " resvc reads only regular files\n");
    Path fifo = dir.resolve("vm.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isEqualTo(0);
    CliRun pipe = CliRun.of("check", "--policy", POLICY, "--host", Z270, "--qemu-cmdline", fifo.toString());
    assertThat(pipe.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(pipe.err()).contains("is not a regular file");
  }
}
