package dev.resvc.compiler.build;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.JarWriter;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one build of policies into Java, which {@code resvc compile} and {@code resv-maven-plugin} both
 * only adapt (as Wire's {@code WireRun} serves its command line and its Gradle plugin): the same files
 * give the same diagnostics and byte-identical classes from either tool.
 *
 * <p>For each input, in name order: a file that parses and holds only constants, predicates and imports
 * is skipped ({@link #servesOnlyAsImport}); any other is loaded, parsed and checked ({@link
 * PolicyCompiler}), analysed ({@link Linter}, unless {@link BuildOptions#lint} is off) and generated
 * ({@link PolicyGenerator}). Then a policy whose class an earlier file's policy already has, or whose
 * name is that class's package or the reverse, is refused. Files are named relative to the base
 * directory (absolutely when outside it) in diagnostics, provenance and generated headers, so classes do
 * not depend on where the sources were checked out.
 */
public final class PolicyBuild {
  /** Earlier outputs an incremental build may reuse instead of compiling a file again. */
  @FunctionalInterface
  public interface Cache {
    Cache NONE = (name, file) -> Optional.empty();

    /** The class and source last generated from {@code file}, when none of its inputs changed since. */
    Optional<Reuse> reuse(String name, Path file);
  }

  /** An earlier output of a file, vouched for by a {@link Cache}. */
  public record Reuse(String className, GeneratedFile java) {}

  /** Told of each file before it is compiled: an IDE clears its old markers, a command line names it if it crashes. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (name, file) -> { };

    void compiling(String name, Path file);
  }

  private final Path baseDir;
  private final BuildOptions options;

  public PolicyBuild(Path baseDir, BuildOptions options) {
    this.baseDir = baseDir.toAbsolutePath().normalize();
    this.options = Objects.requireNonNull(options, "options");
  }

  public BuildResult run(Collection<Path> files) {
    return run(files, Cache.NONE, Listener.NONE);
  }

  /** Builds every file (one given twice is built once); failures are in the result, never thrown. */
  public BuildResult run(Collection<Path> files, Cache cache, Listener listener) {
    SortedMap<String, Path> inputs = new TreeMap<>();
    for (Path file : files) {
      inputs.putIfAbsent(name(baseDir, file), file);
    }
    List<BuiltFile> built = new ArrayList<>();
    inputs.forEach((name, file) -> built.add(build(name, file, cache, listener)));
    return new BuildResult(refuseClashes(built));
  }

  private BuiltFile build(String name, Path file, Cache cache, Listener listener) {
    Optional<Reuse> reuse = cache.reuse(name, file);
    if (reuse.isPresent()) {
      return new BuiltFile(name, file, Map.of(), List.of(), BuiltFile.Status.UP_TO_DATE,
          Optional.of(reuse.get().className()), Optional.of(reuse.get().java()), Optional.empty());
    }
    if (servesOnlyAsImport(file, name)) {
      return new BuiltFile(name, file, Map.of(), List.of(), BuiltFile.Status.IMPORT_ONLY, Optional.empty(),
          Optional.empty(), Optional.empty());
    }
    listener.compiling(name, file);
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file, name);
    if (c.policy().isEmpty()) {
      return new BuiltFile(name, file, c.sources(), c.diagnostics(), BuiltFile.Status.ERRORS, Optional.empty(),
          Optional.empty(), Optional.empty());
    }
    CheckedPolicy policy = c.policy().get();
    List<Diagnostic> diagnostics = new ArrayList<>(c.diagnostics());
    if (options.lint()) {
      diagnostics.addAll(Linter.lint(policy));
    }
    String className = PolicyGenerator.className(policy);
    if (options.warningsAsErrors() && diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.WARNING)) {
      return new BuiltFile(name, file, c.sources(), diagnostics, BuiltFile.Status.WARNINGS_DENIED,
          Optional.of(className), Optional.empty(), Optional.empty());
    }
    String java = PolicyGenerator.generate(policy, PolicyGenerator.sourceHash(c.sources())).toString();
    return new BuiltFile(name, file, c.sources(), diagnostics, BuiltFile.Status.GENERATED, Optional.of(className),
        Optional.of(GeneratedFile.utf8(className.replace('.', '/') + ".java", java)), Optional.empty());
  }

  /** The first file in name order keeps a class; a later policy that clashes with it is refused. */
  private static List<BuiltFile> refuseClashes(List<BuiltFile> built) {
    Map<String, String> owners = new TreeMap<>(); // class name -> file name
    List<BuiltFile> out = new ArrayList<>();
    for (BuiltFile f : built) {
      if (f.java().isEmpty()) {
        out.add(f);
        continue;
      }
      String className = f.className().orElseThrow();
      Optional<BuiltFile.NameClash> clash = owners.entrySet().stream()
          .filter(owner -> PolicyGenerator.clash(owner.getKey(), className).isPresent())
          .findFirst()
          .map(owner -> new BuiltFile.NameClash(className, owner.getValue(), owner.getKey()));
      if (clash.isPresent()) {
        out.add(f.clashing(clash.get()));
      } else {
        owners.put(className, f.name());
        out.add(f);
      }
    }
    return out;
  }

  /**
   * How the build names {@code file}: relative to {@code baseDir}, absolutely when outside it. The test
   * goal of the Maven plugin names files the same way.
   */
  public static String name(Path baseDir, Path file) {
    Path base = baseDir.toAbsolutePath().normalize();
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
  }

  /**
   * Whether {@code file} is no policy but a library: it parses cleanly and holds nothing but constants,
   * predicates and imports. Its problems surface through the policies that import it. A file that does
   * not parse or cannot be read counts as a policy, so that the compiler reports why, in its words.
   */
  public static boolean servesOnlyAsImport(Path file, String name) {
    String text;
    try {
      text = InputFiles.utf8(InputFiles.read(file, name, InputLimits.POLICY), name);
    } catch (InputException e) {
      return false;
    }
    Diagnostics diags = new Diagnostics();
    PolicyFile parsed = PolicyParser.parse(text, name, diags);
    return !diags.hasErrors() && parsed.items().stream().noneMatch(i -> i.accept(MAKES_A_POLICY));
  }

  /** Whether an item is one only a policy holds: a library holds imports, constants and predicates. */
  private static final Item.Visitor<Boolean> MAKES_A_POLICY = new Item.Visitor<>() {
    @Override
    public Boolean visit(Item.PolicyDecl item) {
      return true;
    }

    @Override
    public Boolean visit(Item.Import item) {
      return false;
    }

    @Override
    public Boolean visit(Item.Const item) {
      return false;
    }

    @Override
    public Boolean visit(Item.Predicate item) {
      return false;
    }

    @Override
    public Boolean visit(Item.Classify item) {
      return true;
    }

    @Override
    public Boolean visit(Item.Conflicts item) {
      return true;
    }

    @Override
    public Boolean visit(Item.Test item) {
      return true;
    }
  };

  /**
   * Writes what {@code result} generated to each output, leaving files whose content is already right
   * untouched (so javac, a jar and an IDE see unchanged files as unchanged).
   *
   * @return the files written, in the order written
   */
  public static List<Path> write(BuildResult result, List<BuildOutput> outputs) throws IOException {
    List<Path> written = new ArrayList<>();
    SortedMap<String, byte[]> classes = null;
    for (BuildOutput output : outputs) {
      switch (output.form()) {
        case JAVA_SOURCES -> {
          for (GeneratedFile f : result.javaSources()) {
            writeIfChanged(output.path().resolve(f.path()), f.bytes(), written);
          }
        }
        case CLASS_FILES -> {
          classes = classes != null ? classes : compile(result);
          for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            writeIfChanged(output.path().resolve(e.getKey().replace('.', '/') + ".class"), e.getValue(), written);
          }
          GeneratedFile services = result.serviceFile();
          writeIfChanged(output.path().resolve(services.path()), services.bytes(), written);
        }
        case JAR -> {
          classes = classes != null ? classes : compile(result);
          writeIfChanged(output.path(), JarWriter.toBytes(classes, result.classNames()), written);
        }
      }
    }
    return List.copyOf(written);
  }

  /** The class files of every generated source, compiled together in memory, by binary name. */
  public static SortedMap<String, byte[]> compile(BuildResult result) {
    Map<String, String> sources = new TreeMap<>();
    for (BuiltFile f : result.files()) {
      f.java().ifPresent(java -> sources.put(f.className().orElseThrow(), java.text()));
    }
    return InMemoryJavaCompiler.compileSources(sources);
  }

  private static void writeIfChanged(Path file, byte[] bytes, List<Path> written) throws IOException {
    try {
      if (Arrays.equals(Files.readAllBytes(file), bytes)) {
        return;
      }
    } catch (IOException e) {
      // missing or unreadable: writing it below succeeds, or fails saying why
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.write(file, bytes);
    written.add(file);
  }
}
