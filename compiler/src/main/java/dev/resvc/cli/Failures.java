package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr and an exit code; never a stack trace. Text that may come
 * from the input (an argument picocli quotes, an exception's message) is escaped and cut
 * ({@link MessageText}), so the line stays one line.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  /** The most characters of a usage error or an internal error's description shown. */
  static final int MAX_MESSAGE = 300;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof InputException ie) {
      err.println(Output.error(ie));
      return Main.BAD_INPUT;
    }
    if (e instanceof UsageException ue) {
      err.println("resvc: error: " + MessageText.clean(ue.getMessage(), MAX_MESSAGE));
      return Main.BAD_INPUT;
    }
    return crash(e, err);
  }

  /**
   * A command line picocli could not parse: one line with the problem, picocli's suggestions for a
   * mistyped command or option ({@code resvc chek}, {@code --polcy}), and where the help is.
   */
  static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    StringBuilder line = new StringBuilder("resvc: error: ")
        .append(MessageText.clean(String.valueOf(e.getMessage()), MAX_MESSAGE));
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        line.append("; did you mean ")
            .append(suggestions.stream().limit(3).map(s -> "'" + MessageText.clean(s) + "'")
                .collect(Collectors.joining(" or ")))
            .append('?');
      }
    }
    line.append(" (see '").append(cli.getCommandSpec().qualifiedName()).append(" --help')");
    cli.getErr().println(line);
    return Main.BAD_INPUT;
  }

  /**
   * Anything a command did not handle. Running out of stack or memory means an input beyond what resvc
   * can hold (every reader has limits, so this is a last line of defence): bad input, exit 2, naming
   * the input being processed when known. Anything else is a bug: exit 3. Printing is best effort:
   * whatever happens while reporting, the exit code stands.
   */
  static int crash(Throwable t, PrintWriter err) {
    String input = Inputs.current().map(name -> MessageText.clean(name, MAX_MESSAGE) + ": ").orElse("");
    int code;
    String line;
    if (t instanceof StackOverflowError) {
      code = Main.BAD_INPUT;
      line = "resvc: error: " + input + "input too deeply nested: resvc ran out of stack while processing it";
    } else if (t instanceof OutOfMemoryError) {
      code = Main.BAD_INPUT;
      line = "resvc: error: " + input + "input too large: resvc ran out of memory while processing it";
    } else {
      code = Main.INTERNAL_ERROR;
      line = "resvc: internal error: " + MessageText.clean(String.valueOf(t), MAX_MESSAGE)
          + " (this is a bug in resvc; please report it with the input)";
    }
    try {
      err.println(line);
      if (code == Main.INTERNAL_ERROR && System.getenv("RESVC_DEBUG") != null) {
        t.printStackTrace(err);
      }
      err.flush();
    } catch (Throwable ignored) {
      // nothing more can be said; the exit code still tells
    }
    return code;
  }
}
