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
  private final int maxErrors;
  private int errors;

  /** Collects every diagnostic. */
  public Diagnostics() {
    this(Integer.MAX_VALUE);
  }

  private Diagnostics(int maxErrors) {
    this.maxErrors = maxErrors;
  }

  /**
   * Collects up to {@code maxErrors} errors; adding one more throws {@link Full} (the error is not
   * kept). For a phase that could find an error per token of a hostile file: it catches {@code Full},
   * says it stopped, and gives up on the rest.
   */
  public static Diagnostics upTo(int maxErrors) {
    return new Diagnostics(maxErrors);
  }

  /** Thrown by a {@link #upTo bounded} collection at the error past its limit. */
  public static final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Diagnostic rejected;

    Full(Diagnostic rejected) {
      super("more than the allowed number of errors", null, false, false);
      this.rejected = rejected;
    }

    /** The error that did not fit; where the phase stopped. */
    public Diagnostic rejected() {
      return rejected;
    }
  }

  public void add(Diagnostic d) {
    if (d.severity() == Diagnostic.Severity.ERROR) {
      if (errors == maxErrors) {
        throw new Full(d);
      }
      errors++;
    }
    all.add(d);
  }

  public boolean hasErrors() {
    return errors > 0;
  }

  public int errorCount() {
    return errors;
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
