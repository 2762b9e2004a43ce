package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Severity;
import java.util.Objects;

/**
 * What a rule's decision does, without where it is written: two rules with equal effects decide alike.
 * {@code kind} is a {@link ClassifyDecision.Kind} or a {@link Severity}, {@code detail} the type set or
 * the message; {@code action} is how a finding quotes the decision.
 */
record Effect(Enum<?> kind, String detail, String action) {
  static Effect of(CheckedPolicy.Rule<?> rule) {
    return switch (rule.section()) {
      case CLASSIFY -> of((ClassifyDecision) rule.decision());
      case CONFLICTS -> of((ConflictDecision) rule.decision());
    };
  }

  private static Effect of(ClassifyDecision d) {
    return new Effect(d.kind(), Objects.toString(d.type()), d.actionText());
  }

  private static Effect of(ConflictDecision d) {
    String message = d.message() == null ? "" : d.message().source();
    String action = d.severity() == Severity.ALLOW ? "allow" : d.severity().keyword() + " \"" + message + "\"";
    return new Effect(d.severity(), message, action);
  }

  /** Whether the rule drops the region. */
  boolean drops() {
    return kind == ClassifyDecision.Kind.DROP;
  }

  /** Whether the rule makes the region {@code direct-relaxable}. */
  boolean relaxes() {
    return kind == ClassifyDecision.Kind.SET_TYPE && detail.equals(RegionType.DIRECT_RELAXABLE.toString());
  }
}
