package dev.resvc.cli;

/**
 * Output formats most commands print. A command with one more has its own enum, so that picocli
 * refuses the extra format everywhere else with the list each command accepts: {@code check} adds
 * {@code html} ({@link CheckCommand.CheckFormat}), {@code lint} adds {@code sarif}.
 */
enum Format {
  text,
  json
}
