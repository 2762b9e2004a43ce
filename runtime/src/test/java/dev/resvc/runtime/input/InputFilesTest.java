package dev.resvc.runtime.input;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path dir;

  @Test
  void readsARegularFile() throws Exception {
    Path file = Files.write(dir.resolve("a.txt"), new byte[] {1, 2, 3});
    assertThat(InputFiles.read(file, "a.txt", InputLimits.SYSFS_FILE)).isEqualTo(new byte[] {1, 2, 3});
  }

  @Test
  void refusesADirectoryAndAMissingFile() {
    InputException e = assertThrows(InputException.class, () -> InputFiles.read(dir, "d", InputLimits.POLICY));
    assertThat(e).hasMessageThat().isEqualTo("d: is a directory, not a file");
    e = assertThrows(InputException.class, () -> InputFiles.read(dir.resolve("nope"), "nope", InputLimits.POLICY));
    assertThat(e).hasMessageThat().isEqualTo("nope: no such file");
  }

  @Test
  void refusesAFileOverItsCap() throws Exception {
    Path file = Files.write(dir.resolve("big"), new byte[(int) InputLimits.SYSFS_FILE.maxBytes() + 1]);
    InputException e = assertThrows(InputException.class, () -> InputFiles.read(file, "big", InputLimits.SYSFS_FILE));
    assertThat(e).hasMessageThat()
        .isEqualTo("big: is longer than 1 MiB, the most resvc reads from a sysfs file");
    Files.write(file, new byte[(int) InputLimits.SYSFS_FILE.maxBytes()]);
    assertThat(InputFiles.read(file, "big", InputLimits.SYSFS_FILE)).hasLength((int) InputLimits.SYSFS_FILE.maxBytes());
  }

  @Test
  void refusesAStreamThatRunsPastItsCap() throws Exception {
    int cap = (int) InputLimits.SYSFS_FILE.maxBytes();
    assertThat(InputFiles.read(new ByteArrayInputStream(new byte[cap]), "<stdin>", InputLimits.SYSFS_FILE)).hasLength(cap);
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 0;
      }
    };
    InputException e = assertThrows(InputException.class, () -> InputFiles.read(endless, "<stdin>", InputLimits.SYSFS_FILE));
    assertThat(e).hasMessageThat().contains("is longer than 1 MiB");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void refusesDevZeroWithoutReadingIt() {
    InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(InputException.class,
        () -> InputFiles.read(Path.of("/dev/zero"), "/dev/zero", InputLimits.POLICY)));
    assertThat(e).hasMessageThat().isEqualTo(
        "/dev/zero: is not a regular file (a FIFO, device or socket); resvc reads only regular files");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void refusesAFifoWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isEqualTo(0);
    InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(InputException.class,
        () -> InputFiles.read(fifo, "fifo", InputLimits.POLICY)));
    assertThat(e).hasMessageThat().contains("is not a regular file");
  }

  @Test
  void followsALinkToARegularFile() throws Exception {
    Path file = Files.write(dir.resolve("target"), new byte[] {7});
    Path link = Files.createSymbolicLink(dir.resolve("link"), file);
    assertThat(InputFiles.read(link, "link", InputLimits.SYSFS_FILE)).isEqualTo(new byte[] {7});
  }

  @Test
  void decodesUtf8AndNamesTheFirstBadByte() throws Exception {
    assertThat(InputFiles.utf8("é€𝄞 ok".getBytes(java.nio.charset.StandardCharsets.UTF_8), "t")).isEqualTo("é€𝄞 ok");
    assertThat(InputFiles.utf8(new byte[0], "t")).isEmpty();
    InputException e = assertThrows(InputException.class, () -> InputFiles.utf8(new byte[] {'a', 'b', (byte) 0xe9, 'c'}, "t"));
    assertThat(e).hasMessageThat().isEqualTo("t: is not UTF-8 text (invalid byte at offset 2)");
    // a sequence cut short at the end is malformed too
    e = assertThrows(InputException.class, () -> InputFiles.utf8(new byte[] {'a', (byte) 0xe2, (byte) 0x82}, "t"));
    assertThat(e).hasMessageThat().isEqualTo("t: is not UTF-8 text (invalid byte at offset 1)");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void requireRegularFileRefusesWhatReadWouldWithoutOpening() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isEqualTo(0);
    InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(InputException.class,
        () -> InputFiles.requireRegularFile(fifo, "fifo", InputLimits.POLICY)));
    assertThat(e).hasMessageThat().contains("is not a regular file");
    e = assertThrows(InputException.class, () -> InputFiles.requireRegularFile(dir, "d", InputLimits.POLICY));
    assertThat(e).hasMessageThat().isEqualTo("d: is a directory, not a file");
    Path big = Files.write(dir.resolve("big"), new byte[(int) InputLimits.SYSFS_FILE.maxBytes() + 1]);
    e = assertThrows(InputException.class, () -> InputFiles.requireRegularFile(big, "big", InputLimits.SYSFS_FILE));
    assertThat(e).hasMessageThat().contains("is longer than 1 MiB");
    InputFiles.requireRegularFile(Files.write(dir.resolve("ok"), new byte[1]), "ok", InputLimits.SYSFS_FILE);
  }
}
