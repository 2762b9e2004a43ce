package dev.resvc.compiler.build;

/**
 * How {@link PolicyBuild} treats the analyser's findings: whether it runs ({@code lint}; a generated
 * policy of thousands of overlapping rules can have millions of rule-pair findings, so it can be turned
 * off), and whether a warning keeps its policy from being generated ({@code warningsAsErrors}).
 */
public record BuildOptions(boolean lint, boolean warningsAsErrors) {
  /** The analyser runs, and its warnings are only reported. */
  public static final BuildOptions DEFAULT = new BuildOptions(true, false);

  public BuildOptions {
    if (warningsAsErrors && !lint) {
      // Without the analyser no warning can arise, so the option would silently mean nothing.
      throw new IllegalArgumentException("warnings can only be errors when the analyser runs");
    }
  }
}
