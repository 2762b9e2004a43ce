package dev.resvc.compiler.syntax;

import dev.resvc.compiler.ast.PolicyFile;
import java.util.List;
import java.util.Map;

/**
 * A policy file and everything it imports, transitively.
 *
 * @param root the file that was loaded
 * @param imports the imported files in dependency order (a file comes after the files it imports),
 *     each once, without the root
 * @param sources file name (as in spans) to its text, for {@link dev.resvc.compiler.diag.DiagnosticRenderer}
 */
public record LoadedPolicy(PolicyFile root, List<PolicyFile> imports, Map<String, String> sources) {
  public LoadedPolicy {
    imports = List.copyOf(imports);
    sources = Map.copyOf(sources);
  }
}
