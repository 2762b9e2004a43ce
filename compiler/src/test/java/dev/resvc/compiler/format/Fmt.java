package dev.resvc.compiler.format;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Test helpers: format a text and check the formatter's properties on it. */
final class Fmt {
  private Fmt() {}

  static PolicyFile parseClean(String text) {
    Diagnostics d = new Diagnostics();
    PolicyFile f = PolicyParser.parse(text, "t.resv", d);
    assertWithMessage("diagnostics for:\n%s", text).that(d.all()).isEmpty();
    return f;
  }

  /** The formatted text, after checking properties (a)–(d) of the formatter on {@code text}. */
  static String fmt(String text) {
    PolicyFile original = parseClean(text);
    String once = PolicyFormatter.format(original, text);
    PolicyFile reparsed = parseClean(once);
    Optional<String> diff = AstEquivalence.firstDifference(original.items(), reparsed.items(), "items");
    assertWithMessage("AST changed by formatting:\n%s\n--- to ---\n%s", text, once).that(diff).isEmpty();
    assertWithMessage("comments of\n%s\n--- formatted ---\n%s", text, once)
        .that(sorted(Formatting.commentTexts(reparsed))).isEqualTo(sorted(Formatting.commentTexts(original)));
    String twice = PolicyFormatter.format(reparsed, once);
    assertWithMessage("not idempotent on\n%s", text).that(twice).isEqualTo(once);
    return once;
  }

  private static List<String> sorted(List<String> texts) {
    List<String> copy = new ArrayList<>(texts);
    Collections.sort(copy);
    return copy;
  }

  /** {@code text} is already canonical. */
  static void assertCanonical(String text) {
    assertThat(fmt(text)).isEqualTo(text);
  }
}
