package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.diag.Diagnostic;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Sources that once cost minutes, gigabytes or a flood of output: each now gives a few bounded
 * diagnostics at once.
 */
class HostileSourceTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @Test
  void aRunOfUnknownCharactersIsOneError() {
    Parsing.Result r = Parsing.parse("const A = 1;\nconst B = $$$2;\n");
    assertThat(r.codes()).containsExactly("E001");
    assertThat(r.messages()).containsExactly("3 unknown characters in a row, starting with `$`");
    Diagnostic d = r.diagnostics().get(0);
    assertThat(d.span().column()).isEqualTo(11);
    assertThat(d.span().length()).isEqualTo(3);
    // separated by a space, they are separate mistakes
    assertThat(Parsing.parse("const B = $ $2;\n").codes()).containsExactly("E001", "E001");
  }

  @Test
  void aHundredKilobytesOfNulBytesIsOneError() {
    Parsing.Result r = assertTimeoutPreemptively(BOUND, () -> Parsing.parse("\0".repeat(100_000)));
    assertThat(r.messages()).containsExactly("100000 unknown characters in a row, starting with U+0000");
  }

  @Test
  void aLongLineOfHashesIsOneError() {
    Parsing.Result r = assertTimeoutPreemptively(BOUND, () -> Parsing.parse("#".repeat(20_000) + "\n"));
    assertThat(r.messages()).containsExactly("20000 unknown characters in a row, starting with `#`");
  }

  @Test
  void theParserStopsAfterAHundredErrors() {
    Parsing.Result r = assertTimeoutPreemptively(BOUND, () -> Parsing.parse("$ ".repeat(100_000)));
    assertThat(r.diagnostics()).hasSize(PolicyParser.MAX_ERRORS + 1);
    Diagnostic last = r.diagnostics().get(PolicyParser.MAX_ERRORS);
    assertThat(last.code().id()).isEqualTo("E016");
    assertThat(last.message()).isEqualTo("more than 100 errors in this file; stopped here (fix these and run again)");
    assertThat(last.span().column()).isEqualTo(2 * PolicyParser.MAX_ERRORS + 1);
    assertThat(r.file().items()).isEmpty();
  }

  @Test
  void syntaxErrorsCountTowardsTheLimitToo() {
    Parsing.Result r = assertTimeoutPreemptively(BOUND, () -> Parsing.parse("const = ;\n".repeat(10_000)));
    assertThat(r.codes()).hasSize(PolicyParser.MAX_ERRORS + 1);
    assertThat(r.codes().get(PolicyParser.MAX_ERRORS)).isEqualTo("E016");
  }

  @Test
  void aMegabyteNumberIsRefusedFromItsLength() {
    String digits = "9".repeat(1 << 20);
    Parsing.Result r = assertTimeoutPreemptively(BOUND, () -> Parsing.parse("const X = " + digits + ";"));
    assertThat(r.codes()).containsExactly("E004");
    assertThat(r.messages().get(0)).startsWith("integer `" + "9".repeat(80) + "…` does not fit in 64 bits");
    assertThat(assertTimeoutPreemptively(BOUND, () -> Literals.unsigned("0x" + "f".repeat(1 << 20)))).isNull();
    assertThat(assertTimeoutPreemptively(BOUND, () -> Literals.unsigned("0b" + "1_".repeat(1 << 20)))).isNull();
  }

  @Test
  void leadingZerosAndUnderscoresDoNotCountTowardsTheLength() {
    String zeros = "0".repeat(1 << 20);
    assertThat(assertTimeoutPreemptively(BOUND, () -> Literals.unsigned(zeros + "18446744073709551615"))).isEqualTo(-1L);
    assertThat(Literals.unsigned("0x" + "0_".repeat(1000) + "ffff_ffff_ffff_ffff")).isEqualTo(-1L);
    assertThat(Literals.unsigned("0b" + "0".repeat(1000) + "1".repeat(64))).isEqualTo(-1L);
    assertThat(Literals.unsigned(zeros + "16E")).isNull();
    assertThat(Literals.unsigned(zeros + "15E")).isEqualTo(15L << 60);
    assertThat(Literals.unsigned("0" + "0".repeat(30) + "K")).isEqualTo(0L);
    assertThat(Literals.unsigned("99999999999999999999")).isNull(); // 20 digits, above 2^64 - 1
    assertThat(((Expr.IntLit) Parsing.constValue("000_000_4K")).value()).isEqualTo(4096L);
  }

  @Test
  void messagesQuoteTokensCleanAndShort() {
    String name = "n".repeat(100_000);
    Parsing.Result r = Parsing.parse("rule " + name + " 5");
    assertThat(r.messages()).isNotEmpty();
    for (String m : r.messages()) {
      assertThat(m.length()).isLessThan(400);
    }
    r = Parsing.parse("test \"a\u001b[31mb\" { device 00:00.0 vendor=1; x }");
    assertThat(String.join("\n", r.messages())).doesNotContain("\u001b");
    r = Parsing.parse("const X = \"\\\u001b\";");
    assertThat(r.codes()).containsExactly("E006");
    assertThat(r.messages().get(0)).contains("`\\\\x1b`");
  }
}
