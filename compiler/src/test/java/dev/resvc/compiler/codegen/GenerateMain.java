package dev.resvc.compiler.codegen;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Prints the generated source of a policy file: the second JVM of {@link DeterminismTest}. */
public final class GenerateMain {
  private GenerateMain() {}

  public static void main(String[] args) {
    String source = Codegen.check(Path.of(args[0])).generate().toString();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.print(source);
    out.flush();
  }
}
