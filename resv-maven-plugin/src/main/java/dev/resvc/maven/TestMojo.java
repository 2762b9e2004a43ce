package dev.resvc.maven;

import java.io.IOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs the {@code test} blocks of the {@code .resv} policies, as {@code resvc test} does, and fails the
 * build when one fails: each failed expectation is one line, {@code /abs/file.resv:line:col: error: test
 * … failed: expected …, but got …}. The work is done by {@link PolicyTestSuite}. Honours the switches
 * Surefire honours, so {@code -DskipTests} skips policy tests with the others.
 */
@Mojo(name = "test", defaultPhase = LifecyclePhase.TEST, threadSafe = true)
public class TestMojo extends AbstractResvMojo {
  /** Skips the tests of every plugin that honours it (Surefire's switch). */
  @Parameter(property = "skipTests", defaultValue = "false")
  boolean skipTests;

  /** Skips the policy tests only. */
  @Parameter(property = "resv.skipTests", defaultValue = "false")
  boolean skipPolicyTests;

  /** Skips compiling and running tests (Maven's switch); there is nothing of the policies' to compile, so it skips them. */
  @Parameter(property = "maven.test.skip", defaultValue = "false")
  boolean mavenTestSkip;

  /** Reports failed policy tests without failing the build (Surefire's switch). */
  @Parameter(property = "maven.test.failure.ignore", defaultValue = "false")
  boolean testFailureIgnore;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip || skipTests || skipPolicyTests || mavenTestSkip) {
      getLog().info("resv: policy tests are skipped");
      return;
    }
    PolicyTestSuite.Result r;
    try {
      r = new PolicyTestSuite(baseDir(), sources(), buildLog()).run();
    } catch (PolicyFailure e) {
      throw new MojoFailureException(e.getMessage());
    } catch (IOException e) {
      throw new MojoExecutionException("resv: cannot run the policy tests: " + e, e);
    }
    int total = r.passed() + r.failed();
    if (r.failed() == 0) {
      getLog().info("resv: " + (total == 0 ? "no policy tests" : total == 1 ? "1 policy test passed"
          : "all " + total + " policy tests passed"));
      return;
    }
    String summary = r.failed() + " of " + total + " policy tests failed:\n"
        + String.join("\n", r.failures().stream().map(Problem::text).toList());
    if (testFailureIgnore) {
      getLog().error("resv: " + summary);
      return;
    }
    throw new MojoFailureException(summary);
  }
}
