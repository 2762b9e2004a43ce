package dev.resvc.docs;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.testrun.PolicyTestRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```resv block in the documentation is a complete policy: it must compile without a diagnostic,
 * have at least one test, and pass it. So the docs cannot rot.
 */
class DocExamplesTest {
  @TempDir static Path tmp;

  record Example(Path doc, int line, String text) {}

  static List<Example> examples() throws IOException {
    List<Example> out = new ArrayList<>();
    try (Stream<Path> docs = Files.list(Path.of("."))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        List<String> lines = Files.readAllLines(doc);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).strip().equals("```resv")) {
            StringBuilder sb = new StringBuilder();
            int start = i + 2;
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
              sb.append(lines.get(i)).append('\n');
            }
            out.add(new Example(doc, start, sb.toString()));
          }
        }
      }
    }
    return out;
  }

  @Test
  void theLanguageReferenceHasAnExamplePerSection() throws IOException {
    assertThat(examples().stream().filter(e -> e.doc().endsWith("language.md")).count()).isAtLeast(8);
  }

  @TestFactory
  Stream<DynamicTest> everyExampleCompilesAndPassesItsTests() throws IOException {
    return examples().stream().map(e -> DynamicTest.dynamicTest(e.doc().getFileName() + ":" + e.line(), () -> {
      Path file = tmp.resolve(e.doc().getFileName() + "-" + e.line() + ".resv");
      Files.writeString(file, e.text());
      PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
      assertThat(c.renderText()).isEmpty();
      CheckedPolicy policy = c.policy().orElseThrow();
      assertThat(policy.tests()).isNotEmpty();
      for (PolicyTestRunner.Result r : PolicyTestRunner.run(policy, new Interpreter(policy))) {
        assertThat(r.failures()).isEmpty();
      }
    }));
  }
}
