package dev.resvc.fuzz;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The known crashers of the policy front end from issue #17, kept out of the policy target's replayed
 * corpus until the compiler is fixed: the files in {@code pending/policy/} and the large inputs built
 * here. Each must go through {@link PolicyFuzzTest#run} within 20 seconds without an exception.
 * Enabled with {@code -Dresvc.fuzz.pending=true}; once all pass, move the files into {@code
 * PolicyFuzzTestInputs/policy/} and make these ordinary tests.
 */
@EnabledIfSystemProperty(named = "resvc.fuzz.pending", matches = "true")
class PendingPolicyInputsTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TestFactory
  Stream<DynamicTest> knownCrashers() throws IOException, URISyntaxException {
    Path dir = Path.of(PendingPolicyInputsTest.class.getResource("pending/policy").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    assertThat(files).isNotEmpty();
    Stream<DynamicTest> stored = files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
        () -> replay(Files.readString(f, StandardCharsets.UTF_8))));
    Stream<DynamicTest> built = Stream.of(
        DynamicTest.dynamicTest("100 KB of NUL bytes", () -> replay("\0".repeat(100_000))),
        DynamicTest.dynamicTest("a 20 KB line of #", () -> replay("#".repeat(20_000))),
        DynamicTest.dynamicTest("a 1 MB number literal",
            () -> replay("policy a.B; const X = " + "1".repeat(1 << 20) + ";\n")),
        DynamicTest.dynamicTest("a chain of 3,000 predicates", () -> replay(chain(3_000))));
    return Stream.concat(stored, built);
  }

  /** {@code predicate q0 = ...;} and 2,999 more, each naming the previous one, and a rule using the last. */
  private static String chain(int length) {
    StringBuilder text = new StringBuilder("policy a.B;\npredicate q0 = region.size > 0;\n");
    for (int i = 1; i < length; i++) {
      text.append("predicate q").append(i).append(" = q").append(i - 1).append(";\n");
    }
    return text.append("classify {\n  rule r when q").append(length - 1).append(" => keep;\n}\n").toString();
  }

  private static void replay(String text) {
    assertTimeoutPreemptively(BOUND, () -> PolicyFuzzTest.run(text));
  }
}
