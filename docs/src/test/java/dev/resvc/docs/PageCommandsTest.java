package dev.resvc.docs;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code bin/resvc} command of the {@code ```sh} blocks of {@code docs/tutorial.md} and of the README, in order
 * and in-process ({@link Main#run}), and checks what the page says about it:
 *
 * <ul>
 *   <li>the exit status is 0, or the status a trailing {@code # exit N} comment names;
 *   <li>each {@code ```text} block that follows an {@code ```sh} block appears in the output (standard
 *       output then standard error) of that block's last command, whitespace-normalized; a line that is
 *       just {@code ...} separates pieces that must appear in that order.
 * </ul>
 *
 * <p>Paths in the commands are relative to the repository root (this test runs in {@code docs/}), and
 * a {@code ```resv} block introduced by "Save this as `NAME`:" is written to a scratch directory where
 * the commands find it by that name. Both prefixes are removed from the output before comparing. A line
 * of an {@code ```sh} block that is not a {@code bin/resvc} command, or needs root or a live {@code
 * /sys}, must say {@code # not run by the docs test}; in the README, whose tour shows such commands
 * bare, a line that starts with {@code sudo} or reads this machine ({@code bin/resvc host} alone) is
 * left out by that rule instead.
 */
class PageCommandsTest {
  static final Path TUTORIAL = Path.of("tutorial.md");
  static final Path README = Path.of("../README.md");
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String NOT_RUN = "# not run by the docs test";
  private static final Pattern SAVE_AS = Pattern.compile("Save this as `([^`/]+)`:\\s*$");
  private static final Pattern EXIT = Pattern.compile("#\\s*exit (\\d)\\b");

  @TempDir static Path scratch;

  sealed interface Step permits SaveFile, Command {}

  record SaveFile(int line, String name, String text) implements Step {}

  record Command(int line, String text, int expectedExit, List<String> excerpts) implements Step {}

  static List<Step> steps() throws IOException {
    return steps(TUTORIAL);
  }

  /** Whether a README line runs on this machine only (root, or the live {@code /sys}). */
  private static boolean needsThisMachine(Path page, String text) {
    String command = text.contains("#") ? text.substring(0, text.indexOf('#')).strip() : text;
    return page.equals(README) && (command.startsWith("sudo ") || command.equals("bin/resvc host"));
  }

  /** The page's steps in document order: files to save and commands to run, each with its excerpts. */
  static List<Step> steps(Path page) throws IOException {
    String where = page.getFileName().toString();
    List<String> lines = Files.readAllLines(page);
    List<Step> steps = new ArrayList<>();
    String previousFence = "";
    Command lastCommand = null;
    for (int i = 0; i < lines.size(); i++) {
      String fence = lines.get(i).strip();
      if (!fence.startsWith("```")) {
        continue;
      }
      String lang = fence.substring(3).strip();
      int start = i + 1;
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        body.add(lines.get(i));
      }
      switch (lang) {
        case "resv" -> {
          Optional<String> name = previousProse(lines, start - 1).flatMap(PageCommandsTest::saveAs);
          name.ifPresent(n -> steps.add(new SaveFile(start, n, String.join("\n", body) + "\n")));
        }
        case "sh" -> {
          lastCommand = null;
          for (String cmd : joinContinuations(body)) {
            String text = cmd.strip();
            if (text.isEmpty() || text.startsWith("#") || text.contains(NOT_RUN) || needsThisMachine(page, text)) {
              continue;
            }
            assertWithMessage("%s:%s: a shell line that is not `bin/resvc …` needs '%s'", where, start, NOT_RUN)
                .that(text).startsWith("bin/resvc ");
            Matcher exit = EXIT.matcher(text);
            lastCommand = new Command(start, text, exit.find() ? Integer.parseInt(exit.group(1)) : 0, new ArrayList<>());
            steps.add(lastCommand);
          }
        }
        case "text" -> {
          assertWithMessage("%s:%s: a text block must follow an sh block with a command", where, start)
              .that(previousFence.equals("sh") && lastCommand != null).isTrue();
          lastCommand.excerpts().add(String.join("\n", body));
        }
        default -> { }
      }
      previousFence = lang;
    }
    return steps;
  }

  private static Optional<String> previousProse(List<String> lines, int fenceIndex) {
    for (int j = fenceIndex - 1; j >= 0; j--) {
      if (!lines.get(j).isBlank()) {
        return Optional.of(lines.get(j));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> saveAs(String line) {
    Matcher m = SAVE_AS.matcher(line);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static List<String> joinContinuations(List<String> body) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : body) {
      if (line.endsWith("\\")) {
        cur.append(line, 0, line.length() - 1).append(' ');
      } else {
        out.add(cur.append(line).toString());
        cur.setLength(0);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  /** The command's arguments after {@code bin/resvc}, paths made absolute, globs expanded. */
  static List<String> arguments(String command) throws IOException {
    String withoutComment = command.contains("#") ? command.substring(0, command.indexOf('#')) : command;
    String[] words = withoutComment.strip().split("\\s+");
    List<String> args = new ArrayList<>();
    for (int k = 1; k < words.length; k++) {
      String w = words[k];
      assertWithMessage("quoting is not supported here: %s", command).that(w).doesNotContainMatch("[\"'$`]");
      if (w.contains("*")) {
        Path dir = ROOT.resolve(w).getParent();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + Path.of(w).getFileName());
        try (Stream<Path> files = Files.list(dir)) {
          List<String> matched = files.filter(p -> matcher.matches(p.getFileName())).sorted().map(Path::toString).toList();
          assertWithMessage("%s matches nothing", w).that(matched).isNotEmpty();
          args.addAll(matched);
        }
      } else if (!w.startsWith("-") && Files.exists(scratch.resolve(w)) && !w.contains("/")) {
        args.add(scratch.resolve(w).toString());
      } else if (!w.startsWith("-") && w.contains("/") && Files.exists(ROOT.resolve(w))) {
        args.add(ROOT.resolve(w).toString());
      } else {
        args.add(w);
      }
    }
    return args;
  }

  static String normalize(String s) {
    return s.replace(scratch.toString() + "/", "").replace(ROOT.toString() + "/", "")
        .replaceAll("\\s+", " ").strip();
  }

  @TestFactory
  Stream<DynamicTest> everyTutorialCommandRunsAsThePageSays() throws IOException {
    return dynamicTests(TUTORIAL);
  }

  @TestFactory
  Stream<DynamicTest> everyReadmeCommandRunsAsThePageSays() throws IOException {
    return dynamicTests(README);
  }

  private static Stream<DynamicTest> dynamicTests(Path page) throws IOException {
    String where = page.getFileName().toString();
    return steps(page).stream().map(step -> {
      if (step instanceof SaveFile f) {
        return DynamicTest.dynamicTest(where + ":" + f.line() + " save " + f.name(),
            () -> Files.writeString(scratch.resolve(f.name()), f.text()));
      }
      Command c = (Command) step;
      return DynamicTest.dynamicTest(where + ":" + c.line() + " " + c.text(), () -> run(where, c));
    });
  }

  @Test
  void theReadmeTourRunsEveryOneOfItsCommandsButTheLiveOnes() throws IOException {
    long run = steps(README).stream().filter(s -> s instanceof Command).count();
    long shown = Files.readAllLines(README).stream().filter(l -> l.strip().startsWith("bin/resvc ")).count();
    // the two commands that need this machine: `sudo bin/resvc snapshot` (not counted above) and `bin/resvc host`
    assertThat(run).isEqualTo(shown - 1);
    assertThat(run).isAtLeast(10);
  }

  private static void run(String where, Command c) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), arguments(c.text()).toArray(String[]::new));
    String output = normalize(out + "\n" + err);
    assertWithMessage("exit status of `%s`; output:\n%s%s", c.text(), out, err).that(code).isEqualTo(c.expectedExit());
    for (String excerpt : c.excerpts()) {
      int from = 0;
      for (String piece : excerpt.split("(?m)^\\.\\.\\.$")) {
        String want = normalize(piece);
        if (want.isEmpty()) {
          continue;
        }
        int at = output.indexOf(want, from);
        assertWithMessage("%s:%s: `%s` does not print (in this order):\n%s\n--- it printed:\n%s%s",
            where, c.line(), c.text(), want, out, err).that(at).isAtLeast(0);
        from = at + want.length();
      }
    }
  }

  @Test
  void theTutorialRunsTheReadmesCommandsAndSavesItsPolicy() throws IOException {
    List<Step> steps = steps();
    List<String> commands = steps.stream().filter(s -> s instanceof Command).map(s -> ((Command) s).text()).toList();
    for (String sub : List.of("host ", "dmar ", "check ", "explain ", "test ", "fmt ")) {
      assertWithMessage("the tutorial runs resvc %s", sub.strip())
          .that(commands.stream().anyMatch(c -> c.startsWith("bin/resvc " + sub))).isTrue();
    }
    assertThat(steps.stream().filter(s -> s instanceof SaveFile).count()).isAtLeast(1);
    assertThat(steps.stream().filter(s -> s instanceof Command c && !c.excerpts().isEmpty()).count()).isAtLeast(8);
  }
}
