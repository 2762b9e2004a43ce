package dev.resvc.docs;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code docs/cli-reference.md} is the {@code --help} of every command and subcommand, rendered by the
 * command line itself: this test renders it and fails when the checked-in file differs. To rewrite the
 * file after changing a command, run {@code ./mvnw -B -pl docs test -am -Dtest=CliReferenceTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dresvc.docs.update=true} ({@code -am} builds the command line
 * from this checkout rather than taking whatever {@code resvc-compiler} the local repository holds).
 */
class CliReferenceTest {
  static final Path REFERENCE = Path.of("cli-reference.md");
  static final Path CLI_MD = Path.of("cli.md");

  /** Every command path below {@code resvc}, depth first in declaration order: {@code [check]}, {@code [regions, merge]}. */
  static List<List<String>> commandPaths() {
    List<List<String>> out = new ArrayList<>();
    walk(Main.commandLine(), new ArrayList<>(), out);
    return out;
  }

  private static void walk(CommandLine cli, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    // getSubcommands() also lists aliases; the command's own name keeps each command once.
    for (var e : cli.getSubcommands().entrySet()) {
      if (e.getKey().equals(e.getValue().getCommandName())) {
        List<String> next = new ArrayList<>(path);
        next.add(e.getKey());
        walk(e.getValue(), next, out);
      }
    }
  }

  static String help(List<String> path) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertWithMessage("resvc %s --help", String.join(" ", path)).that(code).isEqualTo(0);
    assertWithMessage("resvc %s --help", String.join(" ", path)).that(err.toString()).isEmpty();
    return out.toString().replace("\r\n", "\n");
  }

  static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# `resvc` command reference\n\n");
    sb.append("<!-- Generated from the command line's own --help by docs/src/test/java/dev/resvc/docs/CliReferenceTest.java;\n");
    sb.append("     do not edit. Regenerate: ./mvnw -B -pl docs test -am -Dtest=CliReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dresvc.docs.update=true -->\n\n");
    sb.append("The `--help` text of every command, exactly as `bin/resvc … --help` prints it. The build fails when\n");
    sb.append("this file and the command line disagree. For an overview, exit codes and input formats see\n");
    sb.append("[cli.md](cli.md).\n\n");
    List<List<String>> paths = commandPaths();
    for (List<String> path : paths) {
      if (!path.isEmpty()) {
        String name = "resvc " + String.join(" ", path);
        sb.append("- [`").append(name).append("`](#").append(String.join("-", path)).append(")\n");
      }
    }
    for (List<String> path : paths) {
      String name = path.isEmpty() ? "resvc" : "resvc " + String.join(" ", path);
      sb.append("\n## ");
      sb.append(path.isEmpty() ? "resvc" : String.join(" ", path)).append("\n\n");
      sb.append("```text\n$ ").append(name).append(" --help\n");
      String text = help(path).stripTrailing();
      for (String line : text.split("\n", -1)) {
        sb.append(line.stripTrailing()).append('\n');
      }
      sb.append("```\n");
    }
    return sb.toString();
  }

  @Test
  void theCheckedInReferenceIsTheCommandLinesOwnHelp() throws IOException {
    String rendered = render();
    if (Boolean.getBoolean("resvc.docs.update")) {
      Files.writeString(REFERENCE, rendered);
    }
    assertWithMessage("docs/cli-reference.md is stale: regenerate it with -Dresvc.docs.update=true (see %s)",
        CliReferenceTest.class.getSimpleName())
        .that(Files.readString(REFERENCE)).isEqualTo(rendered);
  }

  @Test
  void cliMdListsEveryCommandInItsTableAndLinksTheReference() throws IOException {
    String md = Files.readString(CLI_MD);
    assertThat(md).contains("(cli-reference.md)");
    List<String> tableRows = md.lines().filter(l -> l.startsWith("| `resvc ")).toList();
    for (List<String> path : commandPaths()) {
      if (path.isEmpty() || path.get(0).equals("help") || (path.size() == 1 && hasSubcommands(path))) {
        continue; // `resvc help` is picocli's; a command group is listed through its subcommands
      }
      String name = "| `resvc " + String.join(" ", path);
      assertWithMessage("docs/cli.md has no table row for resvc %s", String.join(" ", path))
          .that(tableRows.stream().anyMatch(r -> r.startsWith(name + " ") || r.startsWith(name + "`")))
          .isTrue();
    }
  }

  private static boolean hasSubcommands(List<String> path) {
    CommandLine cli = Main.commandLine();
    for (String p : path) {
      cli = cli.getSubcommands().get(p);
    }
    return !cli.getSubcommands().isEmpty();
  }
}
