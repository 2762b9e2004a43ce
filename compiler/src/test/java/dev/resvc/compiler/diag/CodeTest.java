package dev.resvc.compiler.diag;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The table of codes behind SARIF's rules says what docs/diagnostics.md says. */
class DiagnosticCodesTest {
  /** The codes in the tables of docs/diagnostics.md: errors, warnings and notes. */
  private static Set<String> documented() throws IOException {
    String doc = Files.readString(Path.of("../docs/diagnostics.md"));
    Set<String> codes = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\|\\s*([EWI]\\d{3})\\s*\\|").matcher(doc);
    while (m.find()) {
      codes.add(m.group(1));
    }
    return codes;
  }

  @Test
  void theTableHoldsEveryDocumentedCodeAndNoOther() throws IOException {
    assertThat(documented()).isNotEmpty();
    assertThat(new TreeSet<>(DiagnosticCodes.all().keySet())).isEqualTo(documented());
  }

  @Test
  void theSeverityFollowsTheLetterAndEveryCodeIsDescribed() {
    Map<Character, Diagnostic.Severity> byLetter = Map.of(
        'E', Diagnostic.Severity.ERROR, 'W', Diagnostic.Severity.WARNING, 'I', Diagnostic.Severity.INFO);
    Set<String> names = new TreeSet<>();
    for (DiagnosticCodes.Code c : DiagnosticCodes.all().values()) {
      assertWithMessage(c.id()).that(c.severity()).isEqualTo(byLetter.get(c.id().charAt(0)));
      assertWithMessage(c.id()).that(c.name()).matches("[A-Z][A-Za-z]+");
      assertWithMessage(c.id()).that(c.summary()).matches("[A-Z].*[^.]");
      assertWithMessage("%s: names are unique", c.id()).that(names.add(c.name())).isTrue();
    }
  }
}
