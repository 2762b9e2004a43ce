package dev.resvc.compiler.build;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A file the build produced: its path below an output directory ({@code /}-separated, e.g. {@code
 * examples/KernelIntel.java}) and its exact bytes, which every tool writes unchanged.
 */
public record GeneratedFile(String path, byte[] bytes) {
  public GeneratedFile {
    Objects.requireNonNull(path, "path");
    bytes = bytes.clone();
  }

  static GeneratedFile utf8(String path, String text) {
    return new GeneratedFile(path, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GeneratedFile f && f.path.equals(path) && Arrays.equals(f.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return 31 * path.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return path + " (" + bytes.length + " bytes)";
  }
}
