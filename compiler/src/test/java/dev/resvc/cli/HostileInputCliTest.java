package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/**
 * Issue #17: whatever the command line is given (a device, a FIFO, an endless standard input, a
 * hostile policy, a garbage option value), it answers within seconds with exit 2 and one clean line
 * (or bounded diagnostics for a policy), never a stack trace, a hang or an exit 1 or 3.
 */
class HostileInputCliTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final Path ROOT = MalformedPoliciesCliTest.moduleDir().getParent();
  private static final String HOST = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString();
  private static final String POLICY = ROOT.resolve("examples/policies/kernel-intel.resv").toString();

  @TempDir Path dir;
  private Path fifo;
  private Path zeroLink;
  private Path good;

  @BeforeEach
  void inputs() throws Exception {
    good = Files.writeString(dir.resolve("good.resv"), "policy t.Good;\nclassify { default => keep; }\n");
    zeroLink = Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
    fifo = dir.resolve("fifo");
    if (OS.LINUX.isCurrentOs()) {
      assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isEqualTo(0);
    }
  }

  private static CliRun run(String... args) {
    return assertTimeoutPreemptively(BOUND, () -> CliRun.of(args));
  }

  /** Exit 2 and exactly one line on stderr, with no trace of a Java exception. */
  private static void oneCleanLine(CliRun r, String... args) {
    assertWithMessage("exit of %s; stderr: %s", List.of(args), r.err()).that(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertWithMessage("stderr of %s", List.of(args)).that(r.err().lines().toList()).hasSize(1);
    noTrace(r);
  }

  private static void noTrace(CliRun r) {
    assertThat(r.err()).doesNotContain("Exception");
    assertThat(r.err()).doesNotContain("Error:");
    assertThat(r.err()).doesNotContain("at dev.");
    assertThat(r.err()).doesNotContain("\u001b");
  }

  private List<List<String>> everyFileInput(String bad) throws IOException {
    Path layoutTest = Files.writeString(dir.resolve("layout-test.resv"), "policy t.L;\nclassify { default => keep; }\n"
        + "test \"layout\" {\n  guest \"" + bad + "\";\n  expect assignable;\n}\n");
    List<List<String>> all = new ArrayList<>();
    all.add(List.of("check", "--policy", bad, "--host", HOST));
    all.add(List.of("explain", "--policy", bad, "--host", HOST, "--device", "00:1a.0"));
    all.add(List.of("test", bad));
    all.add(List.of("lint", bad));
    all.add(List.of("compile", "--java-out", dir.resolve("out").toString(), bad));
    all.add(List.of("fmt", bad));
    all.add(List.of("dmar", bad));
    all.add(List.of("ivrs", bad));
    all.add(List.of("iort", bad));
    all.add(List.of("regions", "merge", bad));
    all.add(List.of("iova", bad));
    all.add(List.of("guest", bad));
    all.add(List.of("check", "--policy", POLICY, "--host", HOST, "--guest", bad));
    all.add(List.of("check", "--policy", POLICY, "--host", HOST, "--dmar", bad));
    all.add(List.of("check", "--policy", POLICY, "--host", HOST, "--ivrs", bad));
    all.add(List.of("check", "--policy", POLICY, "--host", HOST, "--iort", bad));
    all.add(List.of("test", layoutTest.toString()));
    return all;
  }

  private void everyInputIsRefusedInOneLine(String bad) throws IOException {
    for (List<String> args : everyFileInput(bad)) {
      CliRun r = run(args.toArray(String[]::new));
      if (args.get(0).equals("test") && args.get(1).endsWith("layout-test.resv")) {
        // a layout named in a test block is a diagnostic of the policy (E120)
        assertWithMessage("exit of %s; stderr: %s", args, r.err()).that(r.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("error[E120]: guest layout: ");
        assertThat(r.err()).contains("is not a regular file");
        noTrace(r);
        continue;
      }
      oneCleanLine(r, args.toArray(String[]::new));
      assertWithMessage("stderr of %s", args).that(r.err()).contains("is not a regular file");
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void devZeroAsAnyInputIsOneLine() throws IOException {
    everyInputIsRefusedInOneLine("/dev/zero");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aLinkToDevZeroAsAnyInputIsOneLine() throws IOException {
    everyInputIsRefusedInOneLine(zeroLink.toString());
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aFifoAsAnyInputIsOneLineAndDoesNotBlock() throws IOException {
    everyInputIsRefusedInOneLine(fifo.toString());
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void anImportOfDevZeroOrAFifoIsADiagnostic() throws IOException {
    Path p = Files.writeString(dir.resolve("imports.resv"), "policy t.I;\nimport \"/dev/zero\";\nimport \"zero\";\n"
        + "import \"fifo\";\nclassify { default => keep; }\n");
    CliRun r = run("check", "--policy", p.toString(), "--host", HOST);
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains(p + ":2:8: error[E012]: /dev/zero: is not a regular file");
    assertThat(r.err()).contains(p + ":3:8: error[E012]: " + zeroLink + ": is not a regular file");
    assertThat(r.err()).contains(p + ":4:8: error[E012]: " + fifo + ": is not a regular file");
    assertThat(r.err()).endsWith("resvc: " + p + ": 3 errors\n");
    noTrace(r);
  }

  @Test
  void standardInputIsCappedToo() {
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 0);
        return len;
      }
    };
    InputStream saved = System.in;
    try {
      for (String[] args : new String[][] {{"dmar", "-"}, {"regions", "merge", "-"}, {"iova", "-"}, {"fmt", "-"}}) {
        System.setIn(endless);
        CliRun r = run(args);
        oneCleanLine(r, args);
        assertThat(r.err()).startsWith("<stdin>: error: is longer than ");
      }
      System.setIn(new ByteArrayInputStream(new byte[] {(byte) 0xff, 'x'}));
      CliRun r = run("regions", "merge", "-");
      oneCleanLine(r);
      assertThat(r.err()).isEqualTo("<stdin>: error: is not UTF-8 text (invalid byte at offset 0)\n");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void nulBytesAndLongLinesGiveBoundedDiagnostics() throws IOException {
    Path nul = Files.write(dir.resolve("nul.resv"), new byte[100_000]);
    Path hashes = Files.writeString(dir.resolve("hash.resv"), "#".repeat(20_000) + "\n");
    Path many = Files.writeString(dir.resolve("many.resv"), "$ #\n".repeat(50_000));
    for (Path p : List.of(nul, hashes, many)) {
      for (String[] args : new String[][] {{"check", "--policy", p.toString(), "--host", HOST}, {"test", p.toString()}}) {
        CliRun r = run(args);
        assertWithMessage("exit of %s", p).that(r.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertWithMessage("stderr of %s", p).that(r.err().length()).isLessThan(40_000);
        noTrace(r);
      }
    }
    CliRun r = run("check", "--policy", nul.toString(), "--host", HOST);
    assertThat(r.err()).contains("error[E001]: 100000 unknown characters in a row, starting with U+0000");
    assertThat(r.err()).doesNotContain("\u0000");
    assertThat(run("test", many.toString()).err()).contains("error[E016]: more than 100 errors in this file");
  }

  @Test
  void aMegabyteNumberIsRefusedAtOnce() throws IOException {
    Path p = Files.writeString(dir.resolve("num.resv"), "policy t.N;\nconst X = " + "9".repeat(1 << 20) + ";\n");
    CliRun r = run("check", "--policy", p.toString(), "--host", HOST);
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("error[E004]: integer `" + "9".repeat(80) + "…` does not fit in 64 bits");
    assertThat(r.err().length()).isLessThan(2_000);
  }

  @Test
  void aChainOfTwoThousandImportsStopsAtTheDepthLimit() throws IOException {
    Files.writeString(dir.resolve("c0.resv"), "policy t.Chain;\nimport \"c1.resv\";\nclassify { default => keep; }\n");
    for (int i = 1; i < 2000; i++) {
      Files.writeString(dir.resolve("c" + i + ".resv"), "import \"c" + (i + 1) + ".resv\";\nconst K" + i + " = 1;\n");
    }
    CliRun r = run("check", "--policy", dir.resolve("c0.resv").toString(), "--host", HOST);
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.err()).contains("c31.resv:1:8: error[E013]: imports nested deeper than 32 files");
    noTrace(r);
  }

  @Test
  void controlCharactersInArgumentsAndNamesAreEscaped() {
    String hostile = "x\u001b[2J\r\u0000y" + "z".repeat(100_000);
    for (String[] args : new String[][] {{"dmar", hostile}, {"check", "--bogus" + hostile}, {hostile},
        {"guest", hostile}, {"iova", "--aperture", hostile, "-"}, {"lint", hostile}}) {
      CliRun r = run(args);
      assertWithMessage("exit of %s", args[0]).that(r.exitCode()).isEqualTo(Main.BAD_INPUT);
      noTrace(r);
      assertThat(r.err()).doesNotContain("\r");
      assertThat(r.err()).doesNotContain("\u0000");
      assertThat(r.err().length()).isLessThan(1_000);
    }
  }

  @Test
  void garbageOptionValuesAreUsageErrors() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "");
    String[][] cases = {
      {"guest", ","},
      {"guest", ""},
      {"check", "--policy", good.toString(), "--host", HOST, "--guest", ","},
      {"check", "--policy", good.toString(), "--host", HOST, "--guest", "q35,ram=99999999999999999G"},
      {"check", "--policy", good.toString(), "--host", HOST, "--guest", "q35,ram="},
      {"check", "--policy", good.toString(), "--host", HOST, "--guest", "a\u0000b"},
      {"compile", "--java-out", file.toString(), good.toString()},
      {"compile", "-d", file.toString(), good.toString()},
      {"compile", "--jar", file.resolve("x.jar").toString(), good.toString()},
      {"iova", "--aperture", "garbage", file.toString()},
      {"iova", "--aperture", "0x10-0x1", file.toString()},
      {"iova", "--aperture", "0x0-0x1ffffffffffffffff", file.toString()},
    };
    for (String[] args : cases) {
      oneCleanLine(run(args), args);
    }
    assertThat(run("guest", ",").err())
        .isEqualTo("resvc: error: --guest: no guest machine given (expected q35, pc, virt, a versioned QEMU machine"
            + " type such as pc-q35-8.2, or a layout file)\n");
    assertThat(run("compile", "--java-out", file.toString(), good.toString()).err())
        .isEqualTo(file + ": error: is a file, not a directory\n");
  }

  // ---- failures that escape a command ----------------------------------------------------------

  /** A command that fails the way a bug or an exhausted JVM would, after opening {@code input}. */
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    private final Throwable failure;
    private final String input;

    Boom(Throwable failure, String input) {
      this.failure = failure;
      this.input = input;
    }

    @Override
    public Integer call() throws Exception {
      if (input != null) {
        Inputs.text(input, InputStream.nullInputStream());
      }
      if (failure instanceof Exception e) {
        throw e;
      }
      throw (Error) failure;
    }
  }

  private static CliRun crash(Throwable t, String input) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new Boom(t, input), new PrintWriter(out), new PrintWriter(err));
    return new CliRun(code, out.toString(), err.toString());
  }

  @Test
  void runningOutOfStackOrMemoryIsBadInputNamingTheInput() throws IOException {
    String input = Files.writeString(dir.resolve("in.txt"), "").toString();
    CliRun r = crash(new StackOverflowError(), input);
    oneCleanLine(r);
    assertThat(r.err()).isEqualTo("resvc: error: " + input
        + ": input too deeply nested: resvc ran out of stack while processing it\n");
    r = crash(new OutOfMemoryError("Java heap space"), input);
    oneCleanLine(r);
    assertThat(r.err()).isEqualTo("resvc: error: " + input
        + ": input too large: resvc ran out of memory while processing it\n");
    r = crash(new OutOfMemoryError(), null);
    assertThat(r.err()).isEqualTo("resvc: error: input too large: resvc ran out of memory while processing it\n");
  }

  @Test
  void anyOtherFailureIsOneLineAndExit3() {
    for (Throwable t : new Throwable[] {new IllegalStateException("bad \u001b[31m state"), new AssertionError("no"),
        new NoClassDefFoundError("x/Y")}) {
      CliRun r = crash(t, null);
      assertThat(r.exitCode()).isEqualTo(Main.INTERNAL_ERROR);
      assertThat(r.err().lines().toList()).hasSize(1);
      assertThat(r.err()).startsWith("resvc: internal error: ");
      assertThat(r.err()).endsWith("(this is a bug in resvc; please report it with the input)\n");
      assertThat(r.err()).doesNotContain("\u001b");
      assertThat(r.err()).doesNotContain("\tat ");
    }
  }

  @Test
  void aFailureWhilePrintingStillGivesTheExitCode() {
    PrintWriter broken = new PrintWriter(new java.io.Writer() {
      @Override
      public void write(char[] buf, int off, int len) {
        throw new OutOfMemoryError("while printing");
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    assertThat(Main.run(new Boom(new StackOverflowError(), null), broken, broken)).isEqualTo(Main.BAD_INPUT);
    assertThat(Main.run(new Boom(new IllegalStateException(), null), broken, broken)).isEqualTo(Main.INTERNAL_ERROR);
  }
}
