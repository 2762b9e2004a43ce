package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import org.junit.jupiter.api.Test;

/** {@code &&}, {@code ||} and {@code =} in a condition: one error each, with the word the language uses. */
class CStyleOperatorsTest {
  private static Diagnostic only(String policy) {
    Parsing.Result r = Parsing.parse(policy);
    assertThat(r.diagnostics()).hasSize(1);
    return r.diagnostics().get(0);
  }

  @Test
  void doubleAmpersandSuggestsAndAndTheRuleStillParses() {
    Parsing.Result r = Parsing.parse("classify {\n  rule r: when a && b => keep;\n  default => keep;\n}\n");
    assertThat(r.diagnostics()).hasSize(1);
    Diagnostic d = r.diagnostics().get(0);
    assertThat(d.code()).isEqualTo(Code.UNKNOWN_CHARACTER);
    assertThat(d.message()).isEqualTo("unknown operator `&&`");
    assertThat(d.notes().get(0).message()).startsWith("did you mean `and`?");
    assertThat(d.span()).isEqualTo(new Span("t.resv", 2, 18, 2));
  }

  @Test
  void doubleBarSuggestsOr() {
    Diagnostic d = only("predicate p = a || b;");
    assertThat(d.message()).isEqualTo("unknown operator `||`");
    assertThat(d.notes().get(0).message()).startsWith("did you mean `or`?");
  }

  @Test
  void aSingleEqualsInAConditionSuggestsDoubleEquals() {
    Diagnostic d = only("classify {\n  rule r: when region.type = direct => keep;\n}\n");
    assertThat(d.code()).isEqualTo(Code.SYNTAX_ERROR);
    assertThat(d.message()).isEqualTo("unexpected `=` in a condition");
    assertThat(d.notes().get(0).message()).isEqualTo("did you mean `==`?");
    assertThat(d.span()).isEqualTo(new Span("t.resv", 2, 28, 1));
  }

  @Test
  void otherUnknownCharactersAreReportedAsBefore() {
    assertThat(Parsing.parse("predicate p = a & b;").messages().get(0)).isEqualTo("unknown character `&`");
    assertThat(Parsing.parse("predicate p = a &&& b;").messages().get(0))
        .isEqualTo("3 unknown characters in a row, starting with `&`");
  }
}
