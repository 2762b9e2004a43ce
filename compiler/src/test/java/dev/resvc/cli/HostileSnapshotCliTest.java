package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots from other people are hostile input: a link out of the snapshot, {@code /dev/zero}, a
 * FIFO, a directory that is no snapshot at all. Each is exit 2 with one line naming the file, quickly,
 * and nothing outside the snapshot is printed or copied.
 */
class HostileSnapshotCliTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DELL = ROOT.resolve("examples/hosts/dell-latitude-5414");
  private static final String POLICY = ROOT.resolve("examples/policies/kernel-intel.resv").toString();
  private static final String SECRET = "root:x:0:0:SECRET";
  /** A hang is the bug these tests look for; the bound is far above the few milliseconds a refusal takes. */
  private static final Duration QUICKLY = Duration.ofSeconds(20);

  @TempDir Path tmp;

  /** Each kind of file read as content: where it lives in the Dell snapshot, and the name errors give it. */
  private static Stream<Arguments> contentFiles() {
    return Stream.of(
        Arguments.of("kernel/iommu_groups/1/type", "kernel/iommu_groups/1/type"),
        Arguments.of("kernel/iommu_groups/1/reserved_regions", "kernel/iommu_groups/1/reserved_regions"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/vendor", "bus/pci/devices/0000:00:14.0/vendor"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/class", "bus/pci/devices/0000:00:14.0/class"),
        Arguments.of("devices/pci0000:00/0000:00:14.0/driver", "bus/pci/devices/0000:00:14.0/driver"),
        Arguments.of("firmware/acpi/tables/DMAR", "firmware/acpi/tables/DMAR"));
  }

  private static Stream<Arguments> contentFilesAndLinkKinds() {
    return contentFiles().flatMap(a -> Stream.of(
        Arguments.of(a.get()[0], a.get()[1], true), Arguments.of(a.get()[0], a.get()[1], false)));
  }

  /** A copy of the Dell snapshot in {@code tmp/snap}. */
  private Path dell() throws IOException {
    Path snap = tmp.resolve("snap");
    HostTrees.copyTree(DELL, snap);
    return snap;
  }

  /** A file beside the snapshot that must never be printed or copied. */
  private Path secret() throws IOException {
    return Files.writeString(tmp.resolve("passwd"), SECRET + "\n");
  }

  /** Replaces {@code rel} in {@code snap} by a link to {@code target}, absolute or spelt relative. */
  private static void linkOut(Path snap, String rel, Path target, boolean absolute) throws IOException {
    Path link = snap.resolve(rel);
    Files.delete(link);
    Files.createSymbolicLink(link, absolute ? target : link.getParent().relativize(target));
  }

  private static CliRun quickly(String... args) {
    return assertTimeoutPreemptively(QUICKLY, () -> CliRun.of(args));
  }

  /** Exit 2, nothing on standard output, exactly one line on standard error. */
  private static void assertOneLineError(CliRun run, String line) {
    assertWithMessage("stderr: %s", run.err()).that(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(line + "\n");
  }

  @ParameterizedTest(name = "{0} absolute={2}")
  @MethodSource("contentFilesAndLinkKinds")
  void hostRefusesALinkOutOfTheSnapshot(String rel, String named, boolean absolute) throws IOException {
    Path snap = dell();
    Path secret = secret();
    linkOut(snap, rel, secret, absolute);

    CliRun run = quickly("host", snap.toString());

    assertOneLineError(run, snap.resolve(named) + ": error: links outside the snapshot (to " + secret.toRealPath()
        + "); a snapshot is read only inside its directory");
    assertThat(run.err()).doesNotContain(SECRET);
  }

  @ParameterizedTest(name = "{0} absolute={2}")
  @MethodSource("contentFilesAndLinkKinds")
  void snapshotCopiesNothingFromOutsideTheSource(String rel, String named, boolean absolute) throws IOException {
    Path snap = dell();
    Path secret = secret();
    linkOut(snap, rel, secret, absolute);
    Path out = tmp.resolve("out");

    CliRun run = quickly("snapshot", "--sysfs", snap.toString(), out.toString());

    assertOneLineError(run, snap.resolve(named) + ": error: links outside the snapshot (to " + secret.toRealPath()
        + "); a snapshot is read only inside its directory");
    assertThat(Files.exists(out)).isFalse();
    assertNoFileHolds(tmp, SECRET, secret);
  }

  @Test
  void checkAndExplainRefuseALinkOutOfTheSnapshot() throws IOException {
    Path snap = dell();
    linkOut(snap, "kernel/iommu_groups/1/type", Path.of("/etc/passwd"), true);
    String line = snap.resolve("kernel/iommu_groups/1/type")
        + ": error: links outside the snapshot (to /etc/passwd); a snapshot is read only inside its directory";

    assertOneLineError(quickly("check", "--policy", POLICY, "--host", snap.toString()), line);
    assertOneLineError(quickly("explain", "--policy", POLICY, "--host", snap.toString(), "--device", "00:14.0"), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "kernel/iommu_groups/2/reserved_regions", "firmware/acpi/tables/DMAR", "devices/pci0000:00/0000:00:14.0/vendor"})
  @EnabledOnOs(OS.LINUX)
  void devZeroLinkedFromASnapshotIsRefusedAtOnce(String rel) throws IOException {
    Path snap = dell();
    linkOut(snap, rel, Path.of("/dev/zero"), true);

    CliRun run = quickly("check", "--policy", POLICY, "--host", snap.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).endsWith(
        ": error: links outside the snapshot (to /dev/zero); a snapshot is read only inside its directory\n");
    assertThat(run.err().lines().count()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "kernel/iommu_groups/2/reserved_regions", "kernel/iommu_groups/2/type", "firmware/acpi/tables/DMAR",
      "devices/pci0000:00/0000:00:14.0/class"})
  @EnabledOnOs(OS.LINUX)
  void aFifoInASnapshotIsRefusedWithoutBlocking(String rel) throws Exception {
    Path snap = dell();
    Files.delete(snap.resolve(rel));
    assertThat(new ProcessBuilder("mkfifo", snap.resolve(rel).toString()).inheritIO().start().waitFor()).isEqualTo(0);

    CliRun run = quickly("host", snap.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(": error: is not a regular file (a FIFO, device or socket)");
    assertThat(run.err().lines().count()).isEqualTo(1);
  }

  @Test
  void anEmptyDirectoryIsNoHost() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    String line = empty + ": error: no kernel/iommu_groups directory: not a sysfs snapshot"
        + " (make one with 'resvc snapshot')";

    assertOneLineError(quickly("check", "--policy", POLICY, "--host", empty.toString()), line);
    assertOneLineError(quickly("host", empty.toString()), line);
    assertOneLineError(quickly("explain", "--policy", POLICY, "--host", empty.toString(), "--device", "00:14.0"), line);
    assertOneLineError(quickly("snapshot", "--sysfs", empty.toString(), tmp.resolve("out").toString()), line);
  }

  @Test
  void anUnrelatedDirectoryIsNoHost() throws IOException {
    // The repository root has files, directories and links, but no kernel/iommu_groups. (An unreadable
    // directory cannot be tested here: the tests run as root, which permission bits do not stop; it is
    // "cannot read: permission denied" on kernel/iommu_groups, exit 2.)
    assertOneLineError(quickly("check", "--policy", POLICY, "--host", ROOT.toString()), ROOT
        + ": error: no kernel/iommu_groups directory: not a sysfs snapshot (make one with 'resvc snapshot')");
  }

  @Test
  void aFileIsNoHost() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");

    assertOneLineError(quickly("host", file.toString()),
        file + ": error: is not a directory (expected /sys or a snapshot made by 'resvc snapshot')");
  }

  @Test
  void aSnapshotOfAMachineWithTheIommuOffSaysSo() throws IOException {
    Path off = dell();
    HostTrees.deleteTree(off.resolve("kernel/iommu_groups"));
    Files.createDirectory(off.resolve("kernel/iommu_groups"));
    Path out = tmp.resolve("out");

    assertThat(quickly("snapshot", "--sysfs", off.toString(), out.toString()).exitCode()).isEqualTo(0);

    CliRun host = quickly("host", out.toString());
    assertThat(host.exitCode()).isEqualTo(0);
    assertThat(host.out()).contains("No IOMMU groups: the IOMMU is off");
    CliRun check = quickly("check", "--policy", POLICY, "--host", out.toString());
    assertThat(check.exitCode()).isEqualTo(0);
    assertThat(check.out()).contains("no IOMMU groups: nothing can be assigned");
  }

  /** No regular file under {@code dir} other than {@code except} holds {@code text}. */
  private static void assertNoFileHolds(Path dir, String text, Path except) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (!p.equals(except)) {
          assertWithMessage("%s", p).that(Files.readString(p, StandardCharsets.ISO_8859_1)).doesNotContain(text);
        }
      }
    }
  }
}
