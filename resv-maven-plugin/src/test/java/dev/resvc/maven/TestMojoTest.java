package dev.resvc.maven;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** The {@code test} goal on a temporary project: policy tests that pass, fail, are skipped, or do not compile. */
class TestMojoTest {
  @TempDir Path dir;
  Path src;

  static final String LOCKED = """
      policy t.Locked;
      classify {
        default => keep;
      }
      conflicts {
        rule locked: when region.type == direct => fatal "{device} has a direct region {region}";
        default => allow;
      }
      test "a disk with a direct RMRR is locked" {
        device 02:00.0 class 0x010802;
        region rmrr 0x3e2e0000 .. 0x3e2fffff type direct on 02:00.0;
        expect not assignable 02:00.0;
      }
      """;

  /** The same policy with a test whose expectation at line 17 fails: the device is not assignable. */
  static final String WRONG = LOCKED.replace("t.Locked", "t.Wrong") + """
      test "wishful" {
        device 02:00.0 class 0x010802;
        region rmrr 0x3e2e0000 .. 0x3e2fffff type direct on 02:00.0;
        expect assignable 02:00.0;
      }
      """;

  @BeforeEach
  void setUp() throws Exception {
    src = dir.resolve("src/main/resv");
    Files.createDirectories(src);
    Files.writeString(src.resolve("locked.resv"), LOCKED);
  }

  TestMojo mojo(BuildContext context) {
    MavenProject project = new MavenProject(new Model());
    project.setFile(dir.resolve("pom.xml").toFile());
    TestMojo m = new TestMojo();
    m.project = project;
    m.buildContext = context;
    m.sourceDirectory = src.toFile();
    return m;
  }

  TestMojo mojo() {
    return mojo(new DefaultBuildContext());
  }

  @Test
  void passingTestsPassTheBuild() throws Exception {
    mojo().execute();
  }

  @Test
  void aFailingPolicyTestFailsTheBuildAtItsExpectLine() throws Exception {
    Files.writeString(src.resolve("wrong.resv"), WRONG);
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    List<String> lines = e.getMessage().lines().toList();
    assertThat(lines.get(0)).isEqualTo("1 of 3 policy tests failed:");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith(src.resolve("wrong.resv") + ":17:10: error: test \"wishful\" failed:"
        + " expected assignable, but got group ");
    assertThat(lines.get(1)).contains("not assignable: fatal from");
    assertThat(e.getCause()).isNull();
  }

  @Test
  void anIdeMarksTheFailedExpectation() throws Exception {
    Files.writeString(src.resolve("wrong.resv"), WRONG);
    RecordingBuildContext ide = new RecordingBuildContext(false);
    assertThrows(MojoFailureException.class, () -> mojo(ide).execute());
    assertThat(ide.calls).hasSize(1);
    assertThat(ide.calls.get(0)).startsWith("error " + src.resolve("wrong.resv") + ":17:10 test \"wishful\" failed");
  }

  @Test
  void skipTestsAndItsPeersSkipThePolicyTests() throws Exception {
    Files.writeString(src.resolve("wrong.resv"), WRONG);
    TestMojo m = mojo();
    m.skipTests = true;
    m.execute();
    m = mojo();
    m.skipPolicyTests = true;
    m.execute();
    m = mojo();
    m.mavenTestSkip = true;
    m.execute();
    m = mojo();
    m.skip = true;
    m.execute();
    m = mojo();
    m.testFailureIgnore = true;
    m.execute();
  }

  @Test
  void excludesLeaveAFileOut() throws Exception {
    Files.writeString(src.resolve("wrong.resv"), WRONG);
    TestMojo m = mojo();
    m.excludes = List.of("wrong.resv");
    m.execute();
  }

  @Test
  void aPolicyThatDoesNotCompileFailsTheBuildWithItsErrors() throws Exception {
    Files.writeString(src.resolve("broken.resv"), "policy t.B;\nclassify {\n  default => kep;\n}\n");
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertThat(e.getMessage()).startsWith("1 .resv policy has errors:\n" + src.resolve("broken.resv") + ":3:");
  }
}
