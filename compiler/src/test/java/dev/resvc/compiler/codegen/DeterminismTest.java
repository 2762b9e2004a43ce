package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertThat;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedMap;
import dev.resvc.runtime.policy.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identical input gives identical output: generated source twice in one JVM and in a second JVM
 * (spawned with this test's class path); class files and jars twice. The golden files of {@link
 * GoldenFileTest} are a further cross-run witness. Also: the jar registers its policies for
 * {@link ServiceLoader}.
 */
class DeterminismTest {
  static final Path RICH = Path.of("src/test/resources/codegen/rich.resv");
  static final Path INTEL = Codegen.EXAMPLES.resolve("intel-vtd-kernel-default.resv");

  @TempDir Path dir;

  @Test
  void sameSourceTwiceInOneJvm() {
    for (Path p : List.of(RICH, INTEL)) {
      assertThat(Codegen.check(p).generate().toString()).isEqualTo(Codegen.check(p).generate().toString());
    }
  }

  @Test
  void sameSourceInAnotherJvm() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        GenerateMain.class.getName(), RICH.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String other = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isEqualTo(0);
    assertThat(other).isEqualTo(Codegen.check(RICH).generate().toString());
  }

  @Test
  void sameClassesAndJarTwice() throws Exception {
    List<JavaFile> files = List.of(Codegen.check(RICH).generate(), Codegen.check(INTEL).generate());
    SortedMap<String, byte[]> a = InMemoryJavaCompiler.compile(files);
    SortedMap<String, byte[]> b = InMemoryJavaCompiler.compile(files);
    assertThat(a.keySet()).isEqualTo(b.keySet());
    for (String k : a.keySet()) {
      assertThat(a.get(k)).isEqualTo(b.get(k));
    }
    List<String> names = List.of("golden.Rich", "examples.IntelVtdKernelDefault");
    byte[] jarA = JarWriter.toBytes(a, names);
    assertThat(jarA).isEqualTo(JarWriter.toBytes(b, List.of(names.get(1), names.get(0))));

    Path jar = dir.resolve("policies.jar");
    JarWriter.write(jar, a, names);
    assertThat(Files.readAllBytes(jar)).isEqualTo(jarA);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Policy.class.getClassLoader())) {
      List<String> found = new ArrayList<>();
      for (Policy p : ServiceLoader.load(Policy.class, loader)) {
        found.add(p.name());
      }
      assertThat(found).containsExactly("examples.IntelVtdKernelDefault", "golden.Rich").inOrder();
    }
    assertThat(PolicyGenerator.serviceFile(names)).isEqualTo("examples.IntelVtdKernelDefault\ngolden.Rich\n");
  }
}
