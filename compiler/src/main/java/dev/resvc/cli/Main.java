package dev.resvc.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code resvc} command. Exit codes: 0 fine, 1 a finding (a refused attach, an unassignable
 * group), 2 bad input or usage, 3 an internal error (a bug: please report it).
 */
@Command(
    name = "resvc",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Reserved IOMMU regions as the Linux kernel sees them, and policies about them.",
      ""
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:fine",
      "1:a finding: VFIO would refuse the attach, a test failed, policies differ (each command's --help)",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc check --policy examples/policies/kernel-intel.resv --host examples/hosts/hp-proliant-dl360-g7",
      "  bin/resvc help check"
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int FINDING = 1;
  public static final int BAD_INPUT = 2;
  public static final int INTERNAL_ERROR = 3;

  /**
   * The commands, in the order {@code --help} lists them. They are added when a command line runs, and
   * only the one it names when it names one: building picocli's model of all sixteen (reflection over
   * every option) took a third of a {@code check} run (docs/benchmarks.md, "The command line").
   */
  static final List<Class<?>> COMMANDS = List.of(
      CheckCommand.class,
      CompileCommand.class,
      TestCommand.class,
      ExplainCommand.class,
      HostCommand.class,
      GuestCommand.class,
      SnapshotCommand.class,
      DmarCommand.class,
      IvrsCommand.class,
      IortCommand.class,
      RegionsCommand.class,
      IovaCommand.class,
      FmtCommand.class,
      LintCommand.class,
      DiffCommand.class,
      CommandLine.HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The whole command tree: every command and its subcommands, as {@code --help} and the docs show it. */
  public static CommandLine commandLine() {
    return withCommands(new CommandLine(new Main()), COMMANDS);
  }

  /**
   * The commands a run of {@code args} needs: the one its first word names, or all of them (for help,
   * for a mistyped name that wants suggestions, for no command at all).
   */
  static List<Class<?>> commandsFor(String... args) {
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> c : COMMANDS) {
        if (c.getAnnotation(Command.class).name().equals(args[0])) {
          return List.of(c);
        }
      }
    }
    return COMMANDS;
  }

  private static CommandLine withCommands(CommandLine cli, List<Class<?>> commands) {
    commands.forEach(cli::addSubcommand);
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see 'resvc --help')");
  }

  public static void main(String[] args) {
    int code = INTERNAL_ERROR;
    try {
      code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    } catch (Throwable t) {
      // run() catches everything; this is for a failure while reporting a failure
    } finally {
      System.exit(code);
    }
  }

  /** Runs one command line with the given streams; returns the exit code. Used by tests. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(new Main(), out, err, args);
  }

  /**
   * Runs {@code args} against the command {@code top} (tests pass their own to reach the crash
   * handling). Whatever a command throws, {@code Error}s included (picocli hands only
   * {@code Exception}s to {@link Failures}), ends as one line on {@code err} and an exit code.
   */
  static int run(Object top, PrintWriter out, PrintWriter err, String... args) {
    Inputs.reset();
    int code;
    try {
      CommandLine cli = new CommandLine(top);
      if (top instanceof Main) {
        withCommands(cli, commandsFor(args));
      }
      cli.setOut(out);
      cli.setErr(err);
      cli.setUsageHelpWidth(110); // descriptions are written in lines of at most ~105 characters
      cli.setExecutionExceptionHandler(new Failures());
      cli.setParameterExceptionHandler(Failures::usage);
      code = cli.execute(args);
    } catch (Throwable t) {
      code = Failures.crash(t, out, err, Failures.jsonAsked(Arrays.asList(args)));
    } finally {
      Inputs.reset();
    }
    out.flush();
    err.flush();
    return code;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"resvc " + (v == null ? "(development build)" : v)};
    }
  }
}
