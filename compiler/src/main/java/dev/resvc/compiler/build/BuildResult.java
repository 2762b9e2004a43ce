package dev.resvc.compiler.build;

import dev.resvc.compiler.codegen.PolicyGenerator;
import java.util.List;
import java.util.Optional;

/**
 * Everything a build found and made, the same for every tool: one {@link BuiltFile} per input in name
 * order (its diagnostics in order of place), the generated sources and the {@code ServiceLoader}
 * registration. Tools only render it and write it.
 */
public record BuildResult(List<BuiltFile> files) {
  public BuildResult {
    files = List.copyOf(files);
  }

  /** The generated (or reused) source of each policy, in name order of its file. */
  public List<GeneratedFile> javaSources() {
    return files.stream().map(BuiltFile::java).flatMap(Optional::stream).toList();
  }

  /** The policy classes that have a source, sorted. */
  public List<String> classNames() {
    return files.stream().filter(f -> f.java().isPresent()).map(f -> f.className().orElseThrow()).sorted().toList();
  }

  /** {@code META-INF/services/dev.resvc.runtime.policy.Policy} listing {@link #classNames()}. */
  public GeneratedFile serviceFile() {
    return GeneratedFile.utf8(PolicyGenerator.SERVICE_FILE, PolicyGenerator.serviceFile(classNames()));
  }

  /** Whether an input has errors or a name another input already took. */
  public boolean hasErrors() {
    return files.stream().anyMatch(f -> f.status() == BuiltFile.Status.ERRORS || f.status() == BuiltFile.Status.NAME_CLASH);
  }

  /** Whether an input was refused only because warnings are errors. */
  public boolean warningsDenied() {
    return files.stream().anyMatch(f -> f.status() == BuiltFile.Status.WARNINGS_DENIED);
  }

  /** Whether every input built: what a tool needs before it writes an all-or-nothing output. */
  public boolean succeeded() {
    return files.stream().noneMatch(f -> f.status().failed());
  }
}
