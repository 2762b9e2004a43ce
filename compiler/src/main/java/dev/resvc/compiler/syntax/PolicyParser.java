package dev.resvc.compiler.syntax;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.grammar.internal.ResvLexer;
import dev.resvc.grammar.internal.ResvParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/**
 * Parses one {@code .resv} text into a {@link PolicyFile}. Never throws on bad input: every problem
 * becomes a diagnostic, and what could be parsed is returned so that later phases can report more.
 * This package is the only one that sees ANTLR.
 */
public final class PolicyParser {
  /**
   * The deepest nesting of anything in a policy, the one limit every recursive walk relies on: brackets
   * in the token stream (counted before the parser, whose recursion follows them, runs), the depth of an
   * expression tree (each parenthesis, {@code not}, operator, and each {@code and}/{@code or} of a chain
   * is a level; counted as {@link AstBuilder} builds it) and, through {@code Checker.MAX_DEPTH}, a
   * checked condition with the predicates it uses. Within it, every phase after parsing runs on the
   * caller's stack, half the JVM's default one is enough (DeepNestingTest proves it in a fresh JVM).
   */
  public static final int MAX_NESTING = 256;

  /**
   * The most errors reported for one file. Past it the file is given up (E016): a binary or runaway
   * file could otherwise give an error per token, and its report would dwarf the file.
   */
  public static final int MAX_ERRORS = 100;

  /**
   * The stack of the thread the parser runs on. Not a guard ({@link #MAX_NESTING} is): ANTLR's recursion
   * spends about ten frames on each level of nesting, and in a fresh JVM it loads classes at the
   * deepest level, so the deepest policy the limit accepts needs between 512 KiB and 1 MiB of stack,
   * about what a caller's thread has in all. On a thread of its own the caller's stack never decides
   * whether a policy parses.
   */
  private static final long PARSER_STACK_BYTES = 16L << 20;

  private PolicyParser() {}

  public static PolicyFile parse(String text, String fileName, Diagnostics diags) {
    Diagnostics local = Diagnostics.upTo(MAX_ERRORS);
    PolicyFile[] result = new PolicyFile[1];
    Throwable[] failure = new Throwable[1];
    Thread parser = new Thread(null, () -> {
      try {
        result[0] = parseHere(text, fileName, local);
      } catch (Throwable e) { // Diagnostics.Full, a bug, or out of memory: handled on the caller's thread
        failure[0] = e;
      }
    }, "resvc-parser", PARSER_STACK_BYTES);
    parser.start();
    boolean interrupted = false;
    while (true) {
      try {
        parser.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    local.all().forEach(diags::add);
    if (failure[0] instanceof Diagnostics.Full e) {
      diags.add(Diagnostic.error(Code.TOO_MANY_ERRORS, e.rejected().span(),
          "more than " + MAX_ERRORS + " errors in this file; stopped here (fix these and run again)"));
      return new PolicyFile(fileName, List.of(), List.of());
    }
    if (failure[0] instanceof RuntimeException e) {
      throw e;
    }
    if (failure[0] instanceof Error e) {
      throw e;
    }
    return result[0];
  }

  private static PolicyFile parseHere(String text, String fileName, Diagnostics diags) {
    Spans spans = new Spans(fileName, text);
    CharStream chars = CharStreams.fromString(text, fileName);
    CheckingLexer lexer = new CheckingLexer(chars, spans, diags);
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    tokens.fill();

    List<PolicyFile.Comment> comments = new ArrayList<>();
    int depth = 0;
    Token tooDeep = null;
    for (Token t : tokens.getTokens()) {
      if (t.getChannel() == Token.HIDDEN_CHANNEL) {
        String body = t.getText();
        int endLine = t.getLine() + (int) body.chars().filter(c -> c == '\n').count();
        comments.add(new PolicyFile.Comment(spans.of(t), endLine, body));
      } else if (tooDeep == null) {
        switch (t.getType()) {
          case ResvParser.LPAREN, ResvParser.LBRACE -> depth++;
          case ResvParser.RPAREN, ResvParser.RBRACE -> depth = Math.max(0, depth - 1);
          default -> { }
        }
        if (depth > MAX_NESTING) {
          tooDeep = t;
        }
      }
    }
    if (tooDeep != null) {
      diags.add(Diagnostic.error(Code.NESTED_TOO_DEEPLY, spans.of(tooDeep),
          "brackets nested deeper than " + MAX_NESTING + " levels; the file was not parsed further"));
      return new PolicyFile(fileName, List.of(), comments);
    }

    ResvParser parser = new ResvParser(tokens);
    parser.removeErrorListeners();
    parser.setErrorHandler(new PlainErrorStrategy(spans, diags));
    ResvParser.FileContext tree = parser.file();
    List<Item> items = new AstBuilder(spans, diags, MAX_NESTING).items(tree);
    return new PolicyFile(fileName, items, comments);
  }

  /**
   * The generated lexer, reporting unknown characters (a run of them as one error, so a binary file
   * gives one error, not one per byte) and unclosed strings and comments.
   */
  private static final class CheckingLexer extends ResvLexer {
    private final Spans spans;
    private final Diagnostics diags;
    /** Operators of C and its kin that a condition spells as a word, and that word's token type. */
    private static final Map<String, Integer> C_OPERATORS = Map.of("&&", AND, "||", OR);

    /** The token read past the end of a run of unknown characters, to be returned next. */
    private Token pending;

    CheckingLexer(CharStream input, Spans spans, Diagnostics diags) {
      super(input);
      this.spans = spans;
      this.diags = diags;
    }

    @Override
    public Token nextToken() {
      while (true) {
        Token t = pending != null ? pending : super.nextToken();
        pending = null;
        switch (t.getType()) {
          case UNKNOWN_CHAR -> {
            Token instead = unknownRun(t);
            if (instead == null) {
              continue;
            }
            return instead;
          }
          case UNTERMINATED_STRING -> {
            diags.add(Diagnostic.error(Code.UNTERMINATED_STRING, spans.of(t),
                "unterminated string: add the closing `\"` before the end of the line"));
            ((CommonToken) t).setType(STRING);
          }
          case BLOCK_COMMENT -> {
            String body = t.getText();
            if (body.length() < 4 || !body.endsWith("*/")) {
              diags.add(Diagnostic.error(Code.UNTERMINATED_COMMENT, spans.of(t),
                  "unterminated comment: `/*` has no matching `*/`"));
            }
          }
          default -> { }
        }
        return t;
      }
    }

    /**
     * Reports {@code first} and the unknown characters right after it as one error. A C-style operator
     * ({@code &&}, {@code ||}) is read as the word it stands for, with a "did you mean", so that the
     * condition parses on and the mistake is the only error; it returns that token, otherwise null.
     */
    private Token unknownRun(Token first) {
      Token last = first;
      int count = 1;
      Token next;
      StringBuilder text = new StringBuilder(first.getText());
      while ((next = super.nextToken()).getType() == UNKNOWN_CHAR && next.getStartIndex() == last.getStopIndex() + 1) {
        last = next;
        count++;
        if (text.length() <= 2) {
          text.append(next.getText());
        }
      }
      pending = next;
      Integer word = C_OPERATORS.get(text.toString());
      if (word != null) {
        String spelled = VOCABULARY.getLiteralName(word).replace("'", "`");
        diags.add(Diagnostic.error(Code.UNKNOWN_CHARACTER, spans.run(first, last), "unknown operator `" + text + "`",
            Diagnostic.note("did you mean " + spelled + "? conditions use `and`, `or` and `not`")));
        CommonToken instead = new CommonToken(first);
        instead.setType(word);
        instead.setStopIndex(last.getStopIndex());
        instead.setText(text.toString());
        return instead;
      }
      String what = count == 1 ? "unknown character " + show(first.getText())
          : count + " unknown characters in a row, starting with " + show(first.getText());
      diags.add(Diagnostic.error(Code.UNKNOWN_CHARACTER, spans.run(first, last), what));
      return null;
    }

    private static String show(String ch) {
      int cp = ch.codePointAt(0);
      if (Character.isISOControl(cp) || Character.isWhitespace(cp) || !Character.isDefined(cp)
          || Character.getType(cp) == Character.FORMAT) {
        return String.format("U+%04X", cp);
      }
      return "`" + ch + "`";
    }
  }
}
