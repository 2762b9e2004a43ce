package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

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
   * The limit is the only guard: the deepest nesting it lets through parses, checks and formats with a
   * caller's thread of 512 KiB (half the JVM's default stack), in each shape that nests: brackets, a
   * run of {@code not}, a chain of {@code and}. In a fresh JVM, because there the first walk loads its
   * classes at the deepest level, which needs several times the stack of a warm one (the parser alone
   * needs more than 512 KiB then, which is why {@link PolicyParser} gives it a thread of its own; the
   * formatter's comparison of the two trees does not fit in 256 KiB).
   */
  @Test
  @Timeout(120)
  void theDeepestNestingAcceptedNeedsNoBigStack() throws Exception {
    Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(launcher.toString(), "-cp", System.getProperty("java.class.path"),
        DeepestAccepted.class.getName())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertWithMessage(output).that(p.waitFor()).isEqualTo(0);
    assertThat(output).isEqualTo("3 shapes parsed, checked and formatted\n");
  }

  /** Run in a fresh JVM by {@link #theDeepestNestingAcceptedNeedsNoBigStack}. */
  static final class DeepestAccepted {
    public static void main(String[] args) throws Throwable {
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
          check(diags.all().isEmpty(), "parse: " + diags.all());
          check(Checker.check(file, List.of(), Path.of("."), diags).isPresent(), "check: " + diags.all());
          check(Formatting.format(text, "deep.resv", diags).isPresent(), "format: " + diags.all());
          check(diags.all().isEmpty(), "diagnostics: " + diags.all());
        });
      }
      System.out.print(conditions.size() + " shapes parsed, checked and formatted\n");
    }

    private static void check(boolean ok, String what) {
      if (!ok) {
        throw new AssertionError(what);
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
      }, "small-stack", 512 << 10);
      t.start();
      t.join();
      if (failure[0] != null) {
        throw failure[0];
      }
    }
  }
}
