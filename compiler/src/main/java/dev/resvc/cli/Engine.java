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
 * Which implementation of a policy runs: the generated class (compiled in memory, as a VMM would load
 * it from a jar) or the reference interpreter. Both must give identical verdicts.
 */
enum Engine {
  compiled,
  interpreted;

  Policy instantiate(PolicyCompiler.Compilation compilation) {
    CheckedPolicy checked = compilation.policy().orElseThrow();
    if (this == interpreted) {
      return new Interpreter(checked);
    }
    String hash = PolicyGenerator.sourceHash(compilation.sources());
    return CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(PolicyGenerator.generate(checked, hash))));
  }
}
