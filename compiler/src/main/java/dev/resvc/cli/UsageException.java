package dev.resvc.cli;

/** A command line that parses but does not make sense; exit code 2, message shown as it is. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
