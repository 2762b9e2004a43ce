package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Turns every failure into one line on stderr and an exit code; never a stack trace. */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof InputException ie) {
      err.println(Output.error(ie));
      return Main.BAD_INPUT;
    }
    if (e instanceof UsageException ue) {
      err.println("resvc: error: " + ue.getMessage());
      return Main.BAD_INPUT;
    }
    err.println("resvc: internal error: " + e + " (this is a bug in resvc; please report it with the input)");
    if (System.getenv("RESVC_DEBUG") != null) {
      e.printStackTrace(err);
    }
    return Main.INTERNAL_ERROR;
  }

  static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println("resvc: error: " + e.getMessage());
    err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
    return Main.BAD_INPUT;
  }
}
