package dev.resvc.maven;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mojo's Maven side: source root, resource, failure type. The logic is ResvSourceGeneratorTest's. */
class CompileMojoTest {
  @TempDir Path dir;

  CompileMojo mojo() {
    MavenProject project = new MavenProject(new Model());
    project.setFile(dir.resolve("pom.xml").toFile());
    CompileMojo m = new CompileMojo();
    m.project = project;
    m.sourceDirectory = dir.resolve("src/main/resv").toFile();
    m.outputDirectory = dir.resolve("target/generated-sources/resv").toFile();
    m.resourcesDirectory = dir.resolve("target/generated-resources/resv").toFile();
    m.stateFile = dir.resolve("target/resv-maven-plugin/state.tsv").toFile();
    return m;
  }

  @Test
  void addsTheGeneratedSourcesAndResources() throws Exception {
    Files.createDirectories(dir.resolve("src/main/resv"));
    Files.writeString(dir.resolve("src/main/resv/p.resv"), ResvSourceGeneratorTest.BETA);
    CompileMojo m = mojo();
    m.execute();
    m.execute();
    assertThat(m.project.getCompileSourceRoots()).containsExactly(m.outputDirectory.getAbsolutePath());
    assertThat(m.project.getResources().stream().map(r -> r.getDirectory()).toList())
        .containsExactly(m.resourcesDirectory.getAbsolutePath());
    assertThat(new File(m.outputDirectory, "t/sub/Beta.java").isFile()).isTrue();
  }

  @Test
  void aBrokenPolicyFailsTheBuildWithItsDiagnostics() throws Exception {
    Files.createDirectories(dir.resolve("src/main/resv"));
    Files.writeString(dir.resolve("src/main/resv/p.resv"), "policy t.P;\nclassify {\n  default => kep;\n}\n");
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertThat(e.getMessage()).startsWith("1 .resv policy has errors:\n" + Path.of("src/main/resv/p.resv") + ":3:");
    assertThat(e.getMessage()).contains("error[E");
    assertThat(e.getCause()).isNull();
  }
}
