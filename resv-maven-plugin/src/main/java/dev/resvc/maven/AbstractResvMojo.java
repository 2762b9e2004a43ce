package dev.resvc.maven;

import dev.resvc.compiler.diag.Diagnostic;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/** What the goals share: which files they read, and where they report. */
abstract class AbstractResvMojo extends AbstractMojo {
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  /** Where the {@code .resv} files are. */
  @Parameter(property = "resv.sourceDirectory", defaultValue = "${project.basedir}/src/main/resv", required = true)
  File sourceDirectory;

  /** Ant-style patterns, relative to {@link #sourceDirectory}, of the files to read ({@code **}{@code /*.resv}). */
  @Parameter
  List<String> includes;

  /** Ant-style patterns, relative to {@link #sourceDirectory}, of files not to read, even when included. */
  @Parameter
  List<String> excludes;

  /** Skips every goal of this plugin. */
  @Parameter(property = "resv.skip", defaultValue = "false")
  boolean skip;

  /** The IDE's view of the build (m2e); on the command line, one that says every file changed. */
  @Component
  BuildContext buildContext;

  PolicySources sources() {
    return new PolicySources(sourceDirectory.toPath(), includes, excludes);
  }

  Path baseDir() {
    return project.getBasedir().toPath();
  }

  /**
   * Reports to the Maven log and the build context. Errors are not logged here: they end the goal, and
   * Maven prints the exception's message, which lists them. The command line's build context would only
   * log each problem a second time in its own format, so it is not told; an IDE's turns them into markers.
   */
  BuildLog buildLog() {
    boolean ide = !(buildContext instanceof DefaultBuildContext);
    return new BuildLog() {
      @Override
      public void info(String message) {
        getLog().info(message);
      }

      @Override
      public void debug(String message) {
        getLog().debug(message);
      }

      @Override
      public void problem(Problem p) {
        switch (p.severity()) {
          case ERROR -> { }
          case WARNING -> getLog().warn(p.text());
          case INFO -> getLog().info(p.text());
        }
        if (ide && p.severity() != Diagnostic.Severity.INFO) {
          buildContext.addMessage(p.file().toFile(), p.line(), p.column(), p.message(),
              p.severity() == Diagnostic.Severity.ERROR
                  ? BuildContext.SEVERITY_ERROR : BuildContext.SEVERITY_WARNING, null);
        }
      }

      @Override
      public void compiling(Path file) {
        buildContext.removeMessages(file.toFile());
      }

      @Override
      public void changed(Path file) {
        buildContext.refresh(file.toFile());
      }
    };
  }
}
