package dev.resvc.maven;

import dev.resvc.compiler.build.BuildOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code .resv} policies to Java sources (one class per policy, implementing the runtime's
 * {@code Policy}), adds them as a compile source root, and registers them for {@code ServiceLoader}
 * in a generated resource directory. The work is done by {@link ResvSourceGenerator}.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class CompileMojo extends AbstractResvMojo {
  /** Where the generated Java sources go; added as a compile source root. */
  @Parameter(property = "resv.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/resv",
      required = true)
  File outputDirectory;

  /** Where the generated {@code META-INF/services} file goes; added as a resource directory. */
  @Parameter(defaultValue = "${project.build.directory}/generated-resources/resv", required = true)
  File resourcesDirectory;

  /**
   * Run the analyser (as {@code resvc compile} does): its warnings and notes are logged. Turn it off for
   * generated policies of thousands of overlapping rules, whose rule pairs it would all examine.
   */
  @Parameter(property = "resv.lint", defaultValue = "true")
  boolean lint = true;

  /** Fail on the analyser's warnings too (needs {@link #lint}). */
  @Parameter(property = "resv.denyWarnings", defaultValue = "false")
  boolean denyWarnings;

  /**
   * What was compiled from which inputs (with their SHA-256) into which outputs, for incremental builds;
   * one file per execution, beside the compiler plugin's state, so two executions never share it.
   */
  @Parameter(defaultValue = "${project.build.directory}/maven-status/resv-maven-plugin/compile/${mojoExecution.executionId}/state.tsv",
      readonly = true, required = true)
  File stateFile;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("resv: skipped");
      return;
    }
    if (denyWarnings && !lint) {
      throw new MojoExecutionException("resv: denyWarnings needs the analyser; set lint to true, or denyWarnings to false");
    }
    try {
      // An IDE's incremental build after edits elsewhere: nothing to do (imports from outside the source
      // directory are caught by the next full build, which checks every input's hash).
      if (buildContext.isIncremental() && !buildContext.hasDelta(sourceDirectory) && Files.exists(stateFile.toPath())) {
        getLog().debug("resv: no .resv file changed");
        return;
      }
      ResvSourceGenerator.Config config = new ResvSourceGenerator.Config(baseDir(), sources(),
          outputDirectory.toPath(), resourcesDirectory.toPath(), stateFile.toPath(), new BuildOptions(lint, denyWarnings));
      new ResvSourceGenerator(config, buildLog()).run();
    } catch (PolicyFailure e) {
      throw new MojoFailureException(e.getMessage());
    } catch (IOException e) {
      throw new MojoExecutionException("resv: cannot generate policy sources: " + e, e);
    } finally {
      register();
    }
  }

  /** Adds the output directories to the build even after a failure, as generators usually do. */
  private void register() {
    String sources = outputDirectory.getAbsolutePath();
    if (!project.getCompileSourceRoots().contains(sources)) {
      project.addCompileSourceRoot(sources);
    }
    String resources = resourcesDirectory.getAbsolutePath();
    if (project.getResources().stream().noneMatch(r -> resources.equals(r.getDirectory()))) {
      Resource resource = new Resource();
      resource.setDirectory(resources);
      project.addResource(resource);
    }
  }
}
