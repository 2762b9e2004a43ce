package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.Position;
import java.io.InputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reading command-line inputs: a file, or {@code -} for standard input. Everything goes through
 * {@link InputFiles}, so a FIFO, a device or an endless stream is one error, never a hang or an
 * {@link OutOfMemoryError}. Remembers, per thread, the input last opened, so that a failure while
 * processing it can name it ({@link Failures#crash}).
 */
final class Inputs {
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private Inputs() {}

  /** The name to show in messages for an input argument. */
  static String displayName(String arg) {
    return arg.equals("-") ? "<stdin>" : arg;
  }

  /** A binary input (an ACPI table), at most {@link InputLimits#ACPI_TABLE}. */
  static byte[] bytes(String arg, InputStream stdin) throws InputException {
    return read(arg, stdin, InputLimits.ACPI_TABLE);
  }

  /** A UTF-8 text input (a region list, a guest layout, a policy to format), at most {@link InputLimits#TEXT_INPUT}. */
  static String text(String arg, InputStream stdin) throws InputException {
    return InputFiles.utf8(read(arg, stdin, InputLimits.TEXT_INPUT), displayName(arg));
  }

  /**
   * A text input as bytes, at most {@link InputLimits#TEXT_INPUT}, for a reader that decodes it itself
   * (XML declares its own encoding).
   */
  static byte[] textBytes(String arg, InputStream stdin) throws InputException {
    return read(arg, stdin, InputLimits.TEXT_INPUT);
  }

  private static byte[] read(String arg, InputStream stdin, InputLimits limit) throws InputException {
    String name = displayName(arg);
    processing(name);
    return arg.equals("-") ? InputFiles.read(stdin, name, limit) : InputFiles.read(path(arg), name, limit);
  }

  /** {@code arg} as a path; a name the file system cannot hold (a NUL byte) is bad input. */
  static Path path(String arg) throws InputException {
    try {
      return Path.of(arg);
    } catch (InvalidPathException e) {
      throw new InputException(arg, Position.whole(), "is not a valid path: " + e.getReason());
    }
  }

  /** Records that {@code name} is the input being worked on now. */
  static void processing(String name) {
    CURRENT.set(name);
  }

  /** The input last opened on this thread, if any. */
  static Optional<String> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Forgets the input of an earlier run on this thread. */
  static void reset() {
    CURRENT.remove();
  }
}
