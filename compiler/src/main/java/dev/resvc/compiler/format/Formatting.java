package dev.resvc.compiler.format;

import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Formatting a policy text end to end, as {@code resvc fmt} does: parse, refuse a text with syntax
 * errors, print the canonical layout, and check the result before anyone writes it.
 */
public final class Formatting {
  private Formatting() {}

  /**
   * The canonical text of {@code text}, or empty when it does not parse (the errors are in {@code
   * diags}; nothing should be written then).
   *
   * @throws IllegalStateException when the formatted text would not mean the same as the original (a
   *     bug in the formatter: the caller must not write it)
   */
  public static Optional<String> format(String text, String fileName, Diagnostics diags) {
    Diagnostics local = new Diagnostics();
    PolicyFile original = PolicyParser.parse(text, fileName, local);
    local.all().forEach(diags::add);
    if (local.hasErrors()) {
      return Optional.empty();
    }
    String formatted = PolicyFormatter.format(original, text);
    verify(original, formatted, fileName);
    return Optional.of(formatted);
  }

  /** Re-parses {@code formatted} and insists on the same items and the same comments as {@code original}. */
  static void verify(PolicyFile original, String formatted, String fileName) {
    Diagnostics again = new Diagnostics();
    PolicyFile reparsed = PolicyParser.parse(formatted, fileName, again);
    if (again.hasErrors()) {
      throw new IllegalStateException("formatted text of " + fileName + " does not parse: "
          + again.all().get(0).message());
    }
    Optional<String> diff = AstEquivalence.firstDifference(original.items(), reparsed.items(), "items");
    if (diff.isPresent()) {
      throw new IllegalStateException("formatting changed the meaning of " + fileName + " at " + diff.get());
    }
    if (!commentTexts(original).equals(commentTexts(reparsed))) {
      throw new IllegalStateException("formatting lost or changed comments of " + fileName);
    }
  }

  /** The comments of {@code file} in order (the formatter keeps their order, so this is stricter than a multiset). */
  public static List<String> commentTexts(PolicyFile file) {
    List<String> texts = new ArrayList<>();
    file.comments().forEach(c -> texts.add(c.text()));
    return texts;
  }
}
