package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.runtime.input.MessageText;
import java.util.List;

/**
 * Policies that did not compile, thrown once a command has seen every policy it was given; {@link
 * Failures} reports them (exit 2): their diagnostics and a count per file on stderr, and the diagnostics
 * in the error document when JSON was asked.
 */
final class CompileErrors extends Exception {
  private static final long serialVersionUID = 1L;

  /** One policy that did not compile: the name it was given by and its compilation, errors included. */
  record Failed(String file, PolicyCompiler.Compilation compilation) {
    long errors() {
      return compilation.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
    }

    /** {@code policy.resv: 2 errors}. */
    String summary() {
      return MessageText.clean(file, Output.MAX_SOURCE) + ": " + errors() + (errors() == 1 ? " error" : " errors");
    }
  }

  private final transient List<Failed> failed;

  CompileErrors(List<Failed> failed) {
    super(failed.stream().map(Failed::summary).reduce((a, b) -> a + "; " + b).orElseThrow());
    this.failed = List.copyOf(failed);
  }

  List<Failed> failed() {
    return failed;
  }

  /** Every diagnostic of every failed policy, in the order the policies were given. */
  List<Diagnostic> diagnostics() {
    return failed.stream().flatMap(f -> f.compilation().diagnostics().stream()).toList();
  }

  /** The first error, whose position the error document names. */
  Diagnostic first() {
    return diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).findFirst().orElseThrow();
  }
}
