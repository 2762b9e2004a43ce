package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated Java of a few policies, checked in under {@code src/test/resources/golden/}. A change
 * to the generator that changes them fails here; when the change is meant, regenerate them with
 *
 * <pre>./mvnw -pl compiler test -Dtest=GoldenFileTest -Dresvc.golden.update=true</pre>
 *
 * and review the diff. The golden files are also the cross-run witness of determinism: they were
 * written by another JVM, and every run must reproduce them byte for byte.
 */
class GoldenFileTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  static final boolean UPDATE = Boolean.getBoolean("resvc.golden.update");

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of(Codegen.EXAMPLES.resolve("intel-vtd-kernel-default.resv"), "IntelVtdKernelDefault.java", false),
        Arguments.of(Path.of("src/test/resources/codegen/rich.resv"), "Rich.java", false),
        // The shape of a large policy's indexed sections, on a policy small enough to read.
        Arguments.of(Path.of("src/test/resources/codegen/rich.resv"), "RichIndexed.java", true));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("policies")
  void generatedSourceMatchesGolden(Path policy, String golden, boolean indexed) throws IOException {
    Codegen.Checked checked = Codegen.check(policy);
    String actual = (indexed ? checked.generateIndexed() : checked.generate()).toString();
    Path file = GOLDEN.resolve(golden);
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertWithMessage("%s differs from the generated source; if the change is meant, rerun with"
        + " -Dresvc.golden.update=true and review the diff", file)
        .that(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
