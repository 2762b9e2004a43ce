package dev.resvc.cli;

import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.format.Formatting;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Position;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code resvc fmt}: policies in the canonical layout. Printed by default and written only with
 * {@code --write}, as gofmt, opa fmt and cedar format do (docs/cli.md says why).
 */
@Command(
    name = "fmt",
    mixinStandardHelpOptions = true,
    description = {
      "Print each policy in the canonical layout; with --write, rewrite the files in place.",
      "",
      "The layout is the one docs/language-syntax.md describes; every comment is kept. Like gofmt, opa fmt",
      "and cedar format, fmt prints the formatted text to standard output and changes no file unless asked:",
      "--write rewrites each file that changes ('formatted FILE' on stderr), --check lists the files that",
      "are not formatted, --diff prints what would change as a unified diff. '-' reads standard input.",
      "A file with syntax errors is left alone and its errors are printed."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:done (with --check: every file is formatted)",
      "1:with --check: some file is not formatted",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc fmt --check --diff examples/policies/*.resv",
      "  bin/resvc fmt --write my-policy.resv"
    })
final class FmtCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .resv policies, or '-' for standard input.")
  List<String> files;

  @Option(names = {"-w", "--write"}, description = "Rewrite each file that changes in place, instead of printing it.")
  boolean write;

  @Option(names = "--check", description = "Print 'FILE is not formatted' for each file that would change, and "
      + "exit 1 if any would; write nothing.")
  boolean check;

  @Option(names = {"-d", "--diff"}, description = "Print a unified diff of what formatting would change, instead "
      + "of the formatted text.")
  boolean diff;

  @Override
  public Integer call() throws UsageException {
    if (write && check) {
      throw new UsageException("--write and --check do not go together: --check writes nothing");
    }
    if (write && files.contains("-")) {
      throw new UsageException("--write cannot rewrite standard input; leave it out to print the result");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean broken = false;
    boolean unformatted = false;
    for (String arg : files) {
      String name = Inputs.displayName(arg);
      String text;
      try {
        text = Inputs.text(arg, System.in);
      } catch (InputException e) {
        err.println(Output.error(e));
        broken = true;
        continue;
      }
      Diagnostics diags = new Diagnostics();
      Optional<String> formatted = Formatting.format(text, name, diags);
      if (formatted.isEmpty()) {
        err.print(new DiagnosticRenderer(Map.of(name, text)).text(diags.sorted()));
        int n = diags.errorCount();
        err.println("resvc: " + name + ": " + n + (n == 1 ? " error" : " errors") + "; not formatted");
        broken = true;
        continue;
      }
      boolean changed = !formatted.get().equals(text);
      if (check && changed) {
        out.println(name + " is not formatted");
        unformatted = true;
      }
      if (diff) {
        out.print(UnifiedDiff.of(name, text, formatted.get()));
      } else if (!check && !write) {
        out.print(formatted.get());
      }
      if (write && changed) {
        try {
          write(Path.of(arg), formatted.get());
        } catch (IOException e) {
          err.println(Output.error(new InputException(name, Position.whole(), "cannot write: " + e.getMessage())));
          broken = true;
          continue;
        }
        err.println("formatted " + name);
      }
    }
    out.flush();
    return broken ? Main.BAD_INPUT : unformatted ? Main.FINDING : Main.OK;
  }

  /** Replaces the file's content through a temporary file beside it, so that a failure leaves it whole. */
  private static void write(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".fmt");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the temporary file keeps its default permissions
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
