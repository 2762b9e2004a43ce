package dev.resvc.maven;

import dev.resvc.compiler.build.BuildOptions;
import dev.resvc.compiler.build.BuildOutput;
import dev.resvc.compiler.build.BuildResult;
import dev.resvc.compiler.build.BuiltFile;
import dev.resvc.compiler.build.GeneratedFile;
import dev.resvc.compiler.build.PolicyBuild;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.diag.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the {@code compile} goal does, without Maven: builds the files of {@link PolicySources}
 * with the compiler's {@link PolicyBuild} (the driver {@code resvc compile} adapts too, so both give the
 * same diagnostics and byte-identical classes), then writes each Java class and the {@code
 * ServiceLoader} file listing every class, and reports through the {@link BuildLog}.
 *
 * <p>Incremental: a state file records, per policy, the SHA-256 of every input (the file and all its
 * imports, the keys of {@link BuiltFile#sources()}), its class and the SHA-256 of the
 * generated source. A policy is regenerated only when an input's content changed, its output was
 * changed or removed, or the generator ({@link PolicyGenerator#fingerprint()}: its version and a hash of
 * its code) or the options differ. Outputs of policies that disappeared
 * (file deleted, or renamed its class) are deleted. Only files the state file lists are ever deleted.
 *
 * <p>File names in provenance, generated headers and the state file are relative to the project base
 * directory (absolute when outside it), so the generated classes do not depend on where the project
 * was checked out. Problems are reported with absolute paths ({@link Problem}), so that they can be
 * followed from a reactor build's log or an IDE.
 */
public final class ResvSourceGenerator {
  private static final String STATE_HEADER = "resv-maven-plugin state 1";

  /** Where to read and write. */
  public record Config(Path baseDir, PolicySources sources, Path outputDirectory, Path resourcesDirectory,
      Path stateFile, BuildOptions options) {
    public Config {
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(baseDir, "baseDir");
      Objects.requireNonNull(sources, "sources");
      Objects.requireNonNull(outputDirectory, "outputDirectory");
      Objects.requireNonNull(resourcesDirectory, "resourcesDirectory");
      Objects.requireNonNull(stateFile, "stateFile");
    }
  }

  /** What a run did; file names are as in provenance (relative to the base directory). */
  public record Result(List<String> generated, List<String> upToDate, List<String> skippedImports,
      List<Path> deleted, List<String> classNames) {}

  private final Config config;
  private final BuildLog log;

  public ResvSourceGenerator(Config config, BuildLog log) {
    this.config = config;
    this.log = log;
  }

  /** One recorded policy: its class, generated file (relative to the output directory), inputs. */
  private record Entry(String className, String output, String outputSha, Map<String, String> inputs) {}

  /**
   * Generates what is out of date and deletes what is stale.
   *
   * @throws PolicyFailure when a policy has errors (or warnings, with {@code denyWarnings}); the
   *     outputs of every other policy are still written first
   */
  public Result run() throws PolicyFailure, IOException {
    Path base = config.baseDir().toAbsolutePath().normalize();
    String options = "lint=" + config.options().lint() + " denyWarnings=" + config.options().warningsAsErrors()
        + " generator=" + PolicyGenerator.fingerprint();
    Map<String, Entry> old = readState(options);
    BuildResult build = new PolicyBuild(base, config.options()).run(config.sources().files(),
        (name, file) -> reuse(base, name, old.get(name)), (name, file) -> log.compiling(file.toAbsolutePath().normalize()));

    Map<String, Entry> fresh = new TreeMap<>();
    List<String> generated = new ArrayList<>();
    List<String> upToDate = new ArrayList<>();
    List<String> skippedImports = new ArrayList<>();
    List<Problem> failures = new ArrayList<>();
    int failed = 0;
    for (BuiltFile f : build.files()) {
      String name = f.name();
      for (Diagnostic d : f.diagnostics()) {
        Problem p = Problem.of(d, base);
        log.problem(p);
        if (f.status().failed() && d.severity() != Diagnostic.Severity.INFO) {
          failures.add(p);
        }
      }
      switch (f.status()) {
        case GENERATED -> {
          GeneratedFile java = f.java().orElseThrow();
          Map<String, String> inputs = new TreeMap<>();
          f.sources().forEach((source, text) -> inputs.put(source, sha256(text.getBytes(StandardCharsets.UTF_8))));
          fresh.put(name, new Entry(f.className().orElseThrow(), java.path(), sha256(java.bytes()), inputs));
          generated.add(name);
        }
        case UP_TO_DATE -> {
          fresh.put(name, old.get(name));
          upToDate.add(name);
          log.debug("resv: " + name + " is up to date");
        }
        case IMPORT_ONLY -> {
          skippedImports.add(name);
          log.debug("resv: " + name + " declares no policy; it serves only as an import");
        }
        case ERRORS, WARNINGS_DENIED -> {
          failed++;
          if (f.status() == BuiltFile.Status.WARNINGS_DENIED) {
            failures.add(fileProblem(f.path(), "warnings are errors (denyWarnings)"));
          }
          if (old.containsKey(name)) {
            fresh.put(name, old.get(name)); // keeps its old output tracked; its hashes keep it out of date
          }
        }
        case NAME_CLASH -> {
          // Not kept: its old output may be the class the other file now owns.
          failed++;
          failures.add(fileProblem(f.path(),
              f.clash().orElseThrow().message(other -> Problem.absolute(base, other).toString())));
        }
      }
    }

    for (Path written : PolicyBuild.write(build, List.of(BuildOutput.javaSources(config.outputDirectory())))) {
      log.changed(written.toAbsolutePath());
    }
    List<Path> deleted = new ArrayList<>();
    List<String> kept = fresh.values().stream().map(Entry::output).toList();
    for (Entry e : old.values()) {
      if (!kept.contains(e.output())) {
        Path stale = config.outputDirectory().resolve(e.output());
        if (Files.deleteIfExists(stale)) {
          deleted.add(stale);
          log.changed(stale.toAbsolutePath());
          log.info("resv: deleted " + stale + " (its policy is gone)");
        }
      }
    }

    List<String> classNames = build.classNames();
    Path services = config.resourcesDirectory().resolve(PolicyGenerator.SERVICE_FILE);
    if (classNames.isEmpty()) {
      if (Files.deleteIfExists(services)) {
        log.changed(services.toAbsolutePath());
      }
    } else {
      writeIfChanged(services, build.serviceFile().text());
    }
    writeState(options, fresh);

    if (failed > 0) {
      throw new PolicyFailure(failed, failures);
    }
    if (!generated.isEmpty() || !deleted.isEmpty()) {
      log.info("resv: generated " + generated.size() + " of " + (generated.size() + upToDate.size())
          + " policies into " + config.outputDirectory() + (deleted.isEmpty() ? "" : ", deleted " + deleted.size()));
    } else {
      log.info("resv: all " + upToDate.size() + " policies are up to date");
    }
    return new Result(generated, upToDate, skippedImports, deleted, classNames);
  }

  /** A problem of a whole file that fails the goal, logged as it is found. */
  private Problem fileProblem(Path file, String message) {
    Problem p = Problem.ofFile(file, message);
    log.problem(p);
    return p;
  }

  /** The recorded output of {@code name}, when it and every input are as recorded. */
  private Optional<PolicyBuild.Reuse> reuse(Path base, String name, Entry e) {
    if (e == null || e.outputSha().isEmpty()) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> in : e.inputs().entrySet()) {
      Path input = base.resolve(in.getKey()).normalize();
      try {
        if (!sha256(Files.readAllBytes(input)).equals(in.getValue())) {
          log.debug("resv: " + in.getKey() + " changed");
          return Optional.empty();
        }
      } catch (IOException ex) {
        log.debug("resv: " + in.getKey() + " is gone");
        return Optional.empty();
      }
    }
    try {
      byte[] output = Files.readAllBytes(config.outputDirectory().resolve(e.output()));
      return sha256(output).equals(e.outputSha())
          ? Optional.of(new PolicyBuild.Reuse(e.className(), new GeneratedFile(e.output(), output)))
          : Optional.empty();
    } catch (IOException ex) {
      return Optional.empty();
    }
  }

  /*
   * The state file, one record a line, tab-separated:
   *   resv-maven-plugin state 1
   *   options <TAB> lint=… denyWarnings=… generator=…
   *   policy <TAB> name <TAB> class <TAB> output <TAB> output-sha
   *   input <TAB> name <TAB> input-name <TAB> sha
   * A missing, unreadable or other-version file, or other options, count as "nothing recorded" for
   * regeneration, but its outputs are still remembered so that they can be deleted when stale.
   */
  private Map<String, Entry> readState(String options) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(config.stateFile(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    if (lines.isEmpty() || !lines.get(0).equals(STATE_HEADER)) {
      log.info("resv: ignoring unknown state file " + config.stateFile());
      return Map.of();
    }
    boolean sameOptions = false;
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "options" -> sameOptions = f.length == 2 && f[1].equals(options);
        case "policy" -> {
          if (f.length == 5) {
            entries.put(f[1], new Entry(f[2], f[3], f[4], new TreeMap<>()));
          }
        }
        case "input" -> {
          Entry e = entries.get(f.length == 4 ? f[1] : null);
          if (e != null) {
            e.inputs().put(f[2], f[3]);
          }
        }
        default -> log.debug("resv: skipping state line " + line);
      }
    }
    if (!sameOptions) {
      log.info("resv: generator version or options changed; regenerating every policy");
      Map<String, Entry> outputsOnly = new LinkedHashMap<>();
      entries.forEach((k, e) -> outputsOnly.put(k, new Entry(e.className(), e.output(), "", Map.of())));
      return outputsOnly;
    }
    return entries;
  }

  private void writeState(String options, Map<String, Entry> entries) throws IOException {
    StringBuilder sb = new StringBuilder(STATE_HEADER).append('\n');
    sb.append("options\t").append(options).append('\n');
    entries.forEach((name, e) -> {
      sb.append("policy\t").append(name).append('\t').append(e.className()).append('\t').append(e.output())
          .append('\t').append(e.outputSha()).append('\n');
      e.inputs().forEach((in, sha) -> sb.append("input\t").append(name).append('\t').append(in).append('\t')
          .append(sha).append('\n'));
    });
    writeIfChanged(config.stateFile(), sb.toString());
  }

  /**
   * Writes only when the content differs, so that javac and the jar see unchanged files as unchanged
   * (and an IDE refreshes only what changed).
   */
  private void writeIfChanged(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      if (java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
        return;
      }
    } catch (NoSuchFileException e) {
      // written below
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.write(file, bytes);
    log.changed(file.toAbsolutePath());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
