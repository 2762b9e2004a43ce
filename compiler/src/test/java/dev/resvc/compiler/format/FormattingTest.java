package dev.resvc.compiler.format;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Diagnostics;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FormattingTest {
  @Test
  void refusesASyntaxError() {
    Diagnostics d = new Diagnostics();
    Optional<String> out = Formatting.format("const A = ;\nconst B = 2;\n", "t.resv", d);
    assertThat(out).isEmpty();
    assertThat(d.hasErrors()).isTrue();
  }

  @Test
  void formatsACleanText() {
    Diagnostics d = new Diagnostics();
    assertThat(Formatting.format("const  A=1;", "t.resv", d)).hasValue("const A = 1;\n");
    assertThat(d.all()).isEmpty();
  }

  @Test
  void theFormatterRefusesATextThatIsNotTheOneParsed() {
    PolicyFile parsed = Fmt.parseClean("const A = 1;");
    assertThrows(IllegalStateException.class, () -> PolicyFormatter.format(parsed, "const A = 2;"));
  }

  @Test
  void astEquivalenceIgnoresSpansOnly() {
    PolicyFile a = Fmt.parseClean("const A = 1 .. 2;");
    PolicyFile b = Fmt.parseClean("\n\n  const A =\n 1..2;");
    PolicyFile c = Fmt.parseClean("const A = 1 .. 3;");
    assertThat(AstEquivalence.sameItems(a, b)).isTrue();
    assertThat(AstEquivalence.firstDifference(a.items(), c.items(), "items"))
        .hasValue("items[0].value.end.value (2 vs 3)");
  }
}
