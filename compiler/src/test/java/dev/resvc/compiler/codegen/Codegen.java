package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertWithMessage;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: check a policy file and generate its Java. */
final class Codegen {
  /** The example policies, relative to the compiler module (Maven runs tests there). */
  static final Path EXAMPLES = Path.of("../examples/policies");

  private Codegen() {}

  /** A checked policy and its source hash. */
  record Checked(CheckedPolicy policy, String hash) {
    JavaFile generate() {
      return PolicyGenerator.generate(policy, hash);
    }

    /** With every section indexed, down to indexes of one rule. */
    JavaFile generateIndexed() {
      return PolicyGenerator.generate(policy, hash, new PolicyGenerator.Tuning(0, 1));
    }
  }

  static Checked check(Path file) {
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
    assertWithMessage(c.renderText()).that(c.hasErrors()).isFalse();
    return new Checked(c.policy().orElseThrow(), PolicyGenerator.sourceHash(c.sources()));
  }

  /** Writes {@code text} to {@code dir/name} and checks it. */
  static Checked checkText(Path dir, String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, text);
      return check(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
