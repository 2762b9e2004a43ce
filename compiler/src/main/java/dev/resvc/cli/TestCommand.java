package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.json.Json;
import dev.resvc.compiler.testrun.PolicyTestRunner;
import dev.resvc.runtime.input.InputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc test}: run the {@code test} blocks of policies. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run the test blocks of each policy and report which pass and which fail.",
      "",
      "One line per test; each failure gives the expected and actual outcome and the rule that decided.",
      "A closing line 'N passed, N failed' follows when every policy compiled."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:every test passed",
      "1:a test failed",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc test examples/policies/*.resv"
    })
final class TestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--engine", defaultValue = "interpreted", description = Engine.HELP)
  Engine engine;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .resv policies.")
  List<Path> files;

  @Option(names = "--format", defaultValue = "text", description = "text or json.")
  Format format;

  @Override
  public Integer call() throws InputException, CompileErrors {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int passed = 0;
    int failed = 0;
    List<CompileErrors.Failed> broken = new ArrayList<>();
    Json.Arr json = Json.array();
    for (Path file : files) {
      PolicyCompiler.Compilation compilation = PolicyInput.attempt(file, err);
      if (compilation.policy().isEmpty()) {
        broken.add(new CompileErrors.Failed(file.toString(), compilation));
        continue;
      }
      List<PolicyTestRunner.Result> results =
          PolicyTestRunner.run(compilation.policy().get(), engine.instantiate(compilation));
      passed += (int) results.stream().filter(PolicyTestRunner.Result::passed).count();
      failed += (int) results.stream().filter(r -> !r.passed()).count();
      if (format == Format.json) {
        json.add(json(file, results, compilation));
      } else {
        text(file, results, out);
      }
    }
    if (format == Format.json && broken.isEmpty()) {
      out.println(JsonDocument.test.start()
          .put("files", json)
          .put("passed", passed)
          .put("failed", failed));
    } else if (format == Format.text && broken.isEmpty()) {
      // after a policy that does not compile, counts of the others would read as the whole run's
      out.println(passed + " passed, " + failed + " failed");
    }
    if (!broken.isEmpty()) {
      throw new CompileErrors(broken);
    }
    return failed > 0 ? Main.FINDING : Main.OK;
  }

  private static void text(Path file, List<PolicyTestRunner.Result> results, PrintWriter out) {
    if (results.isEmpty()) {
      out.println(file + ": no tests");
    }
    for (PolicyTestRunner.Result r : results) {
      out.println((r.passed() ? "PASS " : "FAIL ") + file + ": " + r.test().name());
      for (PolicyTestRunner.Failure f : r.failures()) {
        out.println("  " + f.expect().span() + ": expected " + f.expected());
        out.println("      but got " + f.actual());
      }
    }
  }

  /** One policy's tests: each passed or failed, with every failed expectation where it is written. */
  private static Json.Obj json(Path file, List<PolicyTestRunner.Result> results, PolicyCompiler.Compilation c) {
    Json.Arr tests = Json.array();
    for (PolicyTestRunner.Result r : results) {
      Json.Arr failures = Json.array();
      for (PolicyTestRunner.Failure f : r.failures()) {
        failures.add(Json.object()
            .put("file", f.expect().span().file())
            .put("line", f.expect().span().line())
            .put("column", f.expect().span().column())
            .put("expected", f.expected())
            .put("actual", f.actual()));
      }
      tests.add(Json.object()
          .put("name", r.test().name())
          .put("line", r.test().span().line())
          .put("passed", r.passed())
          .put("failures", failures));
    }
    return Json.object()
        .put("file", file.toString())
        .put("tests", tests)
        .put("diagnostics", DiagnosticRenderer.json(c.diagnostics()));
  }
}
