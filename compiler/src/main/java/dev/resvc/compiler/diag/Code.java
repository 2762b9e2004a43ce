package dev.resvc.compiler.diag;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every diagnostic code resvc reports, the one list of them: what each {@link Diagnostic} carries, what
 * SARIF's {@code tool.driver.rules} lists, and what docs/diagnostics.md explains at length (a test keeps
 * the two lists equal, and another that every code is reported somewhere). The letter of a code is its
 * default severity (E error, W warning, I note) and its rule name is the constant's name in UpperCamelCase,
 * so neither is written twice.
 */
public enum Code {
  // The front end: characters, syntax, literals, files and imports.
  UNKNOWN_CHARACTER("E001", "A character that starts no token"),
  SYNTAX_ERROR("E002", "A syntax error: something other than what the grammar expects here"),
  NESTED_TOO_DEEPLY("E003", "Brackets or an expression nested deeper than 256 levels"),
  INTEGER_TOO_WIDE("E004", "An integer literal that does not fit in 64 unsigned bits"),
  BAD_PCI_ADDRESS("E005", "A PCI address whose device is above 0x1f or whose function is above 7"),
  UNKNOWN_ESCAPE("E006", "An unknown escape in a string"),
  UNTERMINATED_STRING("E007", "A string not closed on its line"),
  UNTERMINATED_COMMENT("E008", "A block comment not closed before the end of the file"),
  MISPLACED_CONSTRUCT("E009", "A well-formed construct in the wrong place"),
  MISSING_FILE("E010", "An imported file, or the root file, that does not exist"),
  IMPORT_CYCLE("E011", "Files that import each other"),
  UNREADABLE_FILE("E012", "A file that cannot be read, is not a regular file, is longer than 4 MiB or is not UTF-8"),
  IMPORTS_TOO_DEEP("E013", "Imports nested deeper than 32 files"),
  TOO_MANY_FILES("E014", "One policy reaching more than 1000 files"),
  TOO_MUCH_TEXT("E015", "One policy's files holding more than 16 MiB of text together"),
  TOO_MANY_ERRORS("E016", "More than 100 errors in one file; the rest of the file was not read"),
  VERSION_OUT_OF_RANGE("E017", "A kernel version literal with a part above 1048575"),

  // The checker: names, kinds, sections, tests and the policy name.
  UNKNOWN_NAME("E101", "An unknown name: predicate, constant, value, protection flag or rule"),
  DUPLICATE_NAME("E102", "A name defined twice, or a definition hiding a built-in value"),
  KIND_MISMATCH("E103", "Values of different kinds compared, or a value where a condition belongs"),
  VALUE_TOO_WIDE("E104", "A value that does not fit the field it is compared with"),
  RULE_AFTER_DEFAULT("E105", "A rule after the section's default, which can never run"),
  EMPTY_SECTION("E106", "An empty classify or conflicts section"),
  BAD_PLACEHOLDER("E107", "A message with an unknown placeholder or an unclosed brace"),
  NOT_VISIBLE_IN_SECTION("E108", "A condition looking at something its section does not see"),
  ACTION_OF_OTHER_SECTION("E109", "An action that belongs to the other section"),
  SECOND_DEFAULT("E110", "A second default in one section"),
  UNKNOWN_FIELD("E111", "An unknown object, field or kind of guest range"),
  BAD_CALL("E112", "An unknown function, or a call with the wrong number of arguments"),
  BAD_COMPARISON("E113", "A comparison of the wrong shape"),
  SECOND_SECTION("E114", "A second classify or conflicts section in one file"),
  BAD_POLICY_NAME("E115", "A missing policy name, or one that cannot name a Java class"),
  NOT_ALLOWED_IN_IMPORT("E116", "An imported file holding more than constants, predicates and imports"),
  DEFINITION_CYCLE("E117", "A constant or predicate that depends on itself"),
  EMPTY_RANGE("E118", "A range that covers nothing"),
  UNDECLARED_TEST_DEVICE("E119", "A test naming a device it does not declare, or declaring one twice"),
  BAD_TEST_STATEMENT("E120", "A test statement that does not make sense"),
  UNKNOWN_REGION_TYPE("E121", "An unknown region type or action"),
  BAD_CLASS_PATTERN("E122", "A class pattern of the wrong width, or something that is not a class pattern"),
  DUPLICATE_TEST("E123", "Two tests with the same name in one policy"),
  PREDICATES_TOO_DEEP("E124", "A condition nested deeper than 256 levels through its predicates"),
  RESERVED_PACKAGE("E130", "A policy package that belongs to the Java platform or the resvc runtime"),
  POLICY_NAME_TOO_LONG("E131", "A policy name too long for a Java class"),
  EXACT_KERNEL_VERSION("W132", "An equality test of kernel.version with X.Y, which means X.Y.0 only, not the X.Y series"),

  // The analyser's warnings.
  ALWAYS_TRUE("W201", "A condition or sub-condition is always true"),
  ALWAYS_FALSE("W202", "A condition or sub-condition is always false"),
  RULE_NEVER_FIRES("W203", "A rule never fires: earlier rules catch every input it matches"),
  REDUNDANT_RULE("W204", "A rule is identical in effect to an earlier rule"),
  DEFAULT_UNREACHABLE("W205", "A section's default is never reached"),

  // The analyser's notes.
  ORDER_DECIDES("I201", "Two rules overlap with different actions; source order decides"),
  REVIEW_DROP("I202", "Review: a drop action"),
  REVIEW_RELAXED_RMRR("I203", "Review: an RMRR made relaxable for a device that is not USB or display"),
  NOT_DECIDED("I204", "Not decided within the analysis budget"),
  TOO_LARGE_TO_ANALYSE("I205", "A rule's condition too large to analyse");

  private static final Map<String, Code> BY_ID =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Code::id, Function.identity()));

  private final String id;
  private final String summary;

  Code(String id, String summary) {
    this.id = id;
    this.summary = summary;
  }

  /** The code as printed, {@code E101}. */
  public String id() {
    return id;
  }

  /** The severity a diagnostic of this code has unless its reporter says otherwise: from the code's letter. */
  public Diagnostic.Severity severity() {
    return switch (id.charAt(0)) {
      case 'E' -> Diagnostic.Severity.ERROR;
      case 'W' -> Diagnostic.Severity.WARNING;
      case 'I' -> Diagnostic.Severity.INFO;
      default -> throw new AssertionError(id);
    };
  }

  /** The rule's name for tools ({@code UnknownName}): the constant's name in UpperCamelCase. */
  public String ruleName() {
    StringBuilder out = new StringBuilder();
    for (String word : name().split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  /** One line saying what the code reports. */
  public String summary() {
    return summary;
  }

  /** The code whose id is {@code id}, if there is one. */
  public static Optional<Code> byId(String id) {
    return Optional.ofNullable(BY_ID.get(id));
  }

  /** The id, as diagnostics print the code. */
  @Override
  public String toString() {
    return id;
  }
}
