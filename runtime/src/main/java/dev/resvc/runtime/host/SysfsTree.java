package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A sysfs tree, the live {@code /sys} or a snapshot, that is read only inside its own directory.
 *
 * <p>Snapshots come from other people, so a link in one may lead anywhere ({@code /etc/passwd},
 * {@code /dev/zero}, a FIFO). Every path is resolved to its real path, which must lie under the real
 * root, before anything below it is listed or read; content comes only from regular files, up to a cap
 * ({@link InputFiles}). The live {@code /sys} needs no exception: its root is {@code /sys}, and the
 * links sysfs itself makes ({@code bus/pci/devices/*}, group members, drivers) all stay below it.
 *
 * <p>Messages name a path as the user gave the root plus the path below it ({@code
 * snap/kernel/iommu_groups/1/type}): the file they can look at, in the tree they meant, with control
 * characters of hostile names escaped.
 *
 * @param root the root as given, for names in messages
 * @param realRoot the root with every link resolved, which real paths must stay under
 */
record SysfsTree(Path root, Path realRoot) {
  /** The most characters of a path one message quotes; far above any real sysfs path. */
  private static final int MAX_NAME = 400;

  /** Opens {@code root}, which must be a directory (or a link to one). */
  static SysfsTree open(Path root) throws InputException {
    String name = MessageText.clean(root.toString(), MAX_NAME);
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (NoSuchFileException e) {
      throw new InputException(name, Position.whole(), "no such directory", e);
    } catch (IOException e) {
      throw new InputException(name, Position.whole(), InputFiles.describe(e), e);
    }
    if (!Files.isDirectory(realRoot)) {
      throw new InputException(name, Position.whole(),
          "is not a directory (expected /sys or a snapshot made by 'resvc snapshot')");
    }
    // An unreadable root would otherwise be reported at the first path below it.
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(realRoot)) {
      entries.iterator().hasNext();
    } catch (IOException e) {
      throw new InputException(name, Position.whole(), "cannot list the directory: " + InputFiles.reason(e), e);
    }
    return new SysfsTree(root, realRoot);
  }

  /** {@code rel} as messages name it: below the root as given. */
  String name(String rel) {
    return name(root, rel);
  }

  /** {@code rel} below {@code root} as messages name it; one spelling for the reader and {@link HostBuilder}. */
  static String name(Path root, String rel) {
    return MessageText.clean(root.resolve(rel).toString(), MAX_NAME);
  }

  /** The root as messages name it. */
  String rootName() {
    return MessageText.clean(root.toString(), MAX_NAME);
  }

  /**
   * The real path of {@code rel}, or empty when nothing is there (a dangling link included: it
   * leads to nothing that could be read).
   *
   * @throws InputException when the path resolves outside the tree, or cannot be resolved
   */
  Optional<Path> find(String rel) throws InputException {
    Path real;
    try {
      real = realRoot.resolve(rel).toRealPath();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new InputException(name(rel), Position.whole(), InputFiles.describe(e), e);
    }
    if (!real.startsWith(realRoot)) {
      throw new InputException(name(rel), Position.whole(), "links outside the snapshot (to "
          + MessageText.clean(real.toString(), MAX_NAME) + "); a snapshot is read only inside its directory");
    }
    return Optional.of(real);
  }

  /** The real path of a directory the layout needs, or empty when there is none. */
  Optional<Path> findDirectory(String rel) throws InputException {
    Optional<Path> real = find(rel);
    if (real.isPresent() && !Files.isDirectory(real.get())) {
      throw new InputException(name(rel), Position.whole(), "is not a directory");
    }
    return real;
  }

  /** The content of {@code rel}, found at {@code real} by {@link #find}: a regular file, at most {@code limit}. */
  byte[] read(String rel, Path real, InputLimits limit) throws InputException {
    return InputFiles.read(real, name(rel), limit);
  }

  /** The names in directory {@code real} (found by {@link #find}), sorted. */
  List<String> list(String rel, Path real) throws InputException {
    try (Stream<Path> entries = Files.list(real)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new InputException(name(rel), Position.whole(),
          "cannot list the directory: " + InputFiles.reason(e), e);
    }
  }

  /** Whether the tree is a mounted sysfs (the live {@code /sys}), not a copy of one. */
  boolean isMountedSysfs() {
    try {
      return Files.getFileStore(realRoot).type().equals("sysfs");
    } catch (IOException e) {
      return false;
    }
  }
}
