package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.build.BuildOptions;
import dev.resvc.compiler.build.BuildOutput;
import dev.resvc.compiler.build.BuildResult;
import dev.resvc.compiler.build.BuiltFile;
import dev.resvc.compiler.build.PolicyBuild;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc compile}: policies to Java sources, class files or a jar. */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
      "Compile policies to Java sources, class files or a jar that depend on the resvc runtime only.",
      "",
      "One public final class per policy (its `policy` name gives package and class), implementing",
      "dev.resvc.runtime.policy.Policy. The analyser runs first; its findings are warnings unless",
      "--deny-warnings. --no-lint skips it: a generated policy of thousands of overlapping rules can have",
      "millions of rule-pair findings.",
      "",
      "A file holding only constants, predicates and imports is no policy: it is skipped, and compiled",
      "through the policies that import it. Every file is compiled before errors are reported, and nothing",
      "is written unless all compile. Two policies may not share a name. Files are named relative to --base",
      "in messages and generated code, so resv-maven-plugin, given the same files and base directory,",
      "generates byte-identical classes and reports the same diagnostics."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:compiled (analyser warnings are printed)",
      "1:the analyser warned and --deny-warnings was given",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc compile examples/policies/kernel-intel.resv --jar kernel-intel.jar",
      "  bin/resvc compile examples/policies/*.resv --java-out src/generated/java"
    })
final class CompileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .resv policies.")
  List<Path> files;

  @Option(names = "-d", paramLabel = "OUTDIR", description = "Write class files (and the ServiceLoader registration) here.")
  Path classesDir;

  @Option(names = "--java-out", paramLabel = "DIR", description = "Write the generated Java sources here.")
  Path javaOut;

  @Option(names = "--jar", paramLabel = "OUT.jar", description = "Write a jar, ready to put on a classpath.")
  Path jar;

  @Option(names = "--deny-warnings", description = "Fail (exit 1) when the analyser reports a warning.")
  boolean denyWarnings;

  @Option(names = "--no-lint", description = "Do not run the analyser (checker errors still stop the compilation).")
  boolean noLint;

  @Option(names = "--base", paramLabel = "DIR", description = "Name files relative to DIR in messages, provenance and"
      + " generated headers (default: the current directory); a file outside it is named by its absolute path.")
  Path base;

  @Override
  public Integer call() throws InputException, UsageException, CompileErrors {
    if (classesDir == null && javaOut == null && jar == null) {
      throw new UsageException("say where the output goes: -d OUTDIR, --java-out DIR and/or --jar OUT.jar");
    }
    if (noLint && denyWarnings) {
      throw new UsageException("--deny-warnings needs the analyser; drop --no-lint, or --deny-warnings");
    }
    for (Path dir : new Path[] {classesDir, javaOut, base}) {
      if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new InputException(dir.toString(), Position.whole(), "is a file, not a directory");
      }
    }
    for (Path file : files) {
      InputFiles.requireRegularFile(file, file.toString(), InputLimits.POLICY);
    }
    PrintWriter err = spec.commandLine().getErr();
    BuildResult result = new PolicyBuild(base == null ? Path.of("") : base, new BuildOptions(!noLint, denyWarnings))
        .run(files, PolicyBuild.Cache.NONE, (name, file) -> Inputs.processing(name));
    List<CompileErrors.Failed> failed = new ArrayList<>();
    List<String> clashes = new ArrayList<>();
    for (BuiltFile f : result.files()) {
      String name = MessageText.clean(f.name(), Output.MAX_SOURCE);
      switch (f.status()) {
        case ERRORS -> failed.add(new CompileErrors.Failed(f.name(),
            new PolicyCompiler.Compilation(Optional.empty(), f.diagnostics(), f.sources())));
        case IMPORT_ONLY -> err.println("resvc: " + name + " declares no policy; it serves only as an import");
        case GENERATED, UP_TO_DATE, WARNINGS_DENIED, NAME_CLASH -> {
          err.print(new DiagnosticRenderer(f.sources()).text(f.diagnostics()));
          f.clash().ifPresent(c -> clashes.add(name + ": error: " + MessageText.clean(c.message(n -> n), Failures.MAX_MESSAGE)));
        }
      }
    }
    clashes.forEach(err::println);
    if (!failed.isEmpty()) {
      throw new CompileErrors(failed);
    }
    if (!clashes.isEmpty()) {
      return Main.BAD_INPUT;
    }
    if (result.warningsDenied()) {
      err.println("resvc: warnings are errors (--deny-warnings); nothing written");
      return Main.FINDING;
    }
    List<BuildOutput> outputs = new ArrayList<>();
    if (javaOut != null) {
      outputs.add(BuildOutput.javaSources(javaOut));
    }
    if (classesDir != null) {
      outputs.add(BuildOutput.classFiles(classesDir));
    }
    if (jar != null) {
      outputs.add(BuildOutput.jar(jar));
    }
    try {
      PolicyBuild.write(result, outputs);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
    List<String> classNames = result.classNames();
    err.println("resvc: compiled " + classNames.size() + (classNames.size() == 1 ? " policy" : " policies")
        + (classNames.isEmpty() ? "" : ": " + String.join(", ", classNames)));
    return Main.OK;
  }

  /** An output that cannot be written, named by the file the file system complained about. */
  private static InputException cannotWrite(IOException e) {
    String file = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : "output";
    String reason;
    if (e instanceof FileAlreadyExistsException) {
      reason = "a file is in the way of a directory";
    } else if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
      reason = fs.getReason();
    } else {
      reason = String.valueOf(e.getMessage());
    }
    return new InputException(file, Position.whole(), "cannot write: " + reason);
  }
}
