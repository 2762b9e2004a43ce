package dev.resvc.runtime.input;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class MessageTextTest {
  @Test
  void escapesControlCharacters() {
    assertThat(MessageText.clean("a\rb\u0000c\u001b[31md\ne\tf")).isEqualTo("a\\rb\\x00c\\x1b[31md\\ne\\tf");
  }

  @Test
  void escapesBidiOverridesAndLineSeparators() {
    assertThat(MessageText.clean("x\u202ey\u2028z")).isEqualTo("x\\u202ey\\u2028z");
  }

  @Test
  void keepsPrintableUnicode() {
    assertThat(MessageText.clean("größe ✓")).isEqualTo("größe ✓");
  }

  @Test
  void cutsLongTextWithAnEllipsis() {
    String cut = MessageText.clean("x".repeat(1_000_000));
    assertThat(cut).hasLength(MessageText.MAX_QUOTE + 1);
    assertThat(cut).endsWith("x…");
    assertThat(MessageText.clean("x".repeat(MessageText.MAX_QUOTE))).isEqualTo("x".repeat(MessageText.MAX_QUOTE));
  }

  @Test
  void anInputExceptionIsOneCleanLineWhoeverBuiltIt() {
    InputException e = new InputException("a\u001b[2Jb", Position.line(3, 4), "bad '" + "\r\n".repeat(10) + "x".repeat(1000) + "'");
    assertThat(e.getMessage()).doesNotContainMatch("[\\x00-\\x1f]");
    assertThat(e.source()).isEqualTo("a\\x1b[2Jb");
    assertThat(e.detail()).startsWith("bad '\\r\\n");
    assertThat(e.detail()).hasLength(InputException.MAX_TEXT + 1);
    assertThat(e.detail()).endsWith("…");
  }

  @Test
  void quotesACleanedToken() {
    assertThat(MessageText.quote("a\u001bb")).isEqualTo("'a\\x1bb'");
    assertThat(MessageText.quote("y".repeat(1000))).isEqualTo("'" + "y".repeat(MessageText.MAX_QUOTE) + "…'");
  }
}
