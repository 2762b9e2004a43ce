package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Compiling a policy and reading a guest the way every policy command does. */
final class PolicyInput {
  private PolicyInput() {}

  /**
   * Compiles {@code file}; prints diagnostics to {@code err} (text or JSON); empty when there were
   * errors (the caller exits 2).
   */
  static Optional<CheckedPolicy> compile(Path file, Format format, PrintWriter err, PrintWriter out)
      throws InputException {
    return compilation(file, format, err, out).policy();
  }

  /** As {@link #compile}, keeping the sources (the compiled engine hashes them into the class header). */
  static PolicyCompiler.Compilation compilation(Path file, Format format, PrintWriter err, PrintWriter out)
      throws InputException {
    InputFiles.requireRegularFile(file, file.toString(), InputLimits.POLICY);
    Inputs.processing(file.toString());
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
    if (!c.diagnostics().isEmpty()) {
      if (format == Format.json && c.hasErrors()) {
        out.println(dev.resvc.runtime.json.Json.object().put("diagnostics", DiagnosticRenderer.json(c.diagnostics())));
      } else {
        err.print(c.renderText());
      }
    }
    if (c.hasErrors()) {
      long n = c.diagnostics().stream().filter(d -> d.severity() == dev.resvc.compiler.diag.Diagnostic.Severity.ERROR).count();
      err.println("resvc: " + MessageText.clean(file.toString(), 200) + ": " + n + (n == 1 ? " error" : " errors"));
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
