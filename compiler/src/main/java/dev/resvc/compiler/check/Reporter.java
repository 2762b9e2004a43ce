package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How every part of the checker reports: an error, or an unknown name with the closest known one
 * ("did you mean …") and a hint. One place, so that all of them word "did you mean" alike.
 */
final class Reporter {
  private final Diagnostics diags;

  Reporter(Diagnostics diags) {
    this.diags = diags;
  }

  void error(Code code, Span span, String message, Diagnostic.Note... notes) {
    diags.add(Diagnostic.error(code, span, message, notes));
  }

  void warning(Code code, Span span, String message, Diagnostic.Note... notes) {
    diags.add(Diagnostic.warning(code, span, message, notes));
  }

  /** An error about {@code name}, with the closest of {@code candidates} and then {@code hint} (when not null) as notes. */
  void unknown(
      Code code, Span span, String message, String name, Collection<String> candidates, String hint) {
    List<Diagnostic.Note> notes = new ArrayList<>();
    Names.closest(name, candidates)
        .ifPresent(s -> notes.add(Diagnostic.note("did you mean `" + s + "`?")));
    if (hint != null) {
      notes.add(Diagnostic.note(hint));
    }
    diags.add(new Diagnostic(code, Diagnostic.Severity.ERROR, span, message, notes));
  }

  /** How many errors have been reported so far, to tell whether a part of the policy had any. */
  int errorCount() {
    return diags.errorCount();
  }
}
