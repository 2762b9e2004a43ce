package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.check.Checker;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.format.Formatting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  /**
   * The limit is the only guard: the deepest nesting it lets through parses, checks and formats on a
   * thread with a quarter of the JVM's default stack (1 MiB), in each shape that nests: brackets, a
   * run of {@code not}, a chain of {@code and}.
   */
  @Test
  @Timeout(60)
  void theDeepestNestingAcceptedNeedsNoBigStack() throws Throwable {
    int levels = PolicyParser.MAX_NESTING - 2; // the test and its field are two levels more
    String test = "region.type == msi";
    List<String> conditions = List.of(
        "(".repeat(levels - 1) + test + ")".repeat(levels - 1), // and the classify brace
        "not ".repeat(levels) + test,
        test + (" and " + test).repeat(levels));
    for (String condition : conditions) {
      String text = "policy t.Deep;\nclassify {\n  rule r: when " + condition + " => drop;\n}\n";
      onSmallStack(() -> {
        Diagnostics diags = new Diagnostics();
        PolicyFile file = PolicyParser.parse(text, "deep.resv", diags);
        assertThat(diags.all()).isEmpty();
        assertThat(Checker.check(file, List.of(), Path.of("."), diags)).isPresent();
        assertThat(Formatting.format(text, "deep.resv", diags)).isPresent();
        assertThat(diags.all()).isEmpty();
      });
    }
  }

  private static void onSmallStack(Runnable body) throws Throwable {
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        body.run();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "small-stack", 256 << 10);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }
}
