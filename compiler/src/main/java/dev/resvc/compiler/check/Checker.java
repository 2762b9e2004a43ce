package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Provenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    Map<String, Span> ruleNames = new HashMap<>();
    for (PolicyFile f : imports) {
      for (Item item : f.items()) {
        if (item instanceof Item.Const c) {
          decls.declare(c);
        } else if (item instanceof Item.Predicate p) {
          decls.declare(p);
        } else if (!(item instanceof Item.Import)) {
          report.error(
              "E116",
              item.span(),
              "an imported file may only hold constants, predicates and imports;"
                  + " this "
                  + describe(item)
                  + " belongs in the importing policy");
        }
      }
    }
    Item.PolicyDecl decl = null;
    Item.Classify classify = null;
    Item.Conflicts conflicts = null;
    List<Item.Test> tests = new ArrayList<>();
    for (Item item : root.items()) {
      if (item instanceof Item.PolicyDecl p) {
        if (decl != null) {
          report.error(
              "E114",
              p.span(),
              "a second `policy` declaration",
              Diagnostic.note("the first is here", decl.span()));
        } else {
          decl = p;
        }
      } else if (item instanceof Item.Const c) {
        decls.declare(c);
      } else if (item instanceof Item.Predicate p) {
        decls.declare(p);
      } else if (item instanceof Item.Classify c) {
        if (classify != null) {
          report.error(
              "E114",
              c.span(),
              "a second `classify` section; put all classify rules in one",
              Diagnostic.note("the first is here", classify.span()));
        } else {
          classify = c;
        }
      } else if (item instanceof Item.Conflicts c) {
        if (conflicts != null) {
          report.error(
              "E114",
              c.span(),
              "a second `conflicts` section; put all conflicts rules in one",
              Diagnostic.note("the first is here", conflicts.span()));
        } else {
          conflicts = c;
        }
      } else if (item instanceof Item.Test t) {
        tests.add(t);
      }
      // Imports were resolved by the loader; nothing to check here.
    }
    String name = "";
    if (decl == null) {
      report.error(
          "E115",
          Span.none(root.file()),
          "the policy has no name: start the file with `policy NAME;`"
              + " (e.g. `policy examples.MyPolicy;`, also the generated Java class)");
    } else {
      name = decl.qualifiedName();
      checkQualifiedName(decl);
    }
    // Check every declaration even if unused, so mistakes in them are reported.
    folder.foldAll();
    predicates.resolveAll(typer);

    List<CheckedPolicy.ClassifyRule> classifyRules = new ArrayList<>();
    ClassifyDecision classifyDefault =
        ClassifyDecision.keep(Provenance.implicitDefault(root.file()));
    Span classifyDefaultAt = Span.none(root.file());
    if (classify != null) {
      checkSectionShape("classify", classify.span(), classify.items());
      for (RuleItem ri : classify.items()) {
        if (ri instanceof RuleItem.Rule r) {
          uniqueRule(r, ruleNames);
          Cond cond = typer.condition(r.condition(), EnumSet.of(Scope.DEVICE, Scope.REGION), "classify");
          ClassifyDecision d = actions.classifyAction(r.action(), ActionChecker.provenance(r.name(), r.span()));
          if (cond != null && d != null) {
            classifyRules.add(new CheckedPolicy.ClassifyRule(r.name(), r.span(), cond, d));
          }
        } else if (ri instanceof RuleItem.Default d) {
          ClassifyDecision decision =
              actions.classifyAction(d.action(), ActionChecker.provenance(Provenance.DEFAULT_RULE, d.span()));
          if (decision != null) {
            classifyDefault = decision;
            classifyDefaultAt = keyword(d.span(), "default");
          }
        }
      }
    }
    List<CheckedPolicy.ConflictRule> conflictRules = new ArrayList<>();
    ConflictDecision conflictDefault =
        ConflictDecision.allow(Provenance.implicitDefault(root.file()));
    Span conflictDefaultAt = Span.none(root.file());
    if (conflicts != null) {
      checkSectionShape("conflicts", conflicts.span(), conflicts.items());
      for (RuleItem ri : conflicts.items()) {
        if (ri instanceof RuleItem.Rule r) {
          uniqueRule(r, ruleNames);
          Cond cond = typer.condition(r.condition(), EnumSet.of(Scope.REGION, Scope.GUEST), "conflicts");
          ConflictDecision d = actions.conflictAction(r.action(), ActionChecker.provenance(r.name(), r.span()));
          if (cond != null && d != null) {
            conflictRules.add(new CheckedPolicy.ConflictRule(r.name(), r.span(), cond, d));
          }
        } else if (ri instanceof RuleItem.Default d) {
          ConflictDecision decision =
              actions.conflictAction(d.action(), ActionChecker.provenance(Provenance.DEFAULT_RULE, d.span()));
          if (decision != null) {
            conflictDefault = decision;
            conflictDefaultAt = keyword(d.span(), "default");
          }
        }
      }
    }
    List<TestCase> testCases =
        new TestChecker(report, folder, rootDir)
            .withRuleNames(ruleNames.keySet())
            .check(tests);
    return new CheckedPolicy(
        name,
        root.file(),
        classifyRules,
        classifyDefault,
        conflictRules,
        conflictDefault,
        testCases,
        classifyDefaultAt,
        conflictDefaultAt);
  }

  /** The first {@code word.length()} characters of a span that starts with that keyword. */
  private static Span keyword(Span item, String word) {
    return new Span(item.file(), item.line(), item.column(), Math.min(item.length(), word.length()));
  }

  private static String describe(Item item) {
    if (item instanceof Item.PolicyDecl p) {
      return "`policy` declaration";
    }
    if (item instanceof Item.Classify c) {
      return "`classify` section";
    }
    if (item instanceof Item.Conflicts c) {
      return "`conflicts` section";
    }
    if (item instanceof Item.Test t) {
      return "`test` block";
    }
    {
      return "item";
    }
  }

  private void checkQualifiedName(Item.PolicyDecl decl) {
    JavaNames.problem(decl.qualifiedName()).ifPresent(p -> report.error(p.code(), decl.span(), p.message()));
  }

  private void uniqueRule(RuleItem.Rule r, Map<String, Span> ruleNames) {
    Span previous = ruleNames.putIfAbsent(r.name(), r.nameSpan());
    if (previous != null) {
      report.error(
          "E102",
          r.nameSpan(),
          "a rule named `"
              + r.name()
              + "` already exists; rule names identify decisions,"
              + " so they must be unique",
          Diagnostic.note("first defined here", previous));
    }
  }

  private void checkSectionShape(String section, Span span, List<RuleItem> items) {
    if (items.isEmpty()) {
      report.error("E106", span, "the `" + section + "` section is empty; remove it or add rules");
      return;
    }
    RuleItem.Default seen = null;
    for (RuleItem ri : items) {
      if (ri instanceof RuleItem.Default d) {
        if (seen != null) {
          report.error(
              "E110",
              d.span(),
              "a second `default` in `" + section + "`",
              Diagnostic.note("the first is here", seen.span()));
        }
        seen = d;
      } else if (seen != null && ri instanceof RuleItem.Rule r) {
        report.error(
            "E105",
            r.nameSpan(),
            "rule `"
                + r.name()
                + "` comes after `default` and can never run;"
                + " `default` must be the last entry of `"
                + section
                + "`",
            Diagnostic.note("default is here", seen.span()));
      }
    }
  }
}
