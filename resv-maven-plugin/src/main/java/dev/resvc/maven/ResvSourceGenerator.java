package dev.resvc.maven;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Everything the {@code compile} goal does, without Maven: finds the {@code .resv} policies under a
 * source directory, compiles each with {@link PolicyCompiler}, writes its Java class with {@link
 * PolicyGenerator} and the {@code ServiceLoader} file listing every class. With {@code denyWarnings}
 * each policy also goes through {@code resvc lint}'s {@link Linter}, and a warning (W2xx) fails it.
 *
 * <p>Which files are policies: a file is compiled when it declares {@code policy NAME;}, has a
 * {@code classify}, {@code conflicts} or {@code test} section, or does not parse cleanly (so that its
 * errors are reported). A file that parses cleanly and holds only constants, predicates and imports
 * serves only as an import and is skipped; its errors surface through the policies that import it.
 *
 * <p>Incremental: a state file records, per policy, the SHA-256 of every input (the file and all its
 * imports, the keys of {@link PolicyCompiler.Compilation#sources()}), its class and the SHA-256 of the
 * generated source. A policy is regenerated only when an input's content changed, its output was
 * changed or removed, or the generator ({@link PolicyGenerator#fingerprint()}: its version and a hash of
 * its code) or the options differ. Outputs of policies that disappeared
 * (file deleted, or renamed its class) are deleted. Only files the state file lists are ever deleted.
 *
 * <p>File names in diagnostics, provenance and generated headers are relative to the project base
 * directory (absolute when outside it), so the generated classes do not depend on where the project
 * was checked out.
 */
public final class ResvSourceGenerator {
  /** The default of {@code includes}: every {@code .resv} file at any depth. */
  public static final String DEFAULT_INCLUDE = "**/*.resv";

  private static final String STATE_HEADER = "resv-maven-plugin state 1";

  /** Where to read and write. {@code includes} are Ant-style patterns relative to the source directory. */
  public record Config(Path baseDir, Path sourceDirectory, List<String> includes, Path outputDirectory,
      Path resourcesDirectory, Path stateFile, boolean denyWarnings) {
    public Config {
      Objects.requireNonNull(baseDir, "baseDir");
      Objects.requireNonNull(sourceDirectory, "sourceDirectory");
      includes = includes == null || includes.isEmpty() ? List.of(DEFAULT_INCLUDE) : List.copyOf(includes);
      Objects.requireNonNull(outputDirectory, "outputDirectory");
      Objects.requireNonNull(resourcesDirectory, "resourcesDirectory");
      Objects.requireNonNull(stateFile, "stateFile");
    }
  }

  /** Where progress goes (the Maven log in the mojo). */
  public interface Log {
    void info(String message);

    void warn(String message);

    void debug(String message);
  }

  /** What a run did; file names are as in diagnostics (relative to the base directory). */
  public record Result(List<String> generated, List<String> upToDate, List<String> skippedImports,
      List<Path> deleted, List<String> classNames) {}

  /** Policies that did not compile: {@link #getMessage()} holds every diagnostic, rendered. */
  public static final class PolicyFailure extends Exception {
    private static final long serialVersionUID = 1L;

    PolicyFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final Config config;
  private final Log log;

  public ResvSourceGenerator(Config config, Log log) {
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
    String options = "denyWarnings=" + config.denyWarnings() + " generator=" + PolicyGenerator.fingerprint();
    Map<String, Entry> old = readState(options);
    Map<String, Entry> fresh = new TreeMap<>();
    List<String> generated = new ArrayList<>();
    List<String> upToDate = new ArrayList<>();
    List<String> skippedImports = new ArrayList<>();
    StringBuilder failures = new StringBuilder();
    int failed = 0;
    Map<String, String> classOwner = new TreeMap<>();

    for (Path file : sources()) {
      String name = displayName(base, file);
      Entry previous = old.get(name);
      if (previous != null && upToDate(base, previous)) {
        fresh.put(name, previous);
        upToDate.add(name);
        log.debug("resv: " + name + " is up to date");
        continue;
      }
      if (!isPolicy(file, name)) {
        skippedImports.add(name);
        log.debug("resv: " + name + " declares no policy; it serves only as an import");
        continue;
      }
      PolicyCompiler.Compilation c = PolicyCompiler.compile(file, name);
      List<Diagnostic> warnings = new ArrayList<>(c.diagnostics().stream()
          .filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList());
      if (config.denyWarnings() && c.policy().isPresent()) {
        Linter.analyse(c.policy().get()).stream().map(Linter.Finding::diagnostic)
            .filter(d -> d.severity() == Diagnostic.Severity.WARNING).forEach(warnings::add);
      }
      if (c.hasErrors() || c.policy().isEmpty() || (config.denyWarnings() && !warnings.isEmpty())) {
        failed++;
        if (c.hasErrors() || c.policy().isEmpty()) {
          failures.append(c.renderText());
        } else {
          failures.append(new DiagnosticRenderer(c.sources()).text(warnings));
          failures.append(name).append(": warnings are errors (denyWarnings)\n");
        }
        if (previous != null) {
          fresh.put(name, previous); // keeps its old output tracked; its hashes keep it out of date
        }
        continue;
      }
      if (!c.diagnostics().isEmpty()) {
        log.warn("resv: " + name + ":\n" + c.renderText().stripTrailing());
      }
      CheckedPolicy policy = c.policy().get();
      String className = PolicyGenerator.className(policy);
      JavaFile java = PolicyGenerator.generate(policy, PolicyGenerator.sourceHash(c.sources()));
      String output = className.replace('.', '/') + ".java";
      String text = java.toString();
      writeIfChanged(config.outputDirectory().resolve(output), text);
      Map<String, String> inputs = new TreeMap<>();
      c.sources().forEach((source, content) -> inputs.put(source, sha256(content.getBytes(StandardCharsets.UTF_8))));
      fresh.put(name, new Entry(className, output, sha256(text.getBytes(StandardCharsets.UTF_8)), inputs));
      generated.add(name);
    }

    for (String name : List.copyOf(fresh.keySet())) {
      String className = fresh.get(name).className();
      String other = classOwner.putIfAbsent(className, name);
      if (other != null) {
        failed++;
        failures.append(name).append(": error: policy ").append(className).append(" is also declared by ")
            .append(other).append('\n');
        fresh.remove(name);
        continue;
      }
      for (Map.Entry<String, String> taken : classOwner.entrySet()) {
        Optional<String> clash = PolicyGenerator.clash(taken.getKey(), className);
        if (!taken.getKey().equals(className) && clash.isPresent()) {
          failed++;
          failures.append(name).append(": error: ").append(clash.get()).append(" (").append(taken.getValue())
              .append(")\n");
          classOwner.remove(className);
          fresh.remove(name);
          break;
        }
      }
    }

    List<Path> deleted = new ArrayList<>();
    List<String> kept = fresh.values().stream().map(Entry::output).toList();
    for (Entry e : old.values()) {
      if (!kept.contains(e.output())) {
        Path stale = config.outputDirectory().resolve(e.output());
        if (Files.deleteIfExists(stale)) {
          deleted.add(stale);
          log.info("resv: deleted " + stale + " (its policy is gone)");
        }
      }
    }

    List<String> classNames = List.copyOf(classOwner.keySet());
    Path services = config.resourcesDirectory().resolve(PolicyGenerator.SERVICE_FILE);
    if (classNames.isEmpty()) {
      Files.deleteIfExists(services);
    } else {
      writeIfChanged(services, PolicyGenerator.serviceFile(classNames));
    }
    writeState(options, fresh);

    if (failed > 0) {
      throw new PolicyFailure(failed + (failed == 1 ? " .resv policy has" : " .resv policies have")
          + " errors:\n" + failures.toString().stripTrailing());
    }
    if (!generated.isEmpty() || !deleted.isEmpty()) {
      log.info("resv: generated " + generated.size() + " of " + (generated.size() + upToDate.size())
          + " policies into " + config.outputDirectory() + (deleted.isEmpty() ? "" : ", deleted " + deleted.size()));
    } else {
      log.info("resv: all " + upToDate.size() + " policies are up to date");
    }
    return new Result(generated, upToDate, skippedImports, deleted, classNames);
  }

  /** The files under the source directory that match an include pattern, in name order. */
  List<Path> sources() throws IOException {
    Path dir = config.sourceDirectory();
    if (!Files.isDirectory(dir)) {
      log.debug("resv: no source directory " + dir);
      return List.of();
    }
    List<Pattern> patterns = config.includes().stream().map(ResvSourceGenerator::antPattern).toList();
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> {
            String rel = dir.relativize(p).toString().replace('\\', '/');
            return patterns.stream().anyMatch(pt -> pt.matcher(rel).matches());
          })
          .sorted()
          .toList();
    }
  }

  /** An Ant/Maven include pattern as a regex: {@code **}{@code /} is any number of directories. */
  static Pattern antPattern(String include) {
    String p = include.replace('\\', '/');
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < p.length(); i++) {
      char ch = p.charAt(i);
      if (p.startsWith("**/", i)) {
        re.append("(?:.*/)?");
        i += 2;
      } else if (p.startsWith("**", i)) {
        re.append(".*");
        i += 1;
      } else if (ch == '*') {
        re.append("[^/]*");
      } else if (ch == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString());
  }

  private static String displayName(Path base, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
  }

  /** See the class comment: anything but a cleanly parsed file of constants, predicates and imports. */
  private static boolean isPolicy(Path file, String name) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      return true; // the compiler reports it
    }
    Diagnostics diags = new Diagnostics();
    PolicyFile parsed = PolicyParser.parse(text, name, diags);
    if (diags.hasErrors()) {
      return true;
    }
    return parsed.items().stream().anyMatch(i -> i instanceof Item.PolicyDecl || i instanceof Item.Classify
        || i instanceof Item.Conflicts || i instanceof Item.Test);
  }

  private boolean upToDate(Path base, Entry e) {
    if (e.outputSha().isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> in : e.inputs().entrySet()) {
      Path input = base.resolve(in.getKey()).normalize();
      try {
        if (!sha256(Files.readAllBytes(input)).equals(in.getValue())) {
          log.debug("resv: " + in.getKey() + " changed");
          return false;
        }
      } catch (IOException ex) {
        log.debug("resv: " + in.getKey() + " is gone");
        return false;
      }
    }
    try {
      return sha256(Files.readAllBytes(config.outputDirectory().resolve(e.output()))).equals(e.outputSha());
    } catch (IOException ex) {
      return false;
    }
  }

  /*
   * The state file, one record a line, tab-separated:
   *   resv-maven-plugin state 1
   *   options <TAB> denyWarnings=… generator=…
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

  /** Writes only when the content differs, so that javac and the jar see unchanged files as unchanged. */
  private static void writeIfChanged(Path file, String text) throws IOException {
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
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
