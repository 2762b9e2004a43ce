package dev.resvc.runtime.policy;

import java.util.Objects;

/**
 * Which rule decided, and where it is written, so every answer can be traced to a line of policy (or
 * to the kernel, for decisions the kernel makes on its own).
 */
public record Provenance(String rule, String file, int line) {
  /** The rule name used for decisions made by {@code default}. */
  public static final String DEFAULT_RULE = "default";

  public Provenance {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(file, "file");
  }

  /** A decision the kernel makes whatever the policy says, named after the kernel function. */
  public static Provenance kernel(String function) {
    return new Provenance(function, "<kernel>", 0);
  }

  /** The implicit default of a section without {@code default} ({@code keep} / {@code allow}). */
  public static Provenance implicitDefault(String file) {
    return new Provenance(DEFAULT_RULE, file, 0);
  }

  public boolean isKernel() {
    return file.equals("<kernel>");
  }

  /** {@code rule usb_rmrr (policy.resv:9)}. */
  @Override
  public String toString() {
    if (isKernel()) {
      return "kernel " + rule;
    }
    return "rule " + rule + " (" + file + (line > 0 ? ":" + line : "") + ")";
  }
}
