package dev.resvc.compiler.codegen;

import java.util.List;

/**
 * javac rejected generated code, or generated classes could not be loaded: an internal error of
 * resvc, never the policy author's. Each problem names the rule (and its {@code .resv} file:line)
 * whose code javac pointed at, when there is one.
 */
public final class CodegenException extends RuntimeException {
  private final List<String> problems;

  public CodegenException(String summary, List<String> problems) {
    super(summary + (problems.isEmpty() ? "" : ":\n  " + String.join("\n  ", problems)));
    this.problems = List.copyOf(problems);
  }

  public CodegenException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  public List<String> problems() {
    return problems;
  }
}
