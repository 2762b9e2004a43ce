package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs examples/libvirt-hook/qemu with {@code sh} as libvirt runs it (libvirt docs/hooks.rst: {@code
 * qemu GUEST prepare begin -}, the domain XML on standard input), with {@code RESVC} a two-line
 * wrapper that starts this build's command line from the test class path.
 */
class LibvirtHookTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path HOOK = ROOT.resolve("examples/libvirt-hook/qemu");

  @TempDir static Path dir;
  private static Path resvc;

  /** What one run of the hook gave. */
  private record Ran(int exit, String out, String err) {}

  @BeforeAll
  static void wrapper() throws IOException {
    resvc = dir.resolve("resvc");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(resvc, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' dev.resvc.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(resvc, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Ran hook(String host, String domainFile, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", HOOK.toString());
    pb.command().addAll(java.util.List.of(args));
    Map<String, String> env = pb.environment();
    env.put("RESVC", resvc.toString());
    env.put("RESVC_POLICY", ROOT.resolve("examples/policies/kernel-intel.resv").toString());
    env.put("RESVC_HOST", ROOT.resolve("examples/hosts/" + host).toString());
    pb.redirectInput(ROOT.resolve("examples/domains/" + domainFile).toFile());
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void prepareBeginStopsADomainVfioWouldRefuse() throws Exception {
    Ran ran = hook("hp-proliant-dl360-g7", "dl360-raid.xml", "dl360-storage", "prepare", "begin", "-");
    assertThat(ran.exit()).isEqualTo(1);
    assertThat(ran.out()).isEmpty();
    assertThat(ran.err()).startsWith("resvc: domain dl360-storage would not start:\n"
        + "the VM would NOT start: 1 of 1 host PCI devices fail\n"
        + "  <hostdev> 0000:03:00.0 (hostdev0) at <stdin>:17:73, group 10: fails at attach\n"
        + "    refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22); the kernel logs \"vfio-pci"
        + " 0000:03:00.0: Firmware has requested this device have a 1:1 IOMMU mapping");
  }

  @Test
  void prepareBeginLetsADomainThatWouldStartGoOn() throws Exception {
    Ran ran = hook("asus-prime-z270-a", "z270-usb.xml", "z270-usb", "prepare", "begin", "-");
    assertThat(ran.exit()).isEqualTo(0);
    assertThat(ran.out()).isEmpty();
  }

  @Test
  void aHostdevTheHostLacksStopsTheStartWithResvcsError() throws Exception {
    Ran ran = hook("hp-proliant-dl360-g7", "dl360-absent.xml", "dl360-gpu", "prepare", "begin", "-");
    assertThat(ran.exit()).isEqualTo(1);
    assertThat(ran.err()).isEqualTo("<stdin>:12:73: error: <hostdev> 0000:42:00.0: the host "
        + ROOT.resolve("examples/hosts/hp-proliant-dl360-g7") + " has no such PCI device\n"
        + "resvc: could not check domain dl360-gpu (resvc exit status 2; its error is above)\n");
  }

  @Test
  void everyOtherOperationExitsZeroWithoutRunningResvc() throws Exception {
    for (String[] call : new String[][] {{"dl360-storage", "start", "begin", "-"},
        {"dl360-storage", "release", "end", "-"}, {"dl360-storage", "migrate", "begin", "-"}}) {
      Ran ran = hook("hp-proliant-dl360-g7", "dl360-raid.xml", call);
      assertThat(ran.exit()).isEqualTo(0);
      assertThat(ran.out()).isEmpty(); // for migrate, empty output means "the XML unchanged"
      assertThat(ran.err()).isEmpty();
    }
  }
}
