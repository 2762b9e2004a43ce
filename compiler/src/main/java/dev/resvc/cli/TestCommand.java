package dev.resvc.cli;

import dev.resvc.compiler.testrun.PolicyTestRunner;
import dev.resvc.runtime.input.InputException;
import java.io.PrintWriter;
import java.nio.file.Path;
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

  @Option(names = "--engine", defaultValue = "compiled",
      description = "compiled (the generated Java class, as a VMM embeds it; the default) or interpreted"
          + " (the reference interpreter); both give identical results.")
  Engine engine;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .resv policies.")
  List<Path> files;

  @Override
  public Integer call() throws InputException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int passed = 0;
    int failed = 0;
    boolean broken = false;
    for (Path file : files) {
      dev.resvc.compiler.PolicyCompiler.Compilation compilation = PolicyInput.compilation(file, Format.text, err, out);
      if (compilation.policy().isEmpty()) {
        broken = true;
        continue;
      }
      List<PolicyTestRunner.Result> results =
          PolicyTestRunner.run(compilation.policy().get(), engine.instantiate(compilation));
      if (results.isEmpty()) {
        out.println(file + ": no tests");
      }
      for (PolicyTestRunner.Result r : results) {
        if (r.passed()) {
          passed++;
          out.println("PASS " + file + ": " + r.test().name());
        } else {
          failed++;
          out.println("FAIL " + file + ": " + r.test().name());
          for (PolicyTestRunner.Failure f : r.failures()) {
            out.println("  " + f.expect().span() + ": expected " + f.expected());
            out.println("      but got " + f.actual());
          }
        }
      }
    }
    if (!broken) {
      // after a policy that does not compile, counts of the others would read as the whole run's
      out.println(passed + " passed, " + failed + " failed");
    }
    return broken ? Main.BAD_INPUT : failed > 0 ? Main.FINDING : Main.OK;
  }
}
