package dev.resvc.compiler.diag;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The enum of codes says what docs/diagnostics.md says, and every code is one the compiler reports. */
public class CodeTest {
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
  void theEnumHoldsEveryDocumentedCodeAndNoOther() throws IOException {
    assertThat(documented()).isNotEmpty();
    Set<String> inEnum = Arrays.stream(Code.values()).map(Code::id).collect(Collectors.toCollection(TreeSet::new));
    assertThat(inEnum).isEqualTo(documented());
  }

  @Test
  void idsAndRuleNamesAreUniqueAndEveryCodeIsDescribed() {
    Set<String> ids = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    for (Code c : Code.values()) {
      assertWithMessage("%s: ids are unique", c).that(ids.add(c.id())).isTrue();
      assertWithMessage("%s", c).that(c.id()).matches("[EWI]\\d{3}");
      assertWithMessage("%s", c).that(c.ruleName()).matches("[A-Z][A-Za-z]+");
      assertWithMessage("%s", c).that(c.summary()).matches("[A-Z].*[^.]");
      assertWithMessage("%s: names are unique", c).that(names.add(c.ruleName())).isTrue();
      assertThat(Code.byId(c.id())).hasValue(c);
    }
    assertThat(Code.byId("E999")).isEmpty();
  }

  @Test
  void theSeverityFollowsTheLetterAndTheRuleNameTheConstant() {
    assertThat(Code.UNKNOWN_NAME.severity()).isEqualTo(Diagnostic.Severity.ERROR);
    assertThat(Code.ALWAYS_TRUE.severity()).isEqualTo(Diagnostic.Severity.WARNING);
    assertThat(Code.ORDER_DECIDES.severity()).isEqualTo(Diagnostic.Severity.INFO);
    assertThat(Code.UNKNOWN_NAME.ruleName()).isEqualTo("UnknownName");
    assertThat(Code.BAD_PCI_ADDRESS.ruleName()).isEqualTo("BadPciAddress");
    assertThat(Code.UNKNOWN_NAME.toString()).isEqualTo("E101");
  }

  /**
   * The codes the compiler's sources name outside this enum (as {@code Code.NAME}): the codes some
   * phase reports.
   */
  public static Set<Code> reportedCodes() throws IOException {
    String sources;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      sources = files
          .filter(p -> p.toString().endsWith(".java") && !p.endsWith(Path.of("dev/resvc/compiler/diag/Code.java")))
          .map(CodeTest::read)
          .collect(Collectors.joining("\n"));
    }
    Set<Code> reported = EnumSet.noneOf(Code.class);
    for (Code c : Code.values()) {
      if (Pattern.compile("\\bCode\\." + c.name() + "\\b").matcher(sources).find()) {
        reported.add(c);
      }
    }
    return reported;
  }

  /** A code no phase reports any more fails here, and must leave the enum and the docs. */
  @Test
  void everyCodeIsReportedSomewhere() throws IOException {
    assertThat(reportedCodes()).containsExactlyElementsIn(Code.values());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
