package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.MessageTemplate;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a rule (or {@code default}) decides into the runtime's decision, checking that the action
 * belongs to its section and that a conflict's message is a well-formed template.
 */
final class ActionChecker {
  /** The words of the placeholders a message may use, in their order. */
  private static final List<String> PLACEHOLDERS =
      Arrays.stream(MessageTemplate.Placeholder.values())
          .map(MessageTemplate.Placeholder::word)
          .toList();

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

  /** The decision of a classify rule or default; null, with a diagnostic, for an action classify cannot take. */
  ClassifyDecision classifyAction(Action action, Provenance p) {
    return action.accept(new ClassifyAction(p));
  }

  /** The decision of a conflicts rule or default; null, with a diagnostic, for an action conflicts cannot take. */
  ConflictDecision conflictAction(Action action, Provenance p) {
    return action.accept(new ConflictAction(p));
  }

  /** What each action means in {@code classify}. */
  private final class ClassifyAction implements Action.Visitor<ClassifyDecision> {
    private final Provenance p;

    ClassifyAction(Provenance p) {
      this.p = p;
    }

    @Override
    public ClassifyDecision visit(Action.Keep k) {
      return ClassifyDecision.keep(p);
    }

    @Override
    public ClassifyDecision visit(Action.Drop d) {
      return ClassifyDecision.drop(p);
    }

    @Override
    public ClassifyDecision visit(Action.SetType t) {
      Optional<RegionType> type = RegionType.byResvName(t.typeName());
      if (type.isEmpty()) {
        List<String> names = new ArrayList<>(Field.REGION_TYPE.constants());
        names.addAll(List.of("keep", "drop"));
        report.unknown(
            Code.UNKNOWN_REGION_TYPE,
            t.span(),
            "`" + t.typeName() + "` is not a classify action",
            t.typeName(),
            names,
            "expected keep, drop or a region type: "
                + String.join(", ", Field.REGION_TYPE.constants()));
        return null;
      }
      return ClassifyDecision.setType(type.get(), p);
    }

    @Override
    public ClassifyDecision visit(Action.Allow a) {
      report.error(
          Code.ACTION_OF_OTHER_SECTION,
          a.span(),
          "`allow` belongs in `conflicts`; a classify rule decides keep, drop or a region type");
      return null;
    }

    @Override
    public ClassifyDecision visit(Action.Report r) {
      report.error(
          Code.ACTION_OF_OTHER_SECTION,
          r.span(),
          "`"
              + r.severity().keyword()
              + "` belongs in `conflicts`; a classify rule decides"
              + " keep, drop or a region type");
      return null;
    }
  }

  /** What each action means in {@code conflicts}. */
  private final class ConflictAction implements Action.Visitor<ConflictDecision> {
    private final Provenance p;

    ConflictAction(Provenance p) {
      this.p = p;
    }

    @Override
    public ConflictDecision visit(Action.Keep k) {
      return sectionAction(k.span(), "keep");
    }

    @Override
    public ConflictDecision visit(Action.Drop d) {
      return sectionAction(d.span(), "drop");
    }

    @Override
    public ConflictDecision visit(Action.SetType t) {
      if (RegionType.byResvName(t.typeName()).isPresent()) {
        return sectionAction(t.span(), t.typeName());
      }
      report.unknown(
          Code.UNKNOWN_REGION_TYPE,
          t.span(),
          "`" + t.typeName() + "` is not a conflicts action",
          t.typeName(),
          List.of("allow", "fatal", "warn", "info"),
          "expected allow, or fatal/warn/info with a message");
      return null;
    }

    @Override
    public ConflictDecision visit(Action.Allow a) {
      return ConflictDecision.allow(p);
    }

    @Override
    public ConflictDecision visit(Action.Report r) {
      MessageTemplate.Parse parse = MessageTemplate.parse(r.message().value());
      parse.problem().ifPresent(problem -> badTemplate(r.message(), problem));
      return parse
          .template()
          .map(template -> new ConflictDecision(severity(r.severity()), template, p))
          .orElse(null);
    }
  }

  /** E107 at the characters at fault, suggesting the closest placeholder for an unknown one. */
  private void badTemplate(Expr.StringLit message, MessageTemplate.Problem problem) {
    List<Diagnostic.Note> notes = new ArrayList<>();
    problem
        .placeholder()
        .flatMap(name -> Names.closest(name, PLACEHOLDERS))
        .ifPresent(n -> notes.add(Diagnostic.note("did you mean `{" + n + "}`?")));
    List<String> braced = PLACEHOLDERS.stream().map(w -> "{" + w + "}").toList();
    notes.add(
        Diagnostic.note(
            "placeholders are "
                + String.join(", ", braced.subList(0, braced.size() - 1))
                + " and "
                + braced.get(braced.size() - 1)
                + "; write {{ and }} for literal braces"));
    report.error(
        Code.BAD_PLACEHOLDER,
        message.spanOf(problem.start(), problem.end()),
        "in the message: " + problem.message(),
        notes.toArray(Diagnostic.Note[]::new));
  }

  private ConflictDecision sectionAction(Span span, String word) {
    report.error(
        Code.ACTION_OF_OTHER_SECTION,
        span,
        "`"
            + word
            + "` belongs in `classify`; a conflicts rule decides allow, or fatal/warn/info"
            + " with a message");
    return null;
  }
}
