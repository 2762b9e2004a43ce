package dev.resvc.cli;

/**
 * Pieces of help text every command shares, so that each exit status and heading is worded once.
 * Annotation attributes need compile-time constants, hence strings rather than a method.
 */
final class HelpText {
  /** Heading of each command's exit status list (picocli's {@code exitCodeList}). */
  static final String EXIT_HEADING = "%nExit status:%n";
  /** Heading of each command's examples, all of them runnable from the root of a checkout. */
  static final String EXAMPLES_HEADING = "%nExamples:%n";
  static final String BAD_INPUT = "2:bad input or usage: one line naming the file and position, or the option";
  static final String INTERNAL_ERROR = "3:an internal error: a bug in resvc (RESVC_DEBUG=1 shows the stack trace)";

  private HelpText() {}
}
