package dev.resvc.compiler.build;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.compiler.build.BuiltFile.Status;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyBuildTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, text);
  }

  private static String policy(String name, String rules) {
    return "policy " + name + ";\nclassify {\n" + rules + "  default => keep;\n}\n";
  }

  private static final String SHADOWED =
      "  rule a: when region.type == msi => keep;\n  rule b: when region.type == msi => keep;\n";

  @Test
  void filesAreBuiltInNameOrderOnceEachAndNamedRelativeToTheBase() throws Exception {
    Path b = write("b.resv", policy("t.B", ""));
    Path a = write("sub/a.resv", policy("t.A", ""));
    Path lib = write("lib.resv", "predicate usb = device.class matches 0x0c03xx;\n");
    BuildResult r = new PolicyBuild(dir, BuildOptions.DEFAULT).run(List.of(b, a, lib, b));
    assertThat(r.files().stream().map(BuiltFile::name).toList())
        .containsExactly("b.resv", "lib.resv", Path.of("sub/a.resv").toString()).inOrder();
    assertThat(r.files().stream().map(BuiltFile::status).toList())
        .containsExactly(Status.GENERATED, Status.IMPORT_ONLY, Status.GENERATED).inOrder();
    assertThat(r.classNames()).containsExactly("t.A", "t.B").inOrder();
    assertThat(r.serviceFile().text()).isEqualTo("t.A\nt.B\n");
    assertThat(r.javaSources().get(0).path()).isEqualTo("t/B.java");
    assertThat(r.javaSources().get(0).text()).contains("\"b.resv\"");
    assertThat(r.javaSources().get(0).text()).doesNotContain(dir.toString());
    assertThat(r.succeeded()).isTrue();
    // outside the base, a file is named absolutely
    assertThat(PolicyBuild.name(dir.resolve("sub"), b)).isEqualTo(b.toString());
  }

  @Test
  void theLaterFileOfAClashIsRefusedAndTheOthersStillBuild() throws Exception {
    Path first = write("a.resv", policy("t.P", ""));
    Path again = write("b.resv", policy("t.P", ""));
    Path inner = write("c.resv", policy("t.P.Inner", ""));
    Path other = write("d.resv", policy("t.Q", ""));
    BuildResult r = new PolicyBuild(dir, BuildOptions.DEFAULT).run(List.of(other, inner, again, first));
    assertThat(r.files().stream().map(BuiltFile::status).toList())
        .containsExactly(Status.GENERATED, Status.NAME_CLASH, Status.NAME_CLASH, Status.GENERATED).inOrder();
    assertThat(r.files().get(1).clash().orElseThrow().message(n -> n))
        .isEqualTo("policy t.P is also declared by a.resv");
    assertThat(r.files().get(2).clash().orElseThrow().message(n -> "<" + n + ">"))
        .endsWith("so rename one (<a.resv>)");
    assertThat(r.classNames()).containsExactly("t.P", "t.Q").inOrder();
    assertThat(r.hasErrors()).isTrue();
  }

  @Test
  void lintAndWarningsAsErrorsDecideWhatAWarningDoes() throws Exception {
    Path f = write("w.resv", policy("t.W", SHADOWED));
    BuiltFile linted = new PolicyBuild(dir, BuildOptions.DEFAULT).run(List.of(f)).files().get(0);
    assertThat(linted.status()).isEqualTo(Status.GENERATED);
    assertThat(linted.diagnostics().stream().map(Diagnostic::code).toList()).contains(Code.REDUNDANT_RULE); // rule b repeats rule a
    BuiltFile quiet = new PolicyBuild(dir, new BuildOptions(false, false)).run(List.of(f)).files().get(0);
    assertThat(quiet.diagnostics()).isEmpty();
    assertThat(quiet.java()).isEqualTo(linted.java()); // the analyser never changes the class
    BuildResult denied = new PolicyBuild(dir, new BuildOptions(true, true)).run(List.of(f));
    assertThat(denied.files().get(0).status()).isEqualTo(Status.WARNINGS_DENIED);
    assertThat(denied.javaSources()).isEmpty();
    assertThat(denied.warningsDenied()).isTrue();
    assertThrows(IllegalArgumentException.class, () -> new BuildOptions(false, true));
  }

  @Test
  void errorsAreReportedNeverThrown() throws Exception {
    Path f = write("e.resv", "policy t.E;\nclassify {\n  default => kep;\n}\n");
    BuiltFile e = new PolicyBuild(dir, BuildOptions.DEFAULT).run(List.of(f)).files().get(0);
    assertThat(e.status()).isEqualTo(Status.ERRORS);
    assertThat(e.hasErrors()).isTrue();
    assertThat(e.sources()).containsKey("e.resv");
  }

  @Test
  void aCachedFileIsNotCompiledAgain() throws Exception {
    Path f = write("a.resv", "this would not parse");
    List<String> compiled = new ArrayList<>();
    GeneratedFile java = new GeneratedFile("t/A.java", new byte[] {1, 2});
    BuildResult r = new PolicyBuild(dir, BuildOptions.DEFAULT).run(List.of(f),
        (name, file) -> Optional.of(new PolicyBuild.Reuse("t.A", java)), (name, file) -> compiled.add(name));
    assertThat(compiled).isEmpty();
    assertThat(r.files().get(0).status()).isEqualTo(Status.UP_TO_DATE);
    assertThat(r.javaSources()).containsExactly(java);
  }

  @Test
  void writingLeavesUnchangedFilesAlone() throws Exception {
    Path f = write("a.resv", policy("t.A", ""));
    BuildResult r = new PolicyBuild(dir, BuildOptions.DEFAULT).run(List.of(f));
    List<BuildOutput> outputs = List.of(BuildOutput.javaSources(dir.resolve("java")),
        BuildOutput.classFiles(dir.resolve("classes")), BuildOutput.jar(dir.resolve("out/p.jar")));
    List<Path> first = PolicyBuild.write(r, outputs);
    assertThat(first).containsAtLeast(dir.resolve("java/t/A.java"), dir.resolve("classes/t/A.class"),
        dir.resolve("classes/META-INF/services/dev.resvc.runtime.policy.Policy"), dir.resolve("out/p.jar"));
    assertThat(Files.readAllBytes(dir.resolve("java/t/A.java"))).isEqualTo(r.javaSources().get(0).bytes());
    assertThat(PolicyBuild.write(r, outputs)).isEmpty();
  }
}
