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
      "Run the test blocks of each policy: pass or fail per test, with the expected and actual outcome and",
      "the rule that decided for each failure, then a closing line 'N passed, N failed'.",
      "",
      "Exit status: 0 all passed, 1 a test failed, 2 a policy does not compile."
    })
final class TestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--engine", defaultValue = "interpreted", description = Engine.HELP)
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
    out.println(passed + " passed, " + failed + " failed");
    return broken ? Main.BAD_INPUT : failed > 0 ? Main.FINDING : Main.OK;
  }
}
