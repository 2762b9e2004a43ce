package dev.resvc.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The known crashers of the policy front end from issue #17 that are too large for the fuzzer's input
 * length (the small one, 16 levels of predicates, is in the replayed corpus,
 * {@code PolicyFuzzTestInputs/policy/predicate-16-levels.resv}). Each must go through {@link
 * PolicyFuzzTest#run} within 20 seconds without an exception.
 */
class KnownPolicyCrashersTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TestFactory
  Stream<DynamicTest> knownCrashers() {
    return Stream.of(
        DynamicTest.dynamicTest("100 KB of NUL bytes", () -> replay("\0".repeat(100_000))),
        DynamicTest.dynamicTest("a 20 KB line of #", () -> replay("#".repeat(20_000))),
        DynamicTest.dynamicTest("a 1 MB number literal",
            () -> replay("policy a.B; const X = " + "1".repeat(1 << 20) + ";\n")),
        DynamicTest.dynamicTest("a chain of 3,000 predicates", () -> replay(chain(3_000))));
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
