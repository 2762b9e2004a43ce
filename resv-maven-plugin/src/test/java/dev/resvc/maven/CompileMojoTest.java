package dev.resvc.maven;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** The mojo's Maven side: source root, resource, failure type, BuildContext. The logic is ResvSourceGeneratorTest's. */
class CompileMojoTest {
  @TempDir Path dir;
  Path src;

  @BeforeEach
  void setUp() throws Exception {
    src = dir.resolve("src/main/resv");
    Files.createDirectories(src);
  }

  /**
   * The mojo as Maven configures it. The command line's {@link DefaultBuildContext} is left without a
   * logger, so that telling it a problem (which would only print the problem twice) fails the test.
   */
  CompileMojo mojo(BuildContext context) {
    MavenProject project = new MavenProject(new Model());
    project.setFile(dir.resolve("pom.xml").toFile());
    CompileMojo m = new CompileMojo();
    m.project = project;
    m.buildContext = context;
    m.sourceDirectory = src.toFile();
    m.outputDirectory = dir.resolve("target/generated-sources/resv").toFile();
    m.resourcesDirectory = dir.resolve("target/generated-resources/resv").toFile();
    m.stateFile = dir.resolve("target/maven-status/resv-maven-plugin/compile/default/state.tsv").toFile();
    return m;
  }

  CompileMojo mojo() {
    return mojo(new DefaultBuildContext());
  }

  @Test
  void addsTheGeneratedSourcesAndResources() throws Exception {
    Files.writeString(src.resolve("p.resv"), ResvSourceGeneratorTest.BETA);
    CompileMojo m = mojo();
    m.execute();
    m.execute();
    assertThat(m.project.getCompileSourceRoots()).containsExactly(m.outputDirectory.getAbsolutePath());
    assertThat(m.project.getResources().stream().map(r -> r.getDirectory()).toList())
        .containsExactly(m.resourcesDirectory.getAbsolutePath());
    assertThat(new File(m.outputDirectory, "t/sub/Beta.java").isFile()).isTrue();
    assertThat(Files.readString(m.stateFile.toPath())).contains("src/main/resv/p.resv");
  }

  @Test
  void aBrokenPolicyFailsTheBuildWithOneAbsoluteLinePerDiagnostic() throws Exception {
    Files.writeString(src.resolve("p.resv"), "policy t.P;\nclassify {\n  default => kep;\n}\n");
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertThat(e.getMessage()).startsWith("1 .resv policy has errors:\n" + src.resolve("p.resv") + ":3:");
    assertThat(e.getMessage()).contains("error[E");
    assertThat(e.getMessage().lines().count()).isEqualTo(2);
    assertThat(e.getCause()).isNull();
  }

  @Test
  void anIdeGetsMarkersAtTheProblemAndRefreshesWhatWasWritten() throws Exception {
    Files.writeString(src.resolve("p.resv"), "policy t.P;\nclassify {\n  default => kep;\n}\n");
    Files.writeString(src.resolve("q.resv"), ResvSourceGeneratorTest.BETA);
    RecordingBuildContext ide = new RecordingBuildContext(false);
    CompileMojo m = mojo(ide);
    assertThrows(MojoFailureException.class, m::execute);
    File p = src.resolve("p.resv").toFile();
    assertThat(ide.calls).contains("clear " + p);
    assertThat(ide.calls.stream().filter(c -> c.startsWith("error ")).toList()).hasSize(1);
    assertThat(ide.calls.stream().filter(c -> c.startsWith("error ")).findFirst().orElseThrow())
        .matches("error " + java.util.regex.Pattern.quote(p.toString()) + ":3:\\d+ \\[E\\d+\\] .*");
    assertThat(ide.calls.indexOf("clear " + p)).isLessThan(ide.calls.indexOf(
        ide.calls.stream().filter(c -> c.startsWith("error ")).findFirst().orElseThrow()));
    assertThat(ide.calls).contains("refresh " + new File(m.outputDirectory, "t/sub/Beta.java"));
  }

  @Test
  void anIncrementalBuildWithoutAChangedPolicyDoesNothing() throws Exception {
    Files.writeString(src.resolve("p.resv"), ResvSourceGeneratorTest.BETA);
    mojo().execute(); // the full build
    Files.writeString(src.resolve("p.resv"), ResvSourceGeneratorTest.BETA.replace("t.sub.Beta", "t.sub.Gamma"));
    RecordingBuildContext ide = new RecordingBuildContext(true);
    ide.delta = false; // the IDE saw no change under src/main/resv
    CompileMojo m = mojo(ide);
    m.execute();
    assertThat(ide.calls).isEmpty();
    assertThat(new File(m.outputDirectory, "t/sub/Gamma.java").exists()).isFalse();
    assertThat(m.project.getCompileSourceRoots()).containsExactly(m.outputDirectory.getAbsolutePath());
    ide.delta = true;
    mojo(ide).execute();
    assertThat(new File(m.outputDirectory, "t/sub/Gamma.java").exists()).isTrue();
    assertThat(new File(m.outputDirectory, "t/sub/Beta.java").exists()).isFalse();
    assertThat(ide.calls).contains("refresh " + new File(m.outputDirectory, "t/sub/Beta.java"));
  }
}
