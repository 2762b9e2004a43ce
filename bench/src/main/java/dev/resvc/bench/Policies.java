package dev.resvc.bench;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Front end and back end of resvc as the benchmarks call them: text to checked policy, to source, to a loaded class. */
public final class Policies {
  private Policies() {}

  /** The LANGUAGE.md §4 policy, shipped as a resource copy of examples/policies/intel-vtd-kernel-default.resv. */
  public static final String SECTION4_RESOURCE = "/policies/intel-vtd-kernel-default.resv";

  /** A checked policy and the sources it came from. */
  public record Front(CheckedPolicy checked, Map<String, String> sources) {}

  public static String resource(String name) {
    try (InputStream in = Policies.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text} to a temporary file and runs {@link PolicyCompiler#compile} on it. */
  public static Front front(String fileName, String text) {
    try {
      Path dir = Files.createTempDirectory("resvc-bench");
      Path file = dir.resolve(fileName);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      try {
        PolicyCompiler.Compilation c = PolicyCompiler.compile(file);
        if (c.hasErrors() || c.policy().isEmpty()) {
          throw new IllegalStateException("benchmark policy " + fileName + " does not compile:\n" + c.renderText());
        }
        return new Front(c.policy().get(), c.sources());
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Generated Java source of a checked policy. */
  public static JavaFile source(Front front) {
    return PolicyGenerator.generate(front.checked(), PolicyGenerator.sourceHash(front.sources()));
  }

  /** Generates, compiles with javac in memory and loads the policy class. */
  public static Policy compiled(Front front) {
    return CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(source(front))));
  }

  public static Policy interpreted(Front front) {
    return new Interpreter(front.checked());
  }
}
