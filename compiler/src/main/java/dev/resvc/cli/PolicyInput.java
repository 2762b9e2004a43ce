package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Compiling a policy and reading a guest the way every policy command does. */
final class PolicyInput {
  private PolicyInput() {}

  /** Compiles {@code file}; its warnings go to {@code err}; errors end the command (exit 2). */
  static Optional<CheckedPolicy> compile(Path file, PrintWriter err) throws InputException, CompileErrors {
    return compilation(file, err).policy();
  }

  /** As {@link #compile}, keeping the sources (the compiled engine hashes them into the class header). */
  static PolicyCompiler.Compilation compilation(Path file, PrintWriter err) throws InputException, CompileErrors {
    PolicyCompiler.Compilation c = attempt(file, err);
    if (c.hasErrors()) {
      throw new CompileErrors(List.of(new CompileErrors.Failed(file.toString(), c)));
    }
    return c;
  }

  /**
   * Compiles {@code file} for a command that goes on to its other policies when one fails ({@code
   * test}, {@code lint}, {@code diff}): warnings go to {@code err}, errors stay in the compilation for
   * the caller to throw together as {@link CompileErrors} once it has seen every policy.
   */
  static PolicyCompiler.Compilation attempt(Path file, PrintWriter err) throws InputException {
    InputFiles.requireRegularFile(file, file.toString(), InputLimits.POLICY);
    Inputs.processing(file.toString());
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
    if (!c.hasErrors() && !c.diagnostics().isEmpty()) {
      err.print(c.renderText());
    }
    return c;
  }

  /** A preset spec ({@code q35,ram=16G}) or a layout file path. */
  static GuestLayout guest(String spec) throws InputException, UsageException {
    if (spec.contains("/") || spec.endsWith(".layout") || Files.exists(Inputs.path(spec))) {
      if (!Files.exists(Inputs.path(spec))) {
        throw new InputException(spec, dev.resvc.runtime.input.Position.whole(), "no such guest layout file");
      }
      return GuestLayoutParser.parse(Inputs.text(spec, System.in), spec);
    }
    try {
      return GuestPresets.parseSpec(spec);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--guest: " + e.getMessage());
    }
  }
}
