package dev.resvc.fuzz;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.grammar.internal.ResvLexer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Vocabulary;
import org.junit.jupiter.api.Test;

/** The policy target's dictionary keeps up with the grammar: every literal token of the lexer is in it. */
class ResvDictionaryTest {
  @Test
  void dictionaryHoldsEveryLiteralTokenOfTheGrammar() throws IOException {
    String dictionary;
    try (InputStream in = ResvDictionaryTest.class.getResourceAsStream("resv.dict")) {
      assertThat(in).isNotNull();
      dictionary = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> entries = dictionary.lines().filter(l -> l.startsWith("\"")).toList();
    Vocabulary vocabulary = ResvLexer.VOCABULARY;
    List<String> literals = new ArrayList<>();
    for (int type = 1; type <= vocabulary.getMaxTokenType(); type++) {
      String literal = vocabulary.getLiteralName(type);
      if (literal != null) {
        // ANTLR quotes literals with '...'; the dictionary with "...".
        literals.add("\"" + literal.substring(1, literal.length() - 1).replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
      }
    }
    assertThat(literals).isNotEmpty();
    assertThat(entries).containsAtLeastElementsIn(literals);
  }
}
