package dev.resvc.compiler.syntax;

/** The diagnostic codes of the front end; docs/diagnostics.md describes each. */
final class Codes {
  /** A character that starts no token. */
  static final String LEXICAL = "E001";
  /** A syntax error. */
  static final String SYNTAX = "E002";
  /** Expressions or brackets nested deeper than {@link PolicyParser#MAX_NESTING}. */
  static final String TOO_DEEP = "E003";
  /** An integer literal that does not fit in 64 unsigned bits. */
  static final String INT_RANGE = "E004";
  /** A PCI address with device above 0x1f or function above 7. */
  static final String BDF_RANGE = "E005";
  /** An unknown escape sequence in a string. */
  static final String BAD_ESCAPE = "E006";
  /** A string not closed on its line. */
  static final String UNTERMINATED_STRING = "E007";
  /** A block comment not closed before the end of the file. */
  static final String UNTERMINATED_COMMENT = "E008";
  /** A well-formed construct in the wrong place ({@code policy} not first, a method on a non-device). */
  static final String MISPLACED = "E009";
  /** An imported file that does not exist. */
  static final String IMPORT_MISSING = "E010";
  /** Files that import each other in a cycle. */
  static final String IMPORT_CYCLE = "E011";
  /** A file that cannot be read or is not UTF-8. */
  static final String UNREADABLE = "E012";
  /** Imports nested deeper than {@link PolicyLoader#MAX_IMPORT_DEPTH} files. */
  static final String IMPORTS_TOO_DEEP = "E013";
  /** One load reaching more than {@link PolicyLoader#MAX_FILES} files. */
  static final String TOO_MANY_FILES = "E014";
  /** One load reading more than {@link PolicyLoader#MAX_TOTAL_BYTES} bytes of policy text. */
  static final String TOO_MUCH_TEXT = "E015";
  /** A file with more than {@link PolicyParser#MAX_ERRORS} errors: the parser stops. */
  static final String TOO_MANY_ERRORS = "E016";

  private Codes() {}
}
