package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotWriterTest {
  @TempDir Path tmp;

  private final List<InputNote> notes = new ArrayList<>();

  @Test
  void aSnapshotReadsBackEqual() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live).platformDeviceInGroup(2, "INT33C2:00");
    Path out = tmp.resolve("snap");

    Notes.keep(SnapshotWriter.write(live, out), notes);

    List<InputNote> readNotes = new ArrayList<>();
    SysfsSnapshot original = Notes.keep(SysfsReader.read(live), readNotes);
    SysfsSnapshot copy = SysfsReader.read(out).value();
    assertThat(copy.sameContentAs(original)).isTrue();
    assertThat(copy.devices()).isEqualTo(original.devices());
    assertThat(copy.groups()).isEqualTo(original.groups());
    assertThat(copy.acpiTable("DMAR").get()).isEqualTo(SysfsFixture.dmarBytes());
    assertThat(copy.root()).isEqualTo(out);
    // The writer reports what reading the source noticed.
    assertThat(notes).isEqualTo(readNotes);
  }

  @Test
  void aSnapshotOfASnapshotReadsBackEqual() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live);
    Notes.keep(SnapshotWriter.write(live, tmp.resolve("one")), notes);

    Notes.keep(SnapshotWriter.write(tmp.resolve("one"), tmp.resolve("two")), notes);

    assertThat(Notes.keep(SysfsReader.read(tmp.resolve("two")), notes).sameContentAs(Notes.keep(SysfsReader.read(live), notes))).isTrue();
    assertThat(notes).isEmpty();
  }

  @Test
  void theSnapshotUsesTheKernelLayout() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live);
    Path out = tmp.resolve("snap");

    Notes.keep(SnapshotWriter.write(live, out), notes);

    assertThat(Files.readSymbolicLink(out.resolve("bus/pci/devices/0000:02:00.0")).toString())
        .isEqualTo("../../../devices/pci0000:00/0000:00:1c.0/0000:02:00.0");
    assertThat(Files.readSymbolicLink(out.resolve("devices/pci0000:00/0000:00:1c.0/0000:02:00.0/driver")).toString())
        .isEqualTo("../../../../bus/pci/drivers/nvme");
    assertThat(Files.readSymbolicLink(out.resolve("kernel/iommu_groups/4/devices/0000:00:1f.4")).toString())
        .isEqualTo("../../../../devices/pci0000:00/0000:00:1f.4");
    assertThat(Files.isDirectory(out.resolve("bus/pci/drivers/xhci_hcd"))).isTrue();
    assertThat(Files.isSymbolicLink(out.resolve("kernel/iommu_groups/4/reserved_regions"))).isFalse();
    assertThat(Files.readString(out.resolve("kernel/iommu_groups/4/reserved_regions")))
        .isEqualTo(SysfsFixture.ISA_FLOPPY + SysfsFixture.MSI);
    assertThat(Files.readString(out.resolve("kernel/iommu_groups/4/type"))).isEqualTo("DMA-FQ\n");
    assertThat(Files.readString(out.resolve("devices/pci0000:00/0000:00:14.0/class"))).isEqualTo("0x0c0330\n");
    // Only what the reader uses is copied.
    assertThat(Files.exists(out.resolve("devices/pci0000:00/0000:00:14.0/config"))).isFalse();
  }

  @Test
  void noSymlinkInTheSnapshotPointsOutsideIt() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live).platformDeviceInGroup(2, "INT33C2:00");
    Path out = tmp.resolve("snap");

    Notes.keep(SnapshotWriter.write(live, out), notes);

    assertNoLinkEscapes(out);
  }

  @Test
  void aCutReservedRegionsFileStaysCut() throws Exception {
    Path live = tmp.resolve("sys");
    String cut = SysfsFixture.MSI + "0x000000003e2e0000 0x000000003e2fffff dir";
    SysfsFixture.laptop(live).write("kernel/iommu_groups/2/reserved_regions", cut);
    Path out = tmp.resolve("snap");

    Notes.keep(SnapshotWriter.write(live, out), notes);

    assertThat(Files.readString(out.resolve("kernel/iommu_groups/2/reserved_regions"))).isEqualTo(cut);
    List<InputNote> again = new ArrayList<>();
    assertThat(Notes.keep(SysfsReader.read(out), again).group(2).get().truncated()).isTrue();
    assertThat(again).hasSize(1);
  }

  @Test
  void aMachineWithTheIommuOffSnapshotsToo() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptopIommuOff(live);
    Path out = tmp.resolve("snap");

    Notes.keep(SnapshotWriter.write(live, out), notes);

    SysfsSnapshot copy = Notes.keep(SysfsReader.read(out), notes);
    assertThat(copy.groups()).isEmpty();
    assertThat(copy.devices()).hasSize(7);
    assertThat(copy.device(PciAddress.parse("00:1c.0")).get().bridge()).isTrue();
    // The empty directory is the record that the IOMMU was off; without it the copy is no snapshot.
    try (Stream<Path> groups = Files.list(out.resolve("kernel/iommu_groups"))) {
      assertThat(groups.toList()).isEmpty();
    }
  }

  @Test
  void aLinkOutOfTheSourceIsRefusedAndItsTargetNotCopied() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret"), "SECRET\n");
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live).delete("kernel/iommu_groups/1/type")
        .delete("devices/pci0000:00/0000:00:02.0/class");
    Files.createSymbolicLink(live.resolve("kernel/iommu_groups/1/type"), secret);
    Path classLink = live.resolve("devices/pci0000:00/0000:00:02.0/class");
    Files.createSymbolicLink(classLink, classLink.getParent().relativize(secret));
    Path out = tmp.resolve("snap");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SnapshotWriter.write(live, out), notes));

    assertThat(e.detail()).startsWith("links outside the snapshot (to " + secret.toRealPath() + ")");
    assertThat(Files.exists(out)).isFalse();
    assertNoFileHolds(tmp, "SECRET", secret);
  }

  /** No regular file under {@code dir} other than {@code except} holds {@code text}. */
  private static void assertNoFileHolds(Path dir, String text, Path except) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (!p.equals(except)) {
          assertWithMessage("%s", p).that(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1))
              .doesNotContain(text);
        }
      }
    }
  }

  @Test
  void anEmptyExistingOutputDirectoryIsFine() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live);
    Path out = Files.createDirectory(tmp.resolve("snap"));

    Notes.keep(SnapshotWriter.write(live, out), notes);

    assertThat(Notes.keep(SysfsReader.read(out), notes).devices()).hasSize(7);
  }

  @Test
  void aNonEmptyOutputDirectoryIsRefused() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live);
    Path out = Files.createDirectory(tmp.resolve("snap"));
    Files.writeString(out.resolve("notes.txt"), "keep me");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SnapshotWriter.write(live, out), notes));

    assertThat(e.source()).isEqualTo(out.toString());
    assertThat(e.detail()).contains("non-empty directory");
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left.toList()).containsExactly(out.resolve("notes.txt"));
    }
  }

  @Test
  void anOutputThatIsAFileIsRefused() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live);
    Path out = Files.writeString(tmp.resolve("snap"), "x");

    InputException e = assertThrows(InputException.class, () -> Notes.keep(SnapshotWriter.write(live, out), notes));

    assertThat(e.detail()).contains("not a directory");
  }

  @Test
  void aBadSourceWritesNothing() throws Exception {
    Path live = tmp.resolve("sys");
    SysfsFixture.laptop(live).write("kernel/iommu_groups/1/reserved_regions", "garbage\n");
    Path out = tmp.resolve("snap");

    assertThrows(InputException.class, () -> Notes.keep(SnapshotWriter.write(live, out), notes));

    assertThat(Files.exists(out)).isFalse();
  }

  static void assertNoLinkEscapes(Path out) throws Exception {
    Path base = out.toRealPath();
    int links = 0;
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : all.toList()) {
        if (!Files.isSymbolicLink(p)) {
          continue;
        }
        links++;
        Path target = Files.readSymbolicLink(p);
        assertWithMessage("%s -> %s is absolute", p, target).that(target.isAbsolute()).isFalse();
        Path resolved = p.getParent().resolve(target).normalize();
        assertWithMessage("%s -> %s leaves the snapshot", p, target).that(resolved.startsWith(base)).isTrue();
        assertWithMessage("%s -> %s dangles", p, target).that(Files.exists(p)).isTrue();
        assertWithMessage("%s -> %s resolves outside", p, target)
            .that(p.toRealPath().startsWith(base)).isTrue();
      }
    }
    assertThat(links).isGreaterThan(0);
  }
}
