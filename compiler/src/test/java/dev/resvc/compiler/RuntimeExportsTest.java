package dev.resvc.compiler;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Generated classes compile in an embedder's module only if every runtime package they name is
 * exported: each {@code dev.resvc.runtime} package the golden generated sources use must be one the
 * runtime's module-info exports.
 */
class RuntimeExportsTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final Pattern RUNTIME_TYPE = Pattern.compile("\\b(dev\\.resvc\\.runtime(?:\\.[a-z][a-z0-9]*)+)\\.[A-Z]");

  /** The runtime's module as built: this test runs on the class path, so read it from where Policy was loaded. */
  private static Set<String> exported() throws URISyntaxException {
    Path runtime = Path.of(Policy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d = ModuleFinder.of(runtime).find("dev.resvc.runtime").orElseThrow().descriptor();
    return d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
  }

  @Test
  void everyRuntimePackageTheGeneratedCodeUsesIsExported() throws IOException, URISyntaxException {
    Set<String> exported = exported();
    Set<String> used;
    try (Stream<Path> files = Files.list(GOLDEN)) {
      used = files.flatMap(f -> {
        try {
          Matcher m = RUNTIME_TYPE.matcher(Files.readString(f));
          return m.results().map(r -> r.group(1)).toList().stream();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).collect(Collectors.toSet());
    }
    assertWithMessage("runtime packages the golden sources use").that(used)
        .containsAtLeast("dev.resvc.runtime.policy", "dev.resvc.runtime.policy.index", "dev.resvc.runtime.model");
    assertWithMessage("exported by the runtime module").that(exported).containsAtLeastElementsIn(used);
  }
}
