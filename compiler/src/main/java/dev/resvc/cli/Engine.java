package dev.resvc.cli;

import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.policy.Policy;
import java.util.List;

/**
 * Which implementation of a policy runs: the reference interpreter, or the generated class (compiled
 * in memory, as a VMM would load it from a jar). Both must give identical verdicts, and a test holds
 * them to it. The interpreter is the default: a command line runs a policy once, and compiling it
 * first (javac in process) costs more than a second, most of a run (docs/benchmarks.md, "The command
 * line").
 */
enum Engine {
  compiled,
  interpreted;

  /** The {@code --engine} option's help, one text for every command that has it. */
  static final String HELP = "interpreted (the reference interpreter; the default, the fastest for one run) or"
      + " compiled (the generated Java class as a VMM embeds it, compiled in memory first); both give"
      + " identical results.";

  Policy instantiate(PolicyCompiler.Compilation compilation) {
    CheckedPolicy checked = compilation.policy().orElseThrow();
    if (this == interpreted) {
      return new Interpreter(checked);
    }
    String hash = PolicyGenerator.sourceHash(compilation.sources());
    return CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(PolicyGenerator.generate(checked, hash))));
  }
}
