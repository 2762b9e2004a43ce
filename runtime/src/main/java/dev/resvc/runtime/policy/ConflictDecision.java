package dev.resvc.runtime.policy;

import java.util.Objects;

/**
 * The answer of a conflicts rule for one merged region and one guest range. Built once per rule;
 * the message is rendered by the evaluator only when a finding is reported.
 */
public record ConflictDecision(Severity severity, MessageTemplate message, Provenance provenance) {
  public ConflictDecision {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(provenance, "provenance");
    if ((severity == Severity.ALLOW) != (message == null)) {
      throw new IllegalArgumentException("a message goes with a finding and only with it");
    }
  }

  public static ConflictDecision allow(Provenance p) {
    return new ConflictDecision(Severity.ALLOW, null, p);
  }

  public static ConflictDecision report(Severity severity, String message, Provenance p) {
    return new ConflictDecision(severity, MessageTemplate.parse(message).orElseThrow(), p);
  }
}
