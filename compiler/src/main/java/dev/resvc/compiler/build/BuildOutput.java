package dev.resvc.compiler.build;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@link PolicyBuild#write} puts a result. Kept in memory, a {@link BuildResult} is the third
 * form: its {@link GeneratedFile}s hold the bytes.
 */
public record BuildOutput(Form form, Path path) {
  public enum Form {
    /** {@code PACKAGE/Class.java} for each policy below the directory. */
    JAVA_SOURCES,
    /** Class files compiled in memory, and the {@code ServiceLoader} registration, below the directory. */
    CLASS_FILES,
    /** One jar holding the class files and the registration, ready for a class path. */
    JAR
  }

  public BuildOutput {
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(path, "path");
  }

  public static BuildOutput javaSources(Path dir) {
    return new BuildOutput(Form.JAVA_SOURCES, dir);
  }

  public static BuildOutput classFiles(Path dir) {
    return new BuildOutput(Form.CLASS_FILES, dir);
  }

  public static BuildOutput jar(Path file) {
    return new BuildOutput(Form.JAR, file);
  }
}
