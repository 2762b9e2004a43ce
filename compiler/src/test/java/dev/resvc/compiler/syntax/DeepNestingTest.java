package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pathological nesting gives a diagnostic, never a StackOverflowError, and quickly. */
class DeepNestingTest {
  private static final int HUGE = 100_000;

  @Test
  @Timeout(20)
  void hundredThousandParentheses() {
    String text = "predicate p = " + "(".repeat(HUGE) + "a" + ")".repeat(HUGE) + ";\nconst B = 1;\n";
    long start = System.nanoTime();
    Parsing.Result r = Parsing.parse(text);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(r.codes()).containsExactly("E003");
    assertThat(r.messages()).containsExactly("brackets nested deeper than 256 levels; the file was not parsed further");
    assertThat(r.diagnostics().get(0).span().column()).isEqualTo(15 + PolicyParser.MAX_NESTING);
  }

  @Test
  @Timeout(20)
  void hundredThousandTermAndChain() {
    String text = "predicate p = a" + " and a".repeat(HUGE - 1) + ";\nconst B = 1;\n";
    long start = System.nanoTime();
    Parsing.Result r = Parsing.parse(text);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(r.codes()).containsExactly("E003");
    assertThat(r.messages().get(0)).startsWith("expression nested deeper than 256 levels");
    // the broken predicate is left out; the rest of the file is still there
    assertThat(r.file().items()).hasSize(1);
    assertThat(((Item.Const) r.file().items().get(0)).name()).isEqualTo("B");
  }

  @Test
  @Timeout(20)
  void hundredThousandNots() {
    Parsing.Result r = Parsing.parse("predicate p = " + "not ".repeat(HUGE) + "a;");
    assertThat(r.codes()).containsExactly("E003");
  }

  @Test
  @Timeout(20)
  void hundredThousandBracesAndMixedOpenings() {
    Parsing.Result braces = Parsing.parse("classify " + "{".repeat(HUGE));
    assertThat(braces.codes()).contains("E003");
    Parsing.Result mixed = Parsing.parse("predicate p = " + "not (".repeat(HUGE) + "a" + ")".repeat(HUGE) + ";");
    assertThat(mixed.codes()).containsExactly("E003");
  }

  @Test
  void nestingWithinTheLimitParses() {
    int depth = 100;
    Expr e = Parsing.condition("(".repeat(depth) + "a" + ")".repeat(depth));
    for (int i = 0; i < depth; i++) {
      e = ((Expr.Paren) e).inner();
    }
    assertThat(e).isInstanceOf(Expr.Name.class);
    Expr chain = Parsing.condition("a" + " or a".repeat(200));
    assertThat(chain).isInstanceOf(Expr.Or.class);
  }
}
