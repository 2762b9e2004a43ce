package dev.resvc.compiler;

import static com.google.common.truth.Truth.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PolicyCompiler#compile(Path, String)}: reads one path, reports under another name. */
class PolicyCompilerNameTest {
  @TempDir Path dir;

  @Test
  void theFileAndItsImportsAreNamedRelativeToTheGivenName() throws Exception {
    Files.createDirectories(dir.resolve("src/lib"));
    Files.writeString(dir.resolve("src/lib/classes.resv"), "predicate usb = device.class matches 0x0c03xx;\n");
    Files.writeString(dir.resolve("src/p.resv"), """
        policy t.P;
        import "lib/classes.resv";
        classify {
          rule u: when region.source == rmrr and usb => direct-relaxable;
          rule bad: when nosuch => keep;
          default => keep;
        }
        """);
    PolicyCompiler.Compilation c = PolicyCompiler.compile(dir.resolve("src/p.resv"), "src/p.resv");
    assertThat(c.sources().keySet()).containsExactly("src/p.resv", Path.of("src/lib/classes.resv").toString());
    assertThat(c.hasErrors()).isTrue();
    assertThat(c.renderText()).startsWith("src/p.resv:5:18: error[E101]: unknown predicate `nosuch`");
  }
}
