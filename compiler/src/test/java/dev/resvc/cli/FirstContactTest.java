package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a newcomer meets first: the help texts, the exit status of explain and diff, summaries after errors. */
class FirstContactTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String INTEL = ROOT.resolve("examples/policies/kernel-intel.resv").toString();
  private static final String STRICT = ROOT.resolve("examples/policies/cloud-strict.resv").toString();
  private static final String DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString();
  private static final String DELL = ROOT.resolve("examples/hosts/dell-latitude-5414").toString();

  @TempDir Path tmp;

  /** Every command below {@code resvc} by its path, {@code [regions, merge]} included. */
  private static List<List<String>> commands() {
    List<List<String>> out = new ArrayList<>();
    walk(Main.commandLine(), new ArrayList<>(), out);
    return out;
  }

  private static void walk(CommandLine cli, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    cli.getSubcommands().forEach((name, sub) -> {
      if (name.equals(sub.getCommandName()) && !name.equals("help")) {
        List<String> next = new ArrayList<>(path);
        next.add(name);
        walk(sub, next, out);
      }
    });
  }

  private static String help(List<String> path) {
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.exitCode()).isEqualTo(0);
    return run.out();
  }

  @Test
  void theCommandListShowsOneWholeSentencePerCommand() {
    String help = help(List.of());
    String commands = help.substring(help.indexOf("Commands:\n") + 10, help.indexOf("\nExit status:"));
    for (String line : commands.stripTrailing().split("\n")) {
      assertWithMessage("a continuation line in the command list").that(line).matches("  \\S+ +\\S.*");
      assertWithMessage("a summary cut mid-sentence").that(line).endsWith(".");
    }
  }

  @Test
  void everyHelpHasTheExitStatusAndAnExample() {
    for (List<String> path : commands()) {
      String help = help(path);
      assertWithMessage("resvc %s --help", path).that(help).containsMatch("\nExit status:\n  0 ");
      assertWithMessage("resvc %s --help", path).that(help).contains("  2   bad input or usage");
      assertWithMessage("resvc %s --help", path).that(help).contains("  3   an internal error");
      assertWithMessage("resvc %s --help", path).that(help).containsMatch("\nExamples:\n  (sudo )?bin/resvc ");
    }
  }

  /**
   * The examples that read only shipped files run as shown (from the root of the checkout) and end in
   * 0 or 1; those that need root, this machine's /sys or a file of the user's, or write files, are not run.
   */
  @Test
  void theExamplesRunOnTheShippedFiles() throws IOException {
    Pattern continued = Pattern.compile("^(.*?)\\s*\\\\$");
    for (List<String> path : commands()) {
      List<String> lines = List.of(help(path).split("\n"));
      String pending = "";
      for (String line : lines.subList(lines.indexOf("Examples:") + 1, lines.size())) {
        line = pending.isEmpty() ? line.strip() : pending + " " + line.strip();
        Matcher m = continued.matcher(line);
        if (m.matches()) {
          pending = m.group(1);
          continue;
        }
        pending = "";
        if (!line.startsWith("bin/resvc ")) {
          continue;
        }
        String command = line.strip();
        if (command.matches(".*(\\||>|--write|--jar|--java-out|snapshot|my-|\\(this machine).*")) {
          continue;
        }
        List<String> args = new ArrayList<>();
        for (String word : command.substring("bin/resvc ".length()).split(" +")) {
          args.addAll(expand(word));
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertWithMessage("%s\n%s", command, run.err()).that(run.exitCode()).isAtMost(1);
      }
    }
  }

  /** A word with {@code examples/} made absolute, and a {@code *.resv} glob expanded. */
  private static List<String> expand(String word) throws IOException {
    if (!word.startsWith("examples/")) {
      return List.of(word);
    }
    Path p = ROOT.resolve(word.replace("*.resv", ""));
    if (!word.endsWith("*.resv")) {
      return List.of(p.toString());
    }
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(p, "*.resv")) {
      s.forEach(f -> out.add(f.toString()));
    }
    return out.stream().sorted().toList();
  }

  @Test
  void explainExitsOneWhenTheDevicesGroupIsNotAssignable() {
    CliRun locked = CliRun.of("explain", "--policy", INTEL, "--host", DL360, "--device", "03:00.0");
    assertThat(locked.exitCode()).isEqualTo(1);
    assertThat(locked.out()).contains("NOT assignable");
    CliRun usb = CliRun.of("explain", "--policy", INTEL, "--host", DELL, "--device", "00:14.0");
    assertThat(usb.out()).contains(": assignable");
    assertThat(usb.exitCode()).isEqualTo(0);
  }

  @Test
  void hostsTakesOneDirectoryAndLeavesThePoliciesAlone() {
    CliRun run = CliRun.of("diff", "--hosts", DELL, INTEL, STRICT);
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("host " + DELL + ": ");
  }

  @Test
  void hostsCountsOnlyGroupsWhoseVerdictChanges() {
    CliRun run = CliRun.of("diff", "--hosts", DELL, INTEL, STRICT);
    String host = run.out().substring(run.out().indexOf("host " + DELL));
    List<String> groups = host.lines().filter(l -> l.startsWith("  group ")).toList();
    assertThat(groups).isNotEmpty();
    for (String g : groups) {
      assertThat(g).matches("  group \\d+: (NOT )?assignable -> (NOT assignable|assignable|absent)");
      String[] sides = g.substring(g.indexOf(": ") + 2).split(" -> ");
      assertThat(sides[0]).isNotEqualTo(sides[1]);
    }
    assertThat(host).contains(groups.size() + (groups.size() == 1 ? " group's verdict changes" : " groups' verdicts change"));
  }

  @Test
  void groupsThatKeepTheirVerdictAreCountedApart() {
    CliRun run = CliRun.of("diff", "--hosts", DL360, INTEL, STRICT);
    assertThat(run.out()).contains("host " + DL360 + ": 2 groups' verdicts change\n"
        + "  group 6: assignable -> NOT assignable\n"
        + "    after: refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22)");
    assertThat(run.out()).contains("  (4 groups keep their verdict but change their regions or findings)\n");
    CliRun dell = CliRun.of("diff", "--hosts", DELL, INTEL, STRICT);
    assertThat(dell.out()).contains("host " + DELL + ": 2 groups' verdicts change\n"
        + "  group 1: assignable -> NOT assignable\n"
        + "    after: refused at attach: VFIO_GROUP_SET_CONTAINER fails with EINVAL (-22)");
  }

  @Test
  void lintAndTestPrintNoSummaryAfterAParseError() throws IOException {
    Path bad = tmp.resolve("bad.resv");
    Files.writeString(bad, "policy t.Bad;\nclassify {\n  rule a: when region.type == direct && true => keep;\n}\n");
    CliRun lint = CliRun.of("lint", bad.toString());
    assertThat(lint.exitCode()).isEqualTo(2);
    assertThat(lint.out()).doesNotContain("warnings");
    assertThat(lint.err()).contains("did you mean `and`?");
    CliRun test = CliRun.of("test", bad.toString());
    assertThat(test.exitCode()).isEqualTo(2);
    assertThat(test.out()).doesNotContain("passed");
  }

  @Test
  void snapshotNamesTheTablesItLooksForAndWarnsWhenItSavedNoGroups() throws IOException {
    Path source = tmp.resolve("off");
    Files.createDirectories(source.resolve("kernel/iommu_groups"));
    Files.createDirectories(source.resolve("bus/pci/devices"));
    Files.createDirectories(source.resolve("firmware/acpi/tables"));
    Files.write(source.resolve("firmware/acpi/tables/APIC"), new byte[] {'A', 'P', 'I', 'C'});
    Path out = tmp.resolve("snap");
    CliRun run = CliRun.of("snapshot", "--sysfs", source.toString(), out.toString());
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).contains(out + ": warning: no IOMMU groups saved");
    assertThat(run.err()).contains("0 IOMMU groups, no DMAR, IVRS or IORT table");
    assertThat(run.err()).doesNotContain("none");
  }
}
