package dev.resvc.compiler.format;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every {@code .resv} file of the repository: formatting keeps its meaning and comments, and is idempotent. */
class RepositoryPoliciesTest {
  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/policies"))) {
      p = p.getParent();
    }
    assertWithMessage("repository root above %s", Path.of("").toAbsolutePath()).that(p).isNotNull();
    return p;
  }

  private static List<Path> policies(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".resv"))
          .filter(f -> !root.relativize(f).toString().contains("target/"))
          .filter(f -> !root.relativize(f).startsWith(".git"))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyPolicyThatParsesFormatsIdempotently() throws IOException {
    Path root = repoRoot();
    int formatted = 0;
    for (Path file : policies(root)) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (java.nio.charset.MalformedInputException e) {
        continue; // a fixture that is deliberately not UTF-8 (E012) does not parse
      }
      Diagnostics d = new Diagnostics();
      PolicyParser.parse(text, "t.resv", d);
      if (d.hasErrors()) {
        continue;
      }
      Fmt.fmt(text);
      formatted++;
    }
    assertThat(formatted).isAtLeast(20);
  }

  @Test
  void shippedExamplesAreIncludedAndCanonical() throws IOException {
    Path root = repoRoot();
    List<Path> shipped = policies(root).stream()
        .filter(f -> root.relativize(f).startsWith("examples/policies"))
        .toList();
    assertThat(shipped).isNotEmpty();
    for (Path file : shipped) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      assertWithMessage("%s is not in the canonical layout (run resvc fmt on it)", root.relativize(file))
          .that(Fmt.fmt(text)).isEqualTo(text);
    }
  }
}
