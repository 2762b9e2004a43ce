package dev.resvc.fuzz;

import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped example hosts and policies the targets build on, found through the {@code
 * resvc.examples} system property the module's POM sets. Each snapshot is read once per JVM: the
 * fuzzed input replaces one of its tables, never its directory tree.
 */
final class ExampleHosts {
  private ExampleHosts() {}

  /** The {@code examples/} directory of the repository. */
  static Path examples() {
    String dir = System.getProperty("resvc.examples");
    if (dir == null) {
      throw new IllegalStateException("the system property resvc.examples is not set; run through Maven (fuzz/pom.xml)");
    }
    return Path.of(dir);
  }

  /** The snapshot {@code examples/hosts/<name>}. */
  static SysfsSnapshot snapshot(String name) {
    Path root = examples().resolve("hosts").resolve(name);
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("no example host " + root);
    }
    try {
      return SysfsReader.read(root).value();
    } catch (InputException e) {
      throw new IllegalStateException("example host " + name + " does not read: " + e.getMessage(), e);
    }
  }
}
