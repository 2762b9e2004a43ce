package dev.resvc.cli;

import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr and an exit code; never a stack trace. Text that may come
 * from the input (an argument picocli quotes, an exception's message) is escaped and cut
 * ({@link MessageText}), so the line stays one line. When the command line asked for {@code --format
 * json}, stdout also carries one {@link JsonDocument#error} document saying the same, so that a script
 * reading stdout always gets exactly one JSON document.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
  /** The most characters of a usage error or an internal error's description shown. */
  static final int MAX_MESSAGE = 300;

  /**
   * One failure as reported: the exit code, the line for stderr, and for the error document the
   * message and where it is (any of which may be unknown: {@code null}), with a compiler's diagnostics.
   */
  private record Report(int exitCode, String line, String message, String file, Integer lineNumber,
      Integer column, Long offset, List<Diagnostic> diagnostics, Throwable bug) {
    static Report plain(int exitCode, String line, String message) {
      return new Report(exitCode, line, message, null, null, null, null, List.of(), null);
    }
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    boolean json = jsonAsked(parsed.originalArgs());
    Report report;
    if (e instanceof InputException ie) {
      report = input(ie);
    } else if (e instanceof UsageException ue) {
      String message = MessageText.clean(ue.getMessage(), MAX_MESSAGE);
      report = Report.plain(Main.BAD_INPUT, "resvc: error: " + message, message);
    } else if (e instanceof CompileErrors ce) {
      for (CompileErrors.Failed f : ce.failed()) {
        cli.getErr().print(f.compilation().renderText());
      }
      report = compile(ce);
    } else {
      report = crash(e);
    }
    return print(report, cli.getOut(), cli.getErr(), json);
  }

  /**
   * A command line picocli could not parse: one line with the problem, picocli's suggestions for a
   * mistyped command or option ({@code resvc chek}, {@code --polcy}), and where the help is.
   */
  static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    String message = MessageText.clean(String.valueOf(e.getMessage()), MAX_MESSAGE);
    StringBuilder line = new StringBuilder("resvc: error: ").append(message);
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
    return print(Report.plain(Main.BAD_INPUT, line.toString(), message), cli.getOut(), cli.getErr(),
        jsonAsked(Arrays.asList(args)));
  }

  /**
   * Anything a command did not handle, reported on {@code err} (and as JSON on {@code out} when {@code
   * json}); see {@link #crash(Throwable)}. Printing is best effort: whatever happens while reporting,
   * the exit code stands.
   */
  static int crash(Throwable t, PrintWriter out, PrintWriter err, boolean json) {
    return print(crash(t), out, err, json);
  }

  /**
   * Running out of stack or memory means an input beyond what resvc can hold (every reader has limits,
   * so this is a last line of defence): bad input, exit 2, naming the input being processed when known.
   * Anything else is a bug: exit 3.
   */
  private static Report crash(Throwable t) {
    String input = Inputs.current().map(name -> MessageText.clean(name, MAX_MESSAGE)).orElse(null);
    String prefix = input == null ? "" : input + ": ";
    if (t instanceof StackOverflowError) {
      String message = "input too deeply nested: resvc ran out of stack while processing it";
      return new Report(Main.BAD_INPUT, "resvc: error: " + prefix + message, message, input, null, null, null,
          List.of(), null);
    }
    if (t instanceof OutOfMemoryError) {
      String message = "input too large: resvc ran out of memory while processing it";
      return new Report(Main.BAD_INPUT, "resvc: error: " + prefix + message, message, input, null, null, null,
          List.of(), null);
    }
    String message = MessageText.clean(String.valueOf(t), MAX_MESSAGE)
        + " (this is a bug in resvc; please report it with the input)";
    return new Report(Main.INTERNAL_ERROR, "resvc: internal error: " + message, message, null, null, null, null,
        List.of(), t);
  }

  private static Report input(InputException e) {
    Position at = e.position();
    return new Report(Main.BAD_INPUT, Output.error(e), MessageText.clean(e.detail(), Output.MAX_DETAIL),
        MessageText.clean(e.source(), Output.MAX_SOURCE),
        at instanceof Position.Line l ? Integer.valueOf(l.line()) : null,
        at instanceof Position.Line l && l.column() > 0 ? Integer.valueOf(l.column()) : null,
        at instanceof Position.Offset o ? Long.valueOf(o.offset()) : null,
        List.of(), null);
  }

  private static Report compile(CompileErrors e) {
    Diagnostic first = e.first();
    String message = e.failed().stream().map(CompileErrors.Failed::summary).collect(Collectors.joining("; "));
    return new Report(Main.BAD_INPUT, "resvc: " + message, message,
        MessageText.clean(first.span().file(), Output.MAX_SOURCE), first.span().line(), first.span().column(), null,
        e.diagnostics(), null);
  }

  private static int print(Report r, PrintWriter out, PrintWriter err, boolean json) {
    try {
      err.println(r.line());
      if (r.bug() != null && System.getenv("RESVC_DEBUG") != null) {
        r.bug().printStackTrace(err);
      }
      err.flush();
      if (json) {
        out.println(JsonDocument.error.start()
            .put("error", Json.object()
                .put("exit_code", r.exitCode())
                .put("message", r.message())
                .put("file", r.file())
                .put("line", r.lineNumber())
                .put("column", r.column())
                .put("offset", r.offset()))
            .put("diagnostics", DiagnosticRenderer.json(r.diagnostics())));
        out.flush();
      }
    } catch (Throwable ignored) {
      // nothing more can be said; the exit code still tells
    }
    return r.exitCode();
  }

  /**
   * Whether the command line asked for JSON ({@code --format json} or {@code --format=json}). Read from
   * the words themselves, so that a line picocli could not parse gets its error as JSON too.
   */
  static boolean jsonAsked(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if ("--format=json".equals(a) || "--format".equals(a) && i + 1 < args.size() && "json".equals(args.get(i + 1))) {
        return true;
      }
    }
    return false;
  }
}
