package dev.resvc.maven;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.cli.Main;
import dev.resvc.compiler.build.BuildOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resvc compile} and the plugin's {@code compile} goal are adapters of one build ({@code
 * PolicyBuild}): fed the same files with the same base directory, they report the same diagnostics and
 * generate byte-identical Java.
 */
class CliAndPluginAgreeTest {
  private static final Path EXAMPLES = Path.of("../examples").toAbsolutePath().normalize();

  /** A diagnostic's headline in either tool's output: file, line, column, severity, code, message. */
  private static final Pattern HEADLINE =
      Pattern.compile("^(\\S.*?):(\\d+):(\\d+): (error|warning|info)\\[([A-Z]\\d+)\\]: (.*)$");

  @TempDir Path project;
  Path src;

  @BeforeEach
  void setUp() throws IOException {
    // Laid out as the examples module is: the policies' tests name guest layouts in ../guests.
    src = project.resolve("policies");
    Files.createDirectories(src.resolve("lib"));
    for (String dir : List.of("policies", "guests")) {
      Files.createDirectories(project.resolve(dir));
      try (Stream<Path> files = Files.list(EXAMPLES.resolve(dir))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.copy(f, project.resolve(dir).resolve(f.getFileName()));
        }
      }
    }
    // Only imports and predicates: a library, no policy, in both tools.
    Files.writeString(src.resolve("lib/usb.resv"), "import \"classes.resv\";\npredicate usb = xhci;\n");
    Files.writeString(src.resolve("lib/classes.resv"), "predicate xhci = device.class matches 0x0c0330;\n");
    // The analyser's warnings (W203/W204: the second rule never fires) and a note.
    Files.writeString(src.resolve("warn.resv"), """
        policy t.Warn;
        import "lib/usb.resv";
        classify {
          rule a: when region.type == msi => keep;
          rule b: when region.type == msi => keep;
          rule relax: when region.source == rmrr and usb => direct-relaxable;
          default => keep;
        }
        """);
  }

  @Test
  void sameFilesGiveSameDiagnosticsAndByteIdenticalJava() throws Exception {
    Path cliOut = project.resolve("cli-java");
    Run cli = cli("--java-out", cliOut.toString());
    assertThat(cli.exitCode()).isEqualTo(0);
    Plugin plugin = plugin(new BuildOptions(true, false));
    plugin.generator().run();

    assertThat(cli.diagnostics()).isNotEmpty();
    assertThat(cli.diagnostics().stream().anyMatch(d -> d.startsWith("warning[W20"))).isTrue();
    assertThat(plugin.diagnostics()).containsExactlyElementsIn(cli.diagnostics()).inOrder();
    Map<String, String> cliFiles = tree(cliOut);
    assertThat(cliFiles).hasSize(examples() + 1); // every example and t.Warn, no library
    assertThat(tree(plugin.out())).isEqualTo(cliFiles);
    assertThat(cliFiles.get("t/Warn.java")).contains("policies/warn.resv");
  }

  @Test
  void brokenAndClashingFilesFailBothWithTheSameDiagnostics() throws Exception {
    Files.writeString(src.resolve("broken.resv"), "policy t.Broken;\nclassify {\n  rule r: when region.typ == msi => keep;\n"
        + "  default => kep;\n}\n");
    Files.writeString(src.resolve("zz-again.resv"), "policy t.Warn;\nclassify {\n  default => keep;\n}\n");
    Files.writeString(src.resolve("zz-package.resv"), "policy t.Warn.Inner;\nclassify {\n  default => keep;\n}\n");

    Run cli = cli("--java-out", project.resolve("cli-java").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    Plugin plugin = plugin(new BuildOptions(true, false));
    PolicyFailure failure = assertThrows(PolicyFailure.class, () -> plugin.generator().run());
    assertThat(failure.getMessage()).startsWith("3 .resv policies have errors:");

    assertThat(cli.diagnostics().stream().filter(d -> d.startsWith("error[E")).count()).isAtLeast(2);
    // The command line prints the diagnostics of files that do not compile last, with the count of errors.
    assertThat(plugin.diagnostics()).containsExactlyElementsIn(cli.diagnostics());
    // The clashes are refused at the same files, each naming warn.resv, which keeps t.Warn.
    List<String> refused = List.of(src.resolve("zz-again.resv").toString(), src.resolve("zz-package.resv").toString());
    assertThat(cli.fileErrors().keySet()).containsExactlyElementsIn(refused);
    assertThat(plugin.fileErrors().keySet()).containsExactlyElementsIn(refused);
    assertThat(cli.fileErrors().get(refused.get(0))).isEqualTo("policy t.Warn is also declared by policies/warn.resv");
    assertThat(plugin.fileErrors().get(refused.get(0))).isEqualTo("policy t.Warn is also declared by "
        + src.resolve("warn.resv"));
    assertThat(Files.exists(project.resolve("cli-java"))).isFalse(); // the command line writes all or nothing
  }

  @Test
  void deniedWarningsFailBothAtTheSameFile() throws Exception {
    Run cli = cli("--deny-warnings", "--java-out", project.resolve("cli-java").toString());
    assertThat(cli.exitCode()).isEqualTo(1);
    Plugin plugin = plugin(new BuildOptions(true, true));
    PolicyFailure failure = assertThrows(PolicyFailure.class, () -> plugin.generator().run());
    assertThat(failure.getMessage()).startsWith("1 .resv policy has errors:");
    assertThat(plugin.fileErrors()).containsExactly(src.resolve("warn.resv").toString(),
        "warnings are errors (denyWarnings)");
    assertThat(plugin.diagnostics()).containsExactlyElementsIn(cli.diagnostics()).inOrder();
  }

  /** What {@code resvc compile} printed, run on every file under {@link #src} with {@code --base} the project. */
  private Run cli(String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("compile", "--base", project.toString()));
    args.addAll(List.of(options));
    try (Stream<Path> walk = Files.walk(src)) {
      walk.filter(Files::isRegularFile).map(Path::toString).sorted().forEach(args::add);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    List<String> diagnostics = new ArrayList<>();
    Map<String, String> fileErrors = new TreeMap<>();
    for (String line : err.toString().lines().toList()) {
      Matcher m = HEADLINE.matcher(line);
      if (m.matches()) {
        diagnostics.add(diagnostic(project.resolve(m.group(1)), m));
      } else if (line.contains(": error: ") && !line.startsWith("resvc: ")) {
        int at = line.indexOf(": error: ");
        fileErrors.put(project.resolve(line.substring(0, at)).toString(), line.substring(at + ": error: ".length()));
      }
    }
    return new Run(code, diagnostics, fileErrors);
  }

  private Plugin plugin(BuildOptions options) {
    List<String> diagnostics = new ArrayList<>();
    Map<String, String> fileErrors = new TreeMap<>();
    BuildLog log = new BuildLog() {
      @Override
      public void info(String message) {}

      @Override
      public void debug(String message) {}

      @Override
      public void problem(Problem p) {
        Matcher m = HEADLINE.matcher(p.text());
        if (m.matches()) {
          diagnostics.add(diagnostic(Path.of(m.group(1)), m));
        } else {
          fileErrors.put(p.file().toString(), p.message());
        }
      }

      @Override
      public void compiling(Path file) {}

      @Override
      public void changed(Path file) {}
    };
    Path out = project.resolve("plugin-java");
    ResvSourceGenerator generator = new ResvSourceGenerator(new ResvSourceGenerator.Config(project,
        new PolicySources(src, List.of(), List.of()), out, project.resolve("plugin-resources"),
        project.resolve("plugin-state.tsv"), options), log);
    return new Plugin(generator, out, diagnostics, fileErrors);
  }

  /**
   * {@code severity[CODE]: message @ /abs/file:line:col}; the plugin folds notes into its one line as
   * {@code (note: …)}, which the command line prints on lines of their own, so they are cut off.
   */
  private static String diagnostic(Path file, Matcher m) {
    String message = m.group(6);
    int note = message.indexOf(" (note: ");
    return m.group(4) + "[" + m.group(5) + "]: " + (note < 0 ? message : message.substring(0, note)) + " @ "
        + file.normalize() + ":" + m.group(2) + ":" + m.group(3);
  }

  private static int examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES.resolve("policies"))) {
      return Math.toIntExact(files.filter(f -> f.toString().endsWith(".resv")).count());
    }
  }

  /** Every file below {@code dir} by relative path, with its text (UTF-8 decodes one to one: same text, same bytes). */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(f).toString().replace('\\', '/'), Files.readString(f));
      }
    }
    return files;
  }

  private record Run(int exitCode, List<String> diagnostics, Map<String, String> fileErrors) {}

  private record Plugin(ResvSourceGenerator generator, Path out, List<String> diagnostics,
      Map<String, String> fileErrors) {}
}
