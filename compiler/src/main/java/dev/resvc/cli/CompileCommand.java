package dev.resvc.cli;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.JarWriter;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.runtime.input.InputException;
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
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
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
      "millions of rule-pair findings."
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

  @Override
  public Integer call() throws InputException, UsageException, CompileErrors {
    if (classesDir == null && javaOut == null && jar == null) {
      throw new UsageException("say where the output goes: -d OUTDIR, --java-out DIR and/or --jar OUT.jar");
    }
    if (noLint && denyWarnings) {
      throw new UsageException("--deny-warnings needs the analyser; drop --no-lint, or --deny-warnings");
    }
    for (Path dir : new Path[] {classesDir, javaOut}) {
      if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new InputException(dir.toString(), Position.whole(), "is a file, not a directory");
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    List<JavaFile> generated = new ArrayList<>();
    List<String> classNames = new ArrayList<>();
    boolean warnings = false;
    List<CompileErrors.Failed> failed = new ArrayList<>();
    for (Path file : files) {
      PolicyCompiler.Compilation c = PolicyInput.attempt(file, err);
      if (c.policy().isEmpty()) {
        failed.add(new CompileErrors.Failed(file.toString(), c));
        continue;
      }
      CheckedPolicy policy = c.policy().get();
      List<Diagnostic> findings = noLint ? List.of() : Linter.lint(policy);
      if (!findings.isEmpty()) {
        err.print(new DiagnosticRenderer(c.sources()).text(findings));
        warnings |= findings.stream().anyMatch(d -> d.severity() != Diagnostic.Severity.INFO);
      }
      String className = PolicyGenerator.className(policy);
      for (String other : classNames) {
        Optional<String> clash = PolicyGenerator.clash(other, className);
        if (clash.isPresent()) {
          throw new UsageException(clash.get());
        }
      }
      classNames.add(className);
      generated.add(PolicyGenerator.generate(policy, PolicyGenerator.sourceHash(c.sources())));
    }
    if (!failed.isEmpty()) {
      throw new CompileErrors(failed);
    }
    if (warnings && denyWarnings) {
      err.println("resvc: warnings are errors (--deny-warnings); nothing written");
      return Main.FINDING;
    }
    try {
      if (javaOut != null) {
        for (JavaFile f : generated) {
          f.writeTo(javaOut);
        }
      }
      if (classesDir != null || jar != null) {
        SortedMap<String, byte[]> classes = InMemoryJavaCompiler.compile(generated);
        if (classesDir != null) {
          writeClasses(classesDir, classes, classNames);
        }
        if (jar != null) {
          if (jar.getParent() != null) {
            Files.createDirectories(jar.getParent());
          }
          JarWriter.write(jar, classes, classNames);
        }
      }
    } catch (IOException e) {
      throw cannotWrite(e);
    }
    err.println("resvc: compiled " + classNames.size() + (classNames.size() == 1 ? " policy: " : " policies: ")
        + String.join(", ", classNames));
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

  private static void writeClasses(Path dir, Map<String, byte[]> classes, List<String> policies) throws IOException {
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      Path target = dir.resolve(e.getKey().replace('.', '/') + ".class");
      Files.createDirectories(target.getParent());
      Files.write(target, e.getValue());
    }
    Path services = dir.resolve(PolicyGenerator.SERVICE_FILE);
    Files.createDirectories(services.getParent());
    Files.writeString(services, PolicyGenerator.serviceFile(policies));
  }
}
