package dev.resvc.cli;

import java.io.PrintWriter;
import java.util.Arrays;
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
    subcommands = {
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
      CommandLine.HelpCommand.class
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

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
