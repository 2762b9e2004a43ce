package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Position;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading command-line inputs: a file, or {@code -} for standard input. */
final class Inputs {
  private Inputs() {}

  /** The name to show in messages for an input argument. */
  static String displayName(String arg) {
    return arg.equals("-") ? "<stdin>" : arg;
  }

  static byte[] bytes(String arg, InputStream stdin) throws InputException {
    String name = displayName(arg);
    try {
      if (arg.equals("-")) {
        return stdin.readAllBytes();
      }
      Path path = Path.of(arg);
      if (Files.isDirectory(path)) {
        throw new InputException(name, Position.whole(), "is a directory, not a file");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new InputException(name, Position.whole(), "no such file");
    } catch (IOException e) {
      throw new InputException(name, Position.whole(), "cannot read: " + e.getMessage());
    }
  }

  static String text(String arg, InputStream stdin) throws InputException {
    byte[] bytes = bytes(arg, stdin);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InputException(displayName(arg), Position.whole(), "is not UTF-8 text (a binary file?)");
    }
  }
}
