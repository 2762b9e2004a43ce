package dev.resvc.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the shared firmware-table corpus ({@code shared/corpus}), which lives beside the repository
 * clone: walks up from the working directory until a directory containing {@code shared/corpus/dmar}
 * appears. Fails (never skips) when there is none, so a missing corpus cannot pass silently.
 */
public final class Corpus {
  private Corpus() {}

  /** {@code .../shared/corpus}. */
  public static Path root() {
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("corpus");
      if (Files.isDirectory(candidate.resolve("dmar"))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "firmware corpus not found: no directory containing shared/corpus/dmar above " + start
            + " (the repository clone and shared/ must be siblings)");
  }

  public static Path dmarDir() {
    return root().resolve("dmar");
  }

  public static Path ivrsDir() {
    return root().resolve("ivrs");
  }

  public static Path iortDir() {
    return root().resolve("iort");
  }

  /** The machine directories below {@code dir} (e.g. {@link #dmarDir()}), sorted by name. */
  public static List<Path> machines(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> found = s.filter(Files::isDirectory).sorted().toList();
      if (found.isEmpty()) {
        throw new AssertionError("no machine directories in " + dir);
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The DMAR.bin of one machine, by directory name. */
  public static byte[] dmar(String machine) {
    return read(dmarDir().resolve(machine).resolve("DMAR.bin"));
  }

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
