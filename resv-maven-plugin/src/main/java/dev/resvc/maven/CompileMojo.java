package dev.resvc.maven;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Compiles {@code .resv} policies to Java sources (one class per policy, implementing the runtime's
 * {@code Policy}), adds them as a compile source root, and registers them for {@code ServiceLoader}
 * in a generated resource directory. The work is done by {@link ResvSourceGenerator}.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class CompileMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  /** Where the {@code .resv} files are. */
  @Parameter(property = "resv.sourceDirectory", defaultValue = "${project.basedir}/src/main/resv", required = true)
  File sourceDirectory;

  /** Where the generated Java sources go; added as a compile source root. */
  @Parameter(property = "resv.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/resv",
      required = true)
  File outputDirectory;

  /** Where the generated {@code META-INF/services} file goes; added as a resource directory. */
  @Parameter(defaultValue = "${project.build.directory}/generated-resources/resv", required = true)
  File resourcesDirectory;

  /** Ant-style patterns, relative to {@link #sourceDirectory}, of the files to compile ({@code **}{@code /*.resv}). */
  @Parameter
  List<String> includes;

  /** Fail on policy warnings too. */
  @Parameter(property = "resv.denyWarnings", defaultValue = "false")
  boolean denyWarnings;

  /** What was compiled from which inputs, for incremental builds. */
  @Parameter(defaultValue = "${project.build.directory}/resv-maven-plugin/state.tsv", readonly = true, required = true)
  File stateFile;

  /** Skips the goal. */
  @Parameter(property = "resv.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("resv: skipped");
      return;
    }
    ResvSourceGenerator.Config config = new ResvSourceGenerator.Config(project.getBasedir().toPath(),
        sourceDirectory.toPath(), includes, outputDirectory.toPath(), resourcesDirectory.toPath(),
        stateFile.toPath(), denyWarnings);
    ResvSourceGenerator.Log log = new ResvSourceGenerator.Log() {
      @Override
      public void info(String message) {
        getLog().info(message);
      }

      @Override
      public void warn(String message) {
        getLog().warn(message);
      }

      @Override
      public void debug(String message) {
        getLog().debug(message);
      }
    };
    try {
      new ResvSourceGenerator(config, log).run();
    } catch (ResvSourceGenerator.PolicyFailure e) {
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
