package dev.resvc.maven;

import java.nio.file.Path;

/**
 * Where the goals' work is reported: the Maven log and, for an IDE's incremental build, the {@code
 * BuildContext} (problem markers, and which files to refresh). Kept free of Maven types so that the
 * goals' logic runs, and is tested, without Maven.
 */
public interface BuildLog {
  void info(String message);

  void debug(String message);

  /** A problem; those that fail the goal are also in the exception that ends it. */
  void problem(Problem problem);

  /** {@code file} (absolute) is about to be read again: the problems reported for it before are stale. */
  void compiling(Path file);

  /** {@code file} was written or deleted. */
  void changed(Path file);
}
