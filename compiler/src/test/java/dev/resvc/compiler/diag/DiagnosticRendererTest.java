package dev.resvc.compiler.diag;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosticRendererTest {
  private static String render(String source, Span at, String message) {
    return new DiagnosticRenderer(Map.of(at.file(), source)).text(List.of(Diagnostic.error(Code.UNKNOWN_CHARACTER, at, message)));
  }

  @Test
  void aShortLineIsQuotedWholeWithTheCaretUnderTheSpan() {
    String text = render("const A = 1;\nconst B = $2;\n", new Span("t.resv", 2, 11, 1), "unknown character `$`");
    assertThat(text).isEqualTo("t.resv:2:11: error[E001]: unknown character `$`\n"
        + "  const B = $2;\n"
        + "            ^\n");
  }

  @Test
  void aLongLineIsQuotedAsAWindowAroundTheCaret() {
    String line = "a".repeat(10_000) + "$" + "b".repeat(10_000);
    String text = render(line, new Span("t.resv", 1, 10_001, 5), "m");
    String[] lines = text.split("\n");
    assertThat(lines).hasLength(3);
    assertThat(lines[1].length()).isAtMost(2 + DiagnosticRenderer.MAX_EXCERPT + 2);
    assertThat(lines[1]).startsWith("  …aaa");
    assertThat(lines[1]).endsWith("bbb…");
    assertThat(lines[1].charAt(lines[2].indexOf('^'))).isEqualTo('$');
    assertThat(lines[2]).endsWith("^~~~~");
  }

  @Test
  void theCaretsTildesStopAtTheEndOfTheWindow() {
    String line = "#".repeat(20_000);
    String[] lines = render(line, new Span("t.resv", 1, 1, 20_000), "m").split("\n");
    assertThat(lines[1]).isEqualTo("  " + "#".repeat(DiagnosticRenderer.MAX_EXCERPT) + "…");
    assertThat(lines[2]).isEqualTo("  ^" + "~".repeat(DiagnosticRenderer.MAX_EXCERPT - 1));
  }

  @Test
  void controlCharactersAreShownAsSymbolsAndMessagesEscaped() {
    String text = render("x\u0000\u001b[2J\r\n", new Span("t\u001b.resv", 1, 2, 1), "bad \u001b[31m\r");
    assertThat(text).doesNotContain("\u001b");
    assertThat(text).doesNotContain("\r");
    assertThat(text).doesNotContain("\u0000");
    assertThat(text).startsWith("t\\x1b.resv:1:2: error[E001]: bad \\x1b[31m\\r\n");
    assertThat(text).contains("  x\u2400\u241b[2J\n   ^\n");
  }
}
