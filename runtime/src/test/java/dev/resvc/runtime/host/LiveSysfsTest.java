package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.testing.Notes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads this machine's own {@code /sys}; it may have no PCI devices and no IOMMU groups. */
class LiveSysfsTest {
  private static final Path SYS = Path.of("/sys");

  @TempDir Path tmp;

  private static boolean hasPciDevices() throws Exception {
    Path dir = SYS.resolve("bus/pci/devices");
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    }
  }

  @Test
  void theRealSysCanBeRead() throws Exception {
    assumeTrue(Files.isDirectory(SYS), "no /sys on this machine");
    List<InputNote> notes = new ArrayList<>();

    SysfsSnapshot s = Notes.keep(SysfsReader.read(SYS), notes);

    if (hasPciDevices()) {
      assertThat(s.devices()).isNotEmpty();
    }
    // Every group member is a device the snapshot knows, so the host can be built.
    assertThat(s.toHostWithoutFirmware("this machine").groups()).hasSize(s.groups().size());
  }

  @Test
  void theRealSysSnapshotsAndReadsBackEqual() throws Exception {
    assumeTrue(Files.isDirectory(SYS), "no /sys on this machine");
    Path out = tmp.resolve("snap");

    SnapshotWriter.write(SYS, out).value();

    SysfsSnapshot live = SysfsReader.read(SYS).value();
    SysfsSnapshot copy = SysfsReader.read(out).value();
    assertThat(copy.devices()).isEqualTo(live.devices());
    assertThat(copy.groups()).isEqualTo(live.groups());
    assertThat(copy.acpiTables().keySet()).isEqualTo(live.acpiTables().keySet());
    if (!live.devices().isEmpty()) {
      SnapshotWriterTest.assertNoLinkEscapes(out);
    }
  }
}
