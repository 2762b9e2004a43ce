package dev.resvc.compiler.build;

import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.diag.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the build made of one input file.
 *
 * @param name the file as diagnostics, provenance and generated headers name it (see {@link
 *     PolicyBuild#name})
 * @param path the file as it was read
 * @param sources every file the policy read (itself and its imports) by name, with its text: what the
 *     diagnostics quote and what an incremental build hashes; empty when it was not compiled
 * @param diagnostics the checker's, then the analyser's, each in order of place
 * @param status what became of it
 * @param className the class of its policy, once known
 * @param java the generated source, when {@code status} is {@link Status#GENERATED} or {@link
 *     Status#UP_TO_DATE}
 * @param clash which earlier file's policy its policy's name clashes with ({@link Status#NAME_CLASH})
 */
public record BuiltFile(String name, Path path, Map<String, String> sources, List<Diagnostic> diagnostics,
    Status status, Optional<String> className, Optional<GeneratedFile> java, Optional<NameClash> clash) {

  /** The fates of an input, for an exhaustive {@code switch} in each tool that reports them. */
  public enum Status {
    /** Compiled and generated. */
    GENERATED,
    /** Not read again: the cache vouched for its earlier output. */
    UP_TO_DATE,
    /** It parses and holds only constants, predicates and imports; its policies are those that import it. */
    IMPORT_ONLY,
    /** The checker reported errors; nothing generated. */
    ERRORS,
    /** The analyser warned and warnings are errors; nothing generated. */
    WARNINGS_DENIED,
    /** Its policy name is taken by a file earlier in name order, or is that policy's package. */
    NAME_CLASH;

    /** Whether this fate fails the build. */
    public boolean failed() {
      return switch (this) {
        case GENERATED, UP_TO_DATE, IMPORT_ONLY -> false;
        case ERRORS, WARNINGS_DENIED, NAME_CLASH -> true;
      };
    }
  }

  /**
   * Two policies that cannot be classes of one build: {@code className} is {@code ownerClass}, or one is
   * the package of the other. {@code owner} names the file, earlier in name order, that keeps its class.
   */
  public record NameClash(String className, String owner, String ownerClass) {
    /** The one-line message, naming the other file through {@code fileNames} (each tool names files its way). */
    public String message(UnaryOperator<String> fileNames) {
      String other = fileNames.apply(owner);
      return ownerClass.equals(className)
          ? "policy " + className + " is also declared by " + other
          : PolicyGenerator.clash(ownerClass, className).orElseThrow() + " (" + other + ")";
    }
  }

  public BuiltFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(status, "status");
    sources = Map.copyOf(sources);
    diagnostics = List.copyOf(diagnostics);
    if (java.isPresent() != (status == Status.GENERATED || status == Status.UP_TO_DATE)) {
      throw new IllegalArgumentException(name + ": generated source and status " + status + " disagree");
    }
    if (clash.isPresent() != (status == Status.NAME_CLASH)) {
      throw new IllegalArgumentException(name + ": name clash and status " + status + " disagree");
    }
  }

  /** The same file, its policy refused because its name clashes with another's. */
  BuiltFile clashing(NameClash clash) {
    return new BuiltFile(name, path, sources, diagnostics, Status.NAME_CLASH, className, Optional.empty(),
        Optional.of(clash));
  }

  /** Whether any diagnostic is an error. */
  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }
}
