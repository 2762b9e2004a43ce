package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.MessageTemplate;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a rule (or {@code default}) decides into the runtime's decision, checking that the action
 * belongs to its section and that a conflict's message is a well-formed template.
 */
final class ActionChecker {
  private static final List<String> PLACEHOLDERS = List.of("region", "device", "guest", "overlap");

  private final Reporter report;

  ActionChecker(Reporter report) {
    this.report = report;
  }

  /** Where a decision comes from, as findings and explanations cite it. */
  static Provenance provenance(String rule, Span span) {
    return new Provenance(rule, span.file(), span.line());
  }

  /** The runtime severity a {@code fatal}/{@code warn}/{@code info} keyword stands for. */
  static Severity severity(Action.Severity s) {
    return switch (s) {
      case FATAL -> Severity.FATAL;
      case WARN -> Severity.WARN;
      case INFO -> Severity.INFO;
    };
  }

  ClassifyDecision classifyAction(Action action, Provenance p) {
    if (action instanceof Action.Keep k) {
      return ClassifyDecision.keep(p);
    }
    if (action instanceof Action.Drop d) {
      return ClassifyDecision.drop(p);
    }
    if (action instanceof Action.SetType t) {
      Optional<RegionType> type = RegionType.byResvName(t.typeName());
      if (type.isEmpty()) {
        List<String> names = new ArrayList<>(EnumField.REGION_TYPE.constants());
        names.addAll(List.of("keep", "drop"));
        report.unknown(
            "E121",
            t.span(),
            "`" + t.typeName() + "` is not a classify action",
            t.typeName(),
            names,
            "expected keep, drop or a region type: "
                + String.join(", ", EnumField.REGION_TYPE.constants()));
        return null;
      }
      return ClassifyDecision.setType(type.get(), p);
    }
    if (action instanceof Action.Allow a) {
      report.error(
          "E109",
          a.span(),
          "`allow` belongs in `conflicts`; a classify rule decides keep, drop or a region type");
      return null;
    }
    if (action instanceof Action.Report r) {
      report.error(
          "E109",
          r.span(),
          "`"
              + r.severity().keyword()
              + "` belongs in `conflicts`; a classify rule decides"
              + " keep, drop or a region type");
      return null;
    }
    throw new AssertionError(action);
  }

  ConflictDecision conflictAction(Action action, Provenance p) {
    if (action instanceof Action.Allow a) {
      return ConflictDecision.allow(p);
    }
    if (action instanceof Action.Report r) {
      try {
        MessageTemplate.parse(r.message().value());
      } catch (MessageTemplate.Malformed e) {
        List<Diagnostic.Note> notes = new ArrayList<>();
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("unknown placeholder \\{(.*)}").matcher(e.getMessage());
        if (m.matches()) {
          Names.closest(m.group(1), PLACEHOLDERS)
              .ifPresent(n -> notes.add(Diagnostic.note("did you mean `{" + n + "}`?")));
        }
        notes.add(
            Diagnostic.note(
                "placeholders are {region}, {device}, {guest} and {overlap};"
                    + " write {{ and }} for literal braces"));
        report.error(
            "E107",
            r.message().spanOf(e.start(), e.end()),
            "in the message: " + e.getMessage(),
            notes.toArray(Diagnostic.Note[]::new));
        return null;
      }
      return ConflictDecision.report(severity(r.severity()), r.message().value(), p);
    }
    if (action instanceof Action.Keep k) {
      return sectionAction(k.span(), "keep");
    }
    if (action instanceof Action.Drop d) {
      return sectionAction(d.span(), "drop");
    }
    if (action instanceof Action.SetType t) {
      if (RegionType.byResvName(t.typeName()).isPresent()) {
        return sectionAction(t.span(), t.typeName());
      }
      report.unknown(
          "E121",
          t.span(),
          "`" + t.typeName() + "` is not a conflicts action",
          t.typeName(),
          List.of("allow", "fatal", "warn", "info"),
          "expected allow, or fatal/warn/info with a message");
      return null;
    }
    throw new AssertionError(action);
  }

  private ConflictDecision sectionAction(Span span, String word) {
    report.error(
        "E109",
        span,
        "`"
            + word
            + "` belongs in `classify`; a conflicts rule decides allow, or fatal/warn/info"
            + " with a message");
    return null;
  }
}
