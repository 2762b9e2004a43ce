package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static List<String> names(List<PolicyFile> files) {
    return files.stream().map(PolicyFile::file).toList();
  }

  @Test
  void relativeImportsInDependencyOrderEachOnce() throws IOException {
    Path root = write("main.resv", "policy x.Y;\nimport \"lib/classes.resv\";\nimport \"lib/util.resv\";\n");
    write("lib/classes.resv", "import \"util.resv\";\npredicate usb = device.class matches 0x0c03xx;\n");
    write("lib/util.resv", "const K = 4K;\n");
    Diagnostics d = new Diagnostics();
    LoadedPolicy loaded = PolicyLoader.load(root, d);
    assertThat(d.all()).isEmpty();
    String lib = dir.resolve("lib").toString();
    assertThat(loaded.root().file()).isEqualTo(root.toString());
    assertThat(names(loaded.imports())).containsExactly(lib + "/util.resv", lib + "/classes.resv").inOrder();
    assertThat(loaded.sources().keySet()).containsExactly(root.toString(), lib + "/util.resv",
        lib + "/classes.resv");
    assertThat(loaded.sources().get(lib + "/util.resv")).isEqualTo("const K = 4K;\n");
    Item.Const k = (Item.Const) loaded.imports().get(0).items().get(0);
    assertThat(k.span().file()).isEqualTo(lib + "/util.resv");
  }

  @Test
  void parentDirectoryImportsAreNormalized() throws IOException {
    Path root = write("a/main.resv", "import \"../b/../c.resv\";\n");
    write("c.resv", "const C = 1;\n");
    Diagnostics d = new Diagnostics();
    LoadedPolicy loaded = PolicyLoader.load(root, d);
    assertThat(d.all()).isEmpty();
    assertThat(names(loaded.imports())).containsExactly(dir.resolve("c.resv").toString());
  }

  @Test
  void missingImport() throws IOException {
    Path root = write("main.resv", "const A = 1;\nimport \"nope.resv\";\n");
    Diagnostics d = new Diagnostics();
    LoadedPolicy loaded = PolicyLoader.load(root, d);
    Diagnostic e = d.all().get(0);
    assertThat(d.all()).hasSize(1);
    assertThat(e.code().id()).isEqualTo("E010");
    assertThat(e.span()).isEqualTo(new Span(root.toString(), 2, 8, 11));
    assertThat(e.message()).isEqualTo("imported file " + dir.resolve("nope.resv") + " does not exist");
    assertThat(loaded.imports()).isEmpty();
    assertThat(loaded.root().items()).hasSize(2);
  }

  @Test
  void cycleOfThree() throws IOException {
    Path a = write("a.resv", "import \"b.resv\";\n");
    write("b.resv", "import \"c.resv\";\n");
    write("c.resv", "import \"a.resv\";\n");
    Diagnostics d = new Diagnostics();
    LoadedPolicy loaded = PolicyLoader.load(a, d);
    assertThat(d.all()).hasSize(1);
    Diagnostic e = d.all().get(0);
    assertThat(e.code().id()).isEqualTo("E011");
    String b = dir.resolve("b.resv").toString();
    String c = dir.resolve("c.resv").toString();
    assertThat(e.message()).isEqualTo("import cycle: " + a + " -> " + b + " -> " + c + " -> " + a);
    assertThat(e.span().file()).isEqualTo(c);
    assertThat(names(loaded.imports())).containsExactly(c, b).inOrder();
  }

  @Test
  void selfImport() throws IOException {
    Path a = write("self.resv", "import \"./self.resv\";\n");
    Diagnostics d = new Diagnostics();
    PolicyLoader.load(a, d);
    assertThat(d.all()).hasSize(1);
    assertThat(d.all().get(0).code().id()).isEqualTo("E011");
    assertThat(d.all().get(0).message()).isEqualTo("import cycle: " + a + " -> " + a);
  }

  @Test
  void nonUtf8Import() throws IOException {
    Path root = write("main.resv", "import \"latin1.resv\";\n");
    Files.write(dir.resolve("latin1.resv"), "const A = \"caf\u00e9\";".getBytes(StandardCharsets.ISO_8859_1));
    Diagnostics d = new Diagnostics();
    PolicyLoader.load(root, d);
    assertThat(d.all()).hasSize(1);
    Diagnostic e = d.all().get(0);
    assertThat(e.code().id()).isEqualTo("E012");
    assertThat(e.message()).isEqualTo(dir.resolve("latin1.resv") + " is not UTF-8 text (invalid byte at offset 14)");
    assertThat(e.span().file()).isEqualTo(root.toString());
  }

  @Test
  void nonUtf8OrMissingRoot() throws IOException {
    Path root = dir.resolve("bad.resv");
    Files.write(root, new byte[] {'c', 'o', (byte) 0xff});
    Diagnostics d = new Diagnostics();
    LoadedPolicy loaded = PolicyLoader.load(root, d);
    assertThat(d.all().get(0).code().id()).isEqualTo("E012");
    assertThat(loaded.root().items()).isEmpty();
    Diagnostics d2 = new Diagnostics();
    PolicyLoader.load(dir.resolve("absent.resv"), d2);
    assertThat(d2.all().get(0).code().id()).isEqualTo("E010");
  }

  @Test
  void importedFileErrorsCarryItsName() throws IOException {
    Path root = write("main.resv", "import \"broken.resv\";\n");
    write("broken.resv", "const = 1;\n");
    Diagnostics d = new Diagnostics();
    LoadedPolicy loaded = PolicyLoader.load(root, d);
    assertThat(d.all()).hasSize(1);
    assertThat(d.all().get(0).span().file()).isEqualTo(dir.resolve("broken.resv").toString());
    assertThat(loaded.sources()).containsKey(dir.resolve("broken.resv").toString());
  }
}
