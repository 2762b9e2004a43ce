package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Syntax errors are reported once each, in plain words, and parsing goes on after them. */
class SyntaxErrorsTest {
  private static final String FIVE_MISTAKES = """
      classify {
        rule usb_rmrr: when region.source == rmrr keep;
        rule no_semicolon: when region.type == msi => keep
        rule empty: when => keep;
        rule brace: }
        rule paren: when (a and b => keep;
        rule fine: when a => drop;
        default => keep;
      }
      """;

  @Test
  void fiveMistakesInFiveRulesGiveFiveErrors() {
    Parsing.Result r = Parsing.parse(FIVE_MISTAKES);
    assertThat(r.codes()).containsExactly("E002", "E002", "E002", "E002", "E002");
    assertThat(r.messages()).containsExactly(
        "expected `=>` after the condition of rule `usb_rmrr`",
        "expected `;` after the action of rule `no_semicolon`, found `rule`",
        "expected a condition after `when`",
        "unexpected `}`: a rule needs `when` before its condition",
        "expected `)` to close the `(` at line 6, column 20").inOrder();
    List<Span> spans = r.diagnostics().stream().map(Diagnostic::span).toList();
    assertThat(spans.get(0)).isEqualTo(new Span("t.resv", 2, 45, 4));
    assertThat(spans.get(1)).isEqualTo(new Span("t.resv", 3, 53, 1));
    assertThat(spans.get(2)).isEqualTo(new Span("t.resv", 4, 20, 2));
  }

  @Test
  void rulesAfterTheMistakesAreStillParsed() {
    Parsing.Result r = Parsing.parse(FIVE_MISTAKES);
    Item.Classify classify = (Item.Classify) r.file().items().get(0);
    List<String> names = classify.items().stream()
        .map(i -> i instanceof RuleItem.Rule rule ? rule.name() : "default").toList();
    assertThat(names).containsExactly("fine", "default").inOrder();
  }

  @Test
  void missingWhenBeforeACondition() {
    Parsing.Result r = Parsing.parse("classify { rule x: region.type == msi => drop; }");
    assertThat(r.messages()).containsExactly("unexpected `region`: a rule needs `when` before its condition");
  }

  @Test
  void mistakesAcrossItemsAndStatements() {
    Parsing.Result r = Parsing.parse("""
        const X = 1 2;
        predicate p = a ==;
        test "t" {
          device 00:14.0 vendor 0x8086;
          expect frob;
          region rmrr 0x1000 .. 0x1fff 00:14.0;
          expect no findings;
        }
        const Y = 3;
        """);
    assertThat(r.codes()).containsExactly("E002", "E002", "E002", "E002");
    assertThat(r.messages()).containsExactly(
        "unexpected `2`: expected `;` after the value of constant `X`",
        "expected a value after `==` in predicate `p`",
        "expected an expectation (`assignable`, `not assignable`, `fatal`, `warn`, `info`, `no findings`,"
            + " `attach`, `map` or a PCI address and `region`) after `expect` in test \"t\"",
        "expected `on` or `type` after `0x1fff` in test \"t\"").inOrder();
    List<Item> items = r.file().items();
    assertThat(items.stream().map(i -> i.getClass().getSimpleName()).toList())
        .containsExactly("Test", "Const").inOrder();
    assertThat(((Item.Test) items.get(0)).statements()).hasSize(2);
  }

  @Test
  void garbageBetweenItems() {
    Parsing.Result r = Parsing.parse("const A = 1;\nwhat is this;\nconst B = 2;\n");
    assertThat(r.messages()).containsExactly("expected a declaration (`policy`, `import`, `const`, `predicate`,"
        + " `classify`, `conflicts` or `test`) after `;`, found `what`");
    assertThat(r.file().items()).hasSize(2);
  }

  @Test
  void unclosedBlockAtEndOfFile() {
    Parsing.Result r = Parsing.parse("classify {\n  default => keep;\n");
    assertThat(r.messages()).hasSize(1);
    assertThat(r.messages().get(0)).startsWith("expected `rule`, `default` or `}`");
    assertThat(r.messages().get(0)).endsWith("before the end of the file");
  }

  @Test
  void noRawAntlrMessages() {
    String[] broken = {"classify {", "rule", "test", "const = 3;", "predicate p = (((a;", "classify { rule 3: }",
        "test \"x\" { device 14; region rmrr on; guest; expect 00:14.0 region; }", "conflicts { default => ; }",
        "import x;", "policy ;", "const X = {1, 2};", "predicate p = a in {1 2};", "predicate p = f(1,);"};
    for (String text : broken) {
      Parsing.Result r = Parsing.parse(text);
      assertThat(r.diagnostics()).isNotEmpty();
      for (String m : r.messages()) {
        assertThat(m).doesNotContain("mismatched");
        assertThat(m).doesNotContain("viable");
        assertThat(m).doesNotContain("expecting");
        assertThat(m).doesNotContain("<");
        assertThat(m).doesNotContain("'");
      }
    }
  }
}
