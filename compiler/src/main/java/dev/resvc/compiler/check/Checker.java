package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Provenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Checks a parsed policy and its imports and turns them into a {@link CheckedPolicy}, reporting every
 * problem it finds (not just the first) as a {@link Diagnostic} with a stable code
 * (docs/diagnostics.md). It only orders the work: {@link Declarations} holds the names, {@link
 * ConstantFolder} the values, {@link PredicateResolver} and {@link ConditionTyper} the conditions,
 * {@link ActionChecker} the actions and {@link TestChecker} the test blocks.
 */
public final class Checker {
  /**
   * How deep a checked condition may nest, counting each predicate it uses as a level plus the levels
   * of that predicate's condition (E124). The parser's limit for one expression; later phases rely on
   * it, so that walking a checked condition recursively stays within this many levels.
   */
  public static final int MAX_DEPTH = PolicyParser.MAX_NESTING;

  private final Reporter report;
  private final Declarations decls;
  private final ConstantFolder folder;
  private final PredicateResolver predicates;
  private final ConditionTyper typer;
  private final ActionChecker actions;

  private Checker(Diagnostics diags) {
    this.report = new Reporter(diags);
    this.decls = new Declarations(report);
    this.folder = new ConstantFolder(decls, report);
    this.predicates = new PredicateResolver(decls, report);
    this.typer = new ConditionTyper(decls, folder, predicates, report);
    this.actions = new ActionChecker(report);
  }

  /**
   * Checks {@code root} with its {@code imports} (each file once, any order).
   *
   * @param rootDir the directory test blocks resolve guest layout files against
   * @return the checked policy, or empty when any error was reported
   */
  public static Optional<CheckedPolicy> check(
      PolicyFile root, List<PolicyFile> imports, Path rootDir, Diagnostics diags) {
    Checker c = new Checker(diags);
    int errorsBefore = diags.errorCount();
    CheckedPolicy policy = c.run(root, imports, rootDir);
    return diags.errorCount() > errorsBefore ? Optional.empty() : Optional.ofNullable(policy);
  }

  private CheckedPolicy run(PolicyFile root, List<PolicyFile> imports, Path rootDir) {
    ImportedItems imported = new ImportedItems();
    imports.forEach(f -> f.items().forEach(item -> item.accept(imported)));
    RootItems items = new RootItems();
    root.items().forEach(item -> item.accept(items));
    String name = "";
    if (items.decl == null) {
      report.error(
          Code.BAD_POLICY_NAME,
          Span.none(root.file()),
          "the policy has no name: start the file with `policy NAME;`"
              + " (e.g. `policy examples.MyPolicy;`, also the generated Java class)");
    } else {
      name = items.decl.qualifiedName();
      checkQualifiedName(items.decl);
    }
    // Check every declaration even if unused, so mistakes in them are reported.
    folder.foldAll();
    predicates.resolveAll(typer);

    Map<String, Span> ruleNames = new HashMap<>();
    CheckedSection<ClassifyDecision> classify =
        section(
            Section.CLASSIFY,
            items.classify,
            actions::classifyAction,
            ClassifyDecision.keep(Provenance.implicitDefault(root.file())),
            root.file(),
            ruleNames);
    CheckedSection<ConflictDecision> conflicts =
        section(
            Section.CONFLICTS,
            items.conflicts,
            actions::conflictAction,
            ConflictDecision.allow(Provenance.implicitDefault(root.file())),
            root.file(),
            ruleNames);
    List<TestCase> testCases =
        new TestChecker(report, folder, rootDir)
            .withRuleNames(ruleNames.keySet())
            .check(items.tests);
    return new CheckedPolicy(
        name,
        root.file(),
        classify.rules(),
        classify.defaultDecision(),
        conflicts.rules(),
        conflicts.defaultDecision(),
        testCases,
        classify.defaultAt(),
        conflicts.defaultAt());
  }

  /** An imported file's items: constants and predicates are declared, imports were resolved by the loader. */
  private final class ImportedItems implements Item.Visitor<Void> {
    @Override
    public Void visit(Item.Const c) {
      decls.declare(c);
      return null;
    }

    @Override
    public Void visit(Item.Predicate p) {
      decls.declare(p);
      return null;
    }

    @Override
    public Void visit(Item.Import i) {
      return null;
    }

    @Override
    public Void visit(Item.PolicyDecl p) {
      return notInImport(p, "`policy` declaration");
    }

    @Override
    public Void visit(Item.Classify c) {
      return notInImport(c, "`classify` section");
    }

    @Override
    public Void visit(Item.Conflicts c) {
      return notInImport(c, "`conflicts` section");
    }

    @Override
    public Void visit(Item.Test t) {
      return notInImport(t, "`test` block");
    }

    private Void notInImport(Item item, String what) {
      report.error(
          Code.NOT_ALLOWED_IN_IMPORT,
          item.span(),
          "an imported file may only hold constants, predicates and imports;"
              + " this "
              + what
              + " belongs in the importing policy");
      return null;
    }
  }

  /** The policy file's items: declarations are declared, the rest collected (each at most once) to be checked in order. */
  private final class RootItems implements Item.Visitor<Void> {
    Item.PolicyDecl decl;
    Item.Classify classify;
    Item.Conflicts conflicts;
    final List<Item.Test> tests = new ArrayList<>();

    @Override
    public Void visit(Item.PolicyDecl p) {
      if (decl != null) {
        report.error(
            Code.SECOND_SECTION,
            p.span(),
            "a second `policy` declaration",
            Diagnostic.note("the first is here", decl.span()));
      } else {
        decl = p;
      }
      return null;
    }

    @Override
    public Void visit(Item.Const c) {
      decls.declare(c);
      return null;
    }

    @Override
    public Void visit(Item.Predicate p) {
      decls.declare(p);
      return null;
    }

    @Override
    public Void visit(Item.Import i) {
      return null; // resolved by the loader
    }

    @Override
    public Void visit(Item.Classify c) {
      if (classify != null) {
        report.error(
            Code.SECOND_SECTION,
            c.span(),
            "a second `classify` section; put all classify rules in one",
            Diagnostic.note("the first is here", classify.span()));
      } else {
        classify = c;
      }
      return null;
    }

    @Override
    public Void visit(Item.Conflicts c) {
      if (conflicts != null) {
        report.error(
            Code.SECOND_SECTION,
            c.span(),
            "a second `conflicts` section; put all conflicts rules in one",
            Diagnostic.note("the first is here", conflicts.span()));
      } else {
        conflicts = c;
      }
      return null;
    }

    @Override
    public Void visit(Item.Test t) {
      tests.add(t);
      return null;
    }
  }

  /** A checked section: its rules in order, what its default decides and where that {@code default} is. */
  private record CheckedSection<D>(List<CheckedPolicy.Rule<D>> rules, D defaultDecision, Span defaultAt) {}

  /**
   * Checks one section ({@code written} is null when the file has none): the one place rule lists and
   * defaults are built.
   *
   * @param decide what an action means in this section (null, reported, when it does not belong)
   * @param ruleNames rule names across both sections, which must be unique
   */
  private <D> CheckedSection<D> section(
      Section section,
      Item.RuleSection written,
      BiFunction<Action, Provenance, D> decide,
      D implicitDefault,
      String file,
      Map<String, Span> ruleNames) {
    if (written == null) {
      return new CheckedSection<>(List.of(), implicitDefault, Span.none(file));
    }
    if (written.items().isEmpty()) {
      report.error(
          Code.EMPTY_SECTION,
          written.span(),
          "the `" + section.word() + "` section is empty; remove it or add rules");
    }
    SectionEntries<D> entries = new SectionEntries<>(section, decide, ruleNames);
    entries.defaultDecision = implicitDefault;
    entries.defaultAt = Span.none(file);
    written.items().forEach(ri -> ri.accept(entries));
    return new CheckedSection<>(entries.rules, entries.defaultDecision, entries.defaultAt);
  }

  /**
   * Checks a section's entries in order: {@code default} must come last and once (E105, E110), and the
   * last good one decides.
   */
  private final class SectionEntries<D> implements RuleItem.Visitor<Void> {
    private final Section section;
    private final BiFunction<Action, Provenance, D> decide;
    private final Map<String, Span> ruleNames;
    final List<CheckedPolicy.Rule<D>> rules = new ArrayList<>();
    D defaultDecision;
    Span defaultAt;
    private RuleItem.Default seenDefault;

    SectionEntries(Section section, BiFunction<Action, Provenance, D> decide, Map<String, Span> ruleNames) {
      this.section = section;
      this.decide = decide;
      this.ruleNames = ruleNames;
    }

    @Override
    public Void visit(RuleItem.Rule r) {
      if (seenDefault != null) {
        report.error(
            Code.RULE_AFTER_DEFAULT,
            r.nameSpan(),
            "rule `"
                + r.name()
                + "` comes after `default` and can never run;"
                + " `default` must be the last entry of `"
                + section.word()
                + "`",
            Diagnostic.note("default is here", seenDefault.span()));
      }
      uniqueRule(r, ruleNames);
      Cond cond = typer.condition(r.condition(), section);
      D d = decide.apply(r.action(), ActionChecker.provenance(r.name(), r.span()));
      if (cond != null && d != null) {
        rules.add(new CheckedPolicy.Rule<>(section, r.name(), r.span(), cond, d));
      }
      return null;
    }

    @Override
    public Void visit(RuleItem.Default d) {
      if (seenDefault != null) {
        report.error(
            Code.SECOND_DEFAULT,
            d.span(),
            "a second `default` in `" + section.word() + "`",
            Diagnostic.note("the first is here", seenDefault.span()));
      }
      seenDefault = d;
      D decision = decide.apply(d.action(), ActionChecker.provenance(Provenance.DEFAULT_RULE, d.span()));
      if (decision != null) {
        defaultDecision = decision;
        defaultAt = keyword(d.span(), "default");
      }
      return null;
    }
  }

  /** The first {@code word.length()} characters of a span that starts with that keyword. */
  private static Span keyword(Span item, String word) {
    return new Span(item.file(), item.line(), item.column(), Math.min(item.length(), word.length()));
  }

  private void checkQualifiedName(Item.PolicyDecl decl) {
    JavaNames.problem(decl.qualifiedName()).ifPresent(p -> report.error(p.code(), decl.span(), p.message()));
  }

  private void uniqueRule(RuleItem.Rule r, Map<String, Span> ruleNames) {
    Span previous = ruleNames.putIfAbsent(r.name(), r.nameSpan());
    if (previous != null) {
      report.error(
          Code.DUPLICATE_NAME,
          r.nameSpan(),
          "a rule named `"
              + r.name()
              + "` already exists; rule names identify decisions,"
              + " so they must be unique",
          Diagnostic.note("first defined here", previous));
    }
  }
}
