package dev.resvc.cli;

import dev.resvc.compiler.json.Json;

/**
 * The documents the CLI prints with {@code --format json}, one per kind, each described by
 * {@code docs/schemas/<kind>.schema.json}. Every document opens with the same two keys, so a script can
 * tell what it holds and whether it understands it before reading on; keys are snake_case throughout.
 */
enum JsonDocument {
  check,
  host,
  lint,
  explain,
  diff,
  test,
  dmar,
  ivrs,
  iort,
  regions,
  iova,
  guest,
  /** What stdout carries instead when a command asked for JSON ends with exit 2 or 3. */
  error;

  /**
   * Raised when a key is removed or renamed, or a value changes type or meaning; adding a key to a
   * document is not a change of version (the schemas forbid unknown keys so that a test notices).
   */
  static final int SCHEMA_VERSION = 1;

  /** A new document of this kind: {@code schema_version} and {@code kind}, then the caller's keys. */
  Json.Obj start() {
    return Json.object().put("schema_version", SCHEMA_VERSION).put("kind", name());
  }
}
