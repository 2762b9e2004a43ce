package dev.resvc.maven;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Policies that did not compile: {@link #getMessage()} holds every error, one line each, as Maven
 * prints it after "Failed to execute goal" (no stack trace: the policies are wrong, not the plugin).
 */
public final class PolicyFailure extends Exception {
  private static final long serialVersionUID = 1L;

  PolicyFailure(int policies, List<Problem> problems) {
    super(policies + (policies == 1 ? " .resv policy has" : " .resv policies have") + " errors:\n"
        + problems.stream().map(Problem::text).collect(Collectors.joining("\n")), null, false, false);
  }
}
