package dev.resvc.runtime.input;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads inputs that may be hostile: only regular files (a FIFO would block forever, {@code /dev/zero}
 * never ends), and never more than the cap of their kind. Every refusal is an {@link InputException}
 * naming the input, so it reaches the user as one line and exit 2.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Reads a whole regular file, following links (the caller decides whether a link may leave its
   * directory). Refuses directories, FIFOs, devices and sockets before opening them, and files longer
   * than {@code limit}, whatever their size claims (sysfs and procfs files report sizes that are not
   * their length).
   */
  public static byte[] read(Path path, String name, InputLimits limit) throws InputException {
    requireRegularFile(path, name, limit);
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, name, limit);
    } catch (IOException e) {
      throw new InputException(name, Position.whole(), describe(e), e);
    }
  }

  /**
   * Refuses, without opening it, what {@link #read(Path, String, InputLimits)} would refuse before
   * reading: a missing file, a directory, a FIFO, device or socket, a file whose size is over
   * {@code limit}. For a caller that hands the path on to a reader of its own.
   */
  public static void requireRegularFile(Path path, String name, InputLimits limit) throws InputException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new InputException(name, Position.whole(), describe(e), e);
    }
    if (attributes.isDirectory()) {
      throw new InputException(name, Position.whole(), "is a directory, not a file");
    }
    if (!attributes.isRegularFile()) {
      throw new InputException(name, Position.whole(),
          "is not a regular file (a FIFO, device or socket); resvc reads only regular files");
    }
    if (attributes.size() > limit.maxBytes()) {
      throw tooLarge(name, limit);
    }
  }

  /** Reads a stream to its end, refusing it once it passes {@code limit}; for standard input. */
  public static byte[] read(InputStream in, String name, InputLimits limit) throws InputException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > limit.maxBytes()) {
          throw tooLarge(name, limit);
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new InputException(name, Position.whole(), describe(e), e);
    }
    return out.toByteArray();
  }

  /**
   * {@code bytes} as UTF-8 text, refusing malformed input rather than replacing it (a binary file given
   * where text belongs should be named, not half-read); the message gives the offset of the first bad
   * byte.
   */
  public static String utf8(byte[] bytes, String name) throws InputException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new InputException(name, Position.whole(),
          "is not UTF-8 text (invalid byte at offset " + in.position() + ")");
    }
    return out.flip().toString();
  }

  private static InputException tooLarge(String name, InputLimits limit) {
    return new InputException(name, Position.whole(),
        "is longer than " + limit.render() + ", the most resvc reads from " + limit.what());
  }

  /** A failure to read, in the words of the rest of resvc's messages: "no such file", "cannot read: …". */
  public static String describe(IOException e) {
    return e instanceof NoSuchFileException ? "no such file" : "cannot read: " + MessageText.clean(reason(e), 200);
  }

  /** Why an I/O operation failed, without saying which: "no such file", "permission denied", the JDK's words. */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
