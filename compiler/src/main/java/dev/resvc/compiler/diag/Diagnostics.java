package dev.resvc.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects diagnostics across a whole run, so that a file with five mistakes gets five errors at once.
 * Not thread-safe; one per compilation.
 */
public final class Diagnostics {
  private final List<Diagnostic> all = new ArrayList<>();

  public void add(Diagnostic d) {
    all.add(d);
  }

  public boolean hasErrors() {
    return all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  public int errorCount() {
    return (int) all.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
  }

  /** All diagnostics, by file, line, column, then in the order they were reported. */
  public List<Diagnostic> sorted() {
    List<Diagnostic> copy = new ArrayList<>(all);
    copy.sort(Comparator.comparing((Diagnostic d) -> d.span().file())
        .thenComparingInt(d -> d.span().line())
        .thenComparingInt(d -> d.span().column()));
    return copy;
  }

  public List<Diagnostic> all() {
    return List.copyOf(all);
  }
}
