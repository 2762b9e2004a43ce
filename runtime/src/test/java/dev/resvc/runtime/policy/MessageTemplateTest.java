package dev.resvc.runtime.policy;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A template that does not parse is a problem with its kind and place, not an exception to read. */
class MessageTemplateTest {
  @Test
  void aGoodTemplateHasNoProblem() {
    MessageTemplate.Parse p = MessageTemplate.parse("{device} in {guest}, {{literal}}");
    assertThat(p.problem()).isEmpty();
    assertThat(p.orElseThrow().render(new String[] {"r", "00:14.0", "ram", "o"}))
        .isEqualTo("00:14.0 in ram, {literal}");
  }

  @Test
  void anUnknownPlaceholderIsNamedWithItsBraces() {
    MessageTemplate.Problem p = MessageTemplate.parse("at {regoin} here").problem().orElseThrow();
    assertThat(p).isEqualTo(new MessageTemplate.Problem(
        MessageTemplate.Problem.Kind.UNKNOWN_PLACEHOLDER, 3, 11, Optional.of("regoin")));
    assertThat(p.message()).isEqualTo("unknown placeholder {regoin}");
  }

  @Test
  void anUnclosedBraceIsTheBraceAlone() {
    MessageTemplate.Problem p = MessageTemplate.parse("ab {device").problem().orElseThrow();
    assertThat(p).isEqualTo(new MessageTemplate.Problem(
        MessageTemplate.Problem.Kind.UNCLOSED_BRACE, 3, 4, Optional.empty()));
    assertThat(p.message()).isEqualTo("unclosed '{' at character 4");
  }

  @Test
  void aPolicyBuiltInCodeStillRefusesABadTemplate() {
    Provenance at = new Provenance("r", "p.resv", 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConflictDecision.report(Severity.FATAL, "{nope}", at));
    assertThat(e).hasMessageThat().isEqualTo("unknown placeholder {nope}");
  }

  @Test
  void everyPlaceholderIsFoundByItsWord() {
    for (MessageTemplate.Placeholder p : MessageTemplate.Placeholder.values()) {
      assertThat(MessageTemplate.Placeholder.byWord(p.word())).hasValue(p);
    }
    assertThat(MessageTemplate.Placeholder.byWord("REGION")).isEmpty();
  }
}
