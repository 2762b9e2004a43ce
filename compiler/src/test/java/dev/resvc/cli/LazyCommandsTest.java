package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A run builds only the command it names; help, suggestions and the docs still see every command. */
class LazyCommandsTest {
  @Test
  void aNamedCommandIsTheOnlyOneBuilt() {
    assertThat(Main.commandsFor("check", "--policy", "p.resv")).containsExactly(CheckCommand.class);
    assertThat(Main.commandsFor("regions", "merge", "-")).containsExactly(RegionsCommand.class);
  }

  @Test
  void helpAMistypedNameOrNoNameBuildsThemAll() {
    assertThat(Main.commandsFor("help", "check")).isEqualTo(Main.COMMANDS);
    assertThat(Main.commandsFor("chek")).isEqualTo(Main.COMMANDS);
    assertThat(Main.commandsFor("--help")).isEqualTo(Main.COMMANDS);
    assertThat(Main.commandsFor()).isEqualTo(Main.COMMANDS);
  }

  @Test
  void theWholeTreeHasEveryCommandOnceInHelpOrder() {
    List<String> names = List.copyOf(Main.commandLine().getSubcommands().keySet());
    assertThat(names).containsExactlyElementsIn(Main.COMMANDS.stream()
        .map(c -> c.getAnnotation(CommandLine.Command.class).name()).collect(Collectors.toList())).inOrder();
    assertThat(names).containsNoDuplicates();
  }

  @Test
  void aMistypedCommandStillGetsItsSuggestion() {
    CliRun run = CliRun.of("chek");
    assertThat(run.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.err()).contains("did you mean 'check'");
  }

  @Test
  void aCommandRunsAndTopLevelHelpListsEveryCommand() {
    CliRun help = CliRun.of("--help");
    for (Class<?> c : Main.COMMANDS) {
      assertThat(help.out()).contains("  " + c.getAnnotation(CommandLine.Command.class).name() + " ");
    }
    assertThat(CliRun.of("regions", "merge", "../examples/regions/two-devices.txt").exitCode()).isEqualTo(Main.OK);
  }
}
