package dev.resvc.compiler;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Checker;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The front half of the compiler as one call: load the file and its imports, parse, check. Every
 * command that reads a policy goes through here, so they all report the same diagnostics.
 */
public final class PolicyCompiler {
  private PolicyCompiler() {}

  /** The checked policy when there were no errors, every diagnostic, and the sources for quoting them. */
  public record Compilation(Optional<CheckedPolicy> policy, List<Diagnostic> diagnostics, Map<String, String> sources) {
    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }

    public String renderText() {
      return new DiagnosticRenderer(sources).text(diagnostics);
    }
  }

  public static Compilation compile(Path file) {
    return compile(file, file.toString());
  }

  /**
   * As {@link #compile(Path)}, reading {@code file} but naming it (and, relative to it, its imports)
   * {@code name} in diagnostics, sources and provenance: see {@link PolicyLoader#load(Path, String,
   * Diagnostics)}.
   */
  public static Compilation compile(Path file, String name) {
    Diagnostics diags = new Diagnostics();
    dev.resvc.compiler.syntax.LoadedPolicy loaded = PolicyLoader.load(file, name, diags);
    Optional<CheckedPolicy> checked = Optional.empty();
    if (!diags.hasErrors()) {
      Path dir = file.toAbsolutePath().getParent();
      checked = Checker.check(loaded.root(), loaded.imports(), dir, diags);
    }
    return new Compilation(diags.hasErrors() ? Optional.empty() : checked, diags.sorted(), loaded.sources());
  }
}
