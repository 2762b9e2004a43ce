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

/** {@code resvc fmt}: rewrite policies in the canonical layout. */
@Command(
    name = "fmt",
    mixinStandardHelpOptions = true,
    description = {
      "Rewrite each policy in the canonical layout (docs/language-syntax.md), keeping every comment.",
      "A file is written only when it changes ('formatted FILE' on stderr); '-' formats standard input",
      "to standard output. A file with syntax errors is left alone and its errors are printed.",
      "",
      "Exit status: 0 done (with --check: every file is formatted), 1 with --check: a file is not",
      "formatted, 2 a file does not parse or cannot be read."
    })
final class FmtCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .resv policies, or '-' for standard input.")
  List<String> files;

  @Option(names = "--check", description = "Write nothing; print 'FILE is not formatted' for each file that would "
      + "change, and exit 1 if any would.")
  boolean check;

  @Override
  public Integer call() {
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
      if (check) {
        if (changed) {
          out.println(name + " is not formatted");
          unformatted = true;
        }
      } else if (arg.equals("-")) {
        out.print(formatted.get());
      } else if (changed) {
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
