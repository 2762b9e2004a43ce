package dev.resvc.cli;

/** Output formats a command can print. */
enum Format {
  text,
  json
}
