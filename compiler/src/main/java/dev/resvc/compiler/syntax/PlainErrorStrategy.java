package dev.resvc.compiler.syntax;

import static dev.resvc.grammar.internal.ResvParser.*;

import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.grammar.internal.ResvParser;
import dev.resvc.runtime.input.MessageText;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery (single-token insertion and deletion, resynchronising loops) with two changes:
 * messages name what was expected in the language's terms, and an error inside a statement abandons
 * that whole statement (skipping to its {@code ;} or to the next item) so that one mistake gives one
 * diagnostic and the next statement is parsed afresh.
 */
final class PlainErrorStrategy extends DefaultErrorStrategy {
  private static final IntervalSet TOP_LEVEL =
      new IntervalSet(POLICY, IMPORT, CONST, PREDICATE, CLASSIFY, CONFLICTS, TEST);
  private static final IntervalSet NAMES = new IntervalSet(ID, DEVICE, PLATFORM, REGION, GUEST, TYPE, KERNEL, BACKEND,
      IOMMU, MSI, ISOLATED, ATTACH, MAP, FAILS, SUCCEEDS, AT);
  private static final IntervalSet VALUE_START = new IntervalSet(DEC, HEX, BIN, VERSION, CLASS_PATTERN, STRING,
      BDF, TRUE, FALSE, ID, DEVICE, PLATFORM, REGION, GUEST, TYPE, KERNEL, BACKEND, IOMMU, MSI, ISOLATED, ATTACH, MAP,
      FAILS, SUCCEEDS, AT, LPAREN);
  private static final IntervalSet OPERATORS = new IntervalSet(EQ, NE, LT, LE, GT, GE, AND, OR, NOT, IN,
      MATCHES, HAS, DOT, DOTDOT, PLUS, LPAREN);
  private static final IntervalSet ACTION_START = new IntervalSet(KEEP, DROP, ALLOW, FATAL, WARN, INFO);
  private static final IntervalSet EXPECTATION_START = new IntervalSet(BDF, ASSIGNABLE, FATAL, WARN, INFO, NO, ATTACH, MAP);

  /** The most characters of an offending token a message quotes. */
  private static final int MAX_TOKEN_QUOTE = 24;

  private final Spans spans;
  private final Diagnostics diags;

  PlainErrorStrategy(Spans spans, Diagnostics diags) {
    this.spans = spans;
    this.diags = diags;
  }

  // ---- reporting ------------------------------------------------------------------------------

  @Override
  protected void reportNoViableAlternative(Parser p, NoViableAltException e) {
    expected(p, e.getOffendingToken(), e.getExpectedTokens());
  }

  @Override
  protected void reportInputMismatch(Parser p, InputMismatchException e) {
    expected(p, e.getOffendingToken(), e.getExpectedTokens());
  }

  @Override
  protected void reportFailedPredicate(Parser p, org.antlr.v4.runtime.FailedPredicateException e) {
    expected(p, e.getOffendingToken(), e.getExpectedTokens());
  }

  @Override
  protected void reportMissingToken(Parser p) {
    if (inErrorRecoveryMode(p)) {
      return;
    }
    beginErrorCondition(p);
    expected(p, p.getCurrentToken(), getExpectedTokens(p));
  }

  @Override
  protected void reportUnwantedToken(Parser p) {
    if (inErrorRecoveryMode(p)) {
      return;
    }
    beginErrorCondition(p);
    unexpected(p, p.getCurrentToken(), getExpectedTokens(p));
  }

  private void expected(Parser p, Token offending, IntervalSet expected) {
    ParserRuleContext ctx = p.getContext();
    Token prev = previous(p.getInputStream(), offending);
    if (comparisonTypo(offending, expected)) {
      return;
    }
    RuleDefContext rule = enclosing(ctx, RuleDefContext.class);
    if (rule != null && expected.contains(WHEN) && expected.size() == 1) {
      emit(spans.of(offending), "unexpected " + describe(offending) + ": a rule needs `when` before its condition");
      return;
    }
    String message = "expected " + what(ctx, expected) + where(ctx, prev, expected);
    Span at = prev != null && offending.getLine() != prev.getLine() ? spans.after(prev) : spans.of(offending);
    if (offending.getType() != Token.EOF && prev != null && offending.getLine() != prev.getLine()) {
      message += ", found " + describe(offending);
    } else if (offending.getType() == Token.EOF) {
      message += " before the end of the file";
    }
    emit(at, message);
  }

  private void unexpected(Parser p, Token offending, IntervalSet expected) {
    ParserRuleContext ctx = p.getContext();
    Token prev = previous(p.getInputStream(), offending);
    if (comparisonTypo(offending, expected)) {
      return;
    }
    emit(spans.of(offending),
        "unexpected " + describe(offending) + ": expected " + what(ctx, expected) + where(ctx, prev, expected));
  }

  /** {@code =} where a comparison could go is the C habit, not a missing {@code =>}: say so, once. */
  private boolean comparisonTypo(Token offending, IntervalSet expected) {
    if (offending.getType() != ASSIGN || !expected.contains(EQ)) {
      return false;
    }
    emit(spans.of(offending), "unexpected `=` in a condition", Diagnostic.note("did you mean `==`?"));
    return true;
  }

  private void emit(Span at, String message, Diagnostic.Note... notes) {
    diags.add(Diagnostic.error(Code.SYNTAX_ERROR, at, message, notes));
  }

  /** The last token before {@code t} on the default channel, or null at the start of the file. */
  private static Token previous(TokenStream tokens, Token t) {
    int i = t.getTokenIndex() < 0 ? tokens.index() - 1 : t.getTokenIndex() - 1;
    for (; i >= 0; i--) {
      Token candidate = tokens.get(i);
      if (candidate.getChannel() == Token.DEFAULT_CHANNEL) {
        return candidate;
      }
    }
    return null;
  }

  static String describe(Token t) {
    if (t.getType() == Token.EOF) {
      return "end of file";
    }
    return "`" + MessageText.clean(t.getText(), MAX_TOKEN_QUOTE) + "`";
  }

  /** What the parser wanted, in words. */
  private static String what(ParserRuleContext ctx, IntervalSet expected) {
    if (expected.contains(NOT) && expected.contains(LPAREN) && expected.contains(DEC)) {
      return enclosing(ctx, ConstDeclContext.class) != null || enclosing(ctx, ArgumentsContext.class) != null
          ? "a value" : "a condition";
    }
    if (expected.contains(LPAREN) && expected.contains(DEC) && expected.contains(ID)) {
      return "a value";
    }
    if (expected.contains(KEEP) && expected.contains(FATAL)) {
      return "an action (`keep`, `drop`, `allow`, a region type, or `fatal`, `warn` or `info` with a message)";
    }
    if (expected.contains(ASSIGNABLE) && expected.contains(NO)) {
      return "an expectation (`assignable`, `not assignable`, `fatal`, `warn`, `info`, `no findings`,"
          + " `attach`, `map` or a PCI address and `region`)";
    }
    if (expected.contains(POLICY) && expected.contains(CLASSIFY)) {
      return "a declaration (`policy`, `import`, `const`, `predicate`, `classify`, `conflicts` or `test`)";
    }
    if (expected.contains(DEVICE) && expected.contains(EXPECT)) {
      return "a test statement (`device`, `region`, `guest`, `kernel`, `backend`, `iommu`, `msi` or `expect`) or `}`";
    }
    IntervalSet shown = expected;
    IntervalSet structural = expected.subtract(OPERATORS).subtract(VALUE_START);
    if (!structural.isNil() && expected.and(OPERATORS).size() > 0) {
      shown = expected.subtract(OPERATORS);
    }
    List<String> words = new ArrayList<>();
    boolean names = false;
    for (int type : shown.toList()) {
      if (NAMES.contains(type) && shown.contains(ID)) {
        if (!names) {
          words.add(name(ctx));
          names = true;
        }
        continue;
      }
      words.add(tokenWords(type));
    }
    if (words.isEmpty()) {
      return "something else";
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  private static String name(ParserRuleContext ctx) {
    if (ctx instanceof IdentContext && ctx.getParent() != null) {
      ctx = ctx.getParent();
    }
    if (ctx instanceof RuleDefContext) {
      return "a rule name";
    }
    if (ctx instanceof ConstDeclContext) {
      return "a constant name";
    }
    if (ctx instanceof PredicateDeclContext) {
      return "a predicate name";
    }
    if (ctx instanceof SetTypeActionContext || ctx instanceof ActionContext) {
      return "a region type";
    }
    return "a name";
  }

  static String tokenWords(int type) {
    return switch (type) {
      case Token.EOF -> "the end of the file";
      case DEC, HEX, BIN -> "a number";
      case VERSION -> "a kernel version (such as `6.6`)";
      case STRING -> "a string";
      case BDF -> "a PCI address (such as `00:14.0`)";
      case CLASS_PATTERN -> "a class pattern";
      case ID -> "a name";
      default -> {
        String literal = ResvParser.VOCABULARY.getLiteralName(type);
        yield literal == null ? ResvParser.VOCABULARY.getDisplayName(type)
            : "`" + literal.substring(1, literal.length() - 1) + "`";
      }
    };
  }

  /** Where, in words: which part of which rule, constant, predicate or statement. */
  private static String where(ParserRuleContext ctx, Token prev, IntervalSet expected) {
    ParenPrimaryContext paren = enclosing(ctx, ParenPrimaryContext.class);
    if (paren != null && expected.contains(RPAREN)) {
      Token open = paren.getStart();
      return " to close the `(` at line " + open.getLine() + ", column " + (open.getCharPositionInLine() + 1);
    }
    RuleDefContext rule = enclosing(ctx, RuleDefContext.class);
    if (rule != null) {
      String name = named(rule.ident());
      if (prev != null && prev.getType() == WHEN) {
        return " after `when`";
      }
      if (name != null) {
        if (expected.contains(ARROW) && rule.WHEN() != null && rule.expr() != null && rule.ARROW() == null) {
          return " after the condition of rule " + name;
        }
        if (expected.contains(SEMI) && rule.action() != null) {
          return " after the action of rule " + name;
        }
        if (prev != null && prev.getType() == ARROW) {
          return " after `=>` in rule " + name;
        }
        if (expected.contains(COLON)) {
          return " after rule name " + name;
        }
        return after(prev) + " in rule " + name;
      }
      return after(prev);
    }
    DefaultItemContext dflt = enclosing(ctx, DefaultItemContext.class);
    if (dflt != null) {
      return expected.contains(SEMI) && dflt.action() != null ? " after the action of `default`" : after(prev);
    }
    ConstDeclContext constant = enclosing(ctx, ConstDeclContext.class);
    if (constant != null && named(constant.ident()) != null) {
      String name = named(constant.ident());
      return expected.contains(SEMI) && constant.expr() != null
          ? " after the value of constant " + name : after(prev) + " in constant " + name;
    }
    PredicateDeclContext predicate = enclosing(ctx, PredicateDeclContext.class);
    if (predicate != null && named(predicate.ident()) != null) {
      String name = named(predicate.ident());
      return expected.contains(SEMI) && predicate.expr() != null
          ? " after the condition of predicate " + name : after(prev) + " in predicate " + name;
    }
    TestDeclContext test = enclosing(ctx, TestDeclContext.class);
    if (test != null && test.STRING() != null && test.LBRACE() != null) {
      return after(prev) + " in test " + MessageText.clean(test.STRING().getText());
    }
    return after(prev);
  }

  /** {@code `name`} when the parser has read the name, else null. */
  private static String named(IdentContext id) {
    return id == null || id.exception != null || id.getText().isEmpty() || id.getStart().getTokenIndex() < 0
        ? null : "`" + MessageText.clean(id.getText()) + "`";
  }

  private static String after(Token prev) {
    return prev == null ? " at the start of the file" : " after " + describe(prev);
  }

  static <T extends ParserRuleContext> T enclosing(ParserRuleContext ctx, Class<T> type) {
    for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  // ---- recovery -------------------------------------------------------------------------------

  /**
   * Inside a sub-rule (an expression, an action, an attribute) the exception is rethrown, so that the
   * generated code unwinds to the enclosing statement; there the rest of the statement is skipped.
   */
  @Override
  public void recover(Parser p, RecognitionException e) {
    ParserRuleContext ctx = p.getContext();
    IntervalSet stops = stopsFor(ctx);
    if (stops == null) {
      throw e;
    }
    TokenStream tokens = p.getInputStream();
    if (lastErrorIndex == tokens.index() && lastErrorStates != null && lastErrorStates.contains(p.getState())) {
      p.consume();
    }
    lastErrorIndex = tokens.index();
    if (lastErrorStates == null) {
      lastErrorStates = new IntervalSet();
    }
    lastErrorStates.add(p.getState());
    boolean throughSemicolon = !(ctx instanceof ClassifyDeclContext || ctx instanceof ConflictsDeclContext
        || ctx instanceof TestDeclContext || ctx instanceof FileContext);
    IntervalSet continuations = continuationsFor(ctx);
    while (true) {
      int la = tokens.LA(1);
      if (la == RBRACE && continuations.contains(tokens.LA(2))) {
        p.consume();
        continue;
      }
      if (la == Token.EOF || stops.contains(la)) {
        return;
      }
      p.consume();
      if (la == SEMI && throughSemicolon) {
        return;
      }
    }
  }

  /**
   * Tokens that show a {@code `}`} cannot close the block: a stray brace inside a rule followed by
   * another rule is skipped with the rest of the broken rule.
   */
  private static IntervalSet continuationsFor(ParserRuleContext ctx) {
    if (ctx instanceof RuleDefContext || ctx instanceof DefaultItemContext || ctx instanceof RuleItemContext) {
      return new IntervalSet(RULE, DEFAULT);
    }
    if (ctx instanceof DeviceStmtContext || ctx instanceof PlatformStmtContext || ctx instanceof RegionStmtContext
        || ctx instanceof GuestStmtContext || ctx instanceof ExpectStmtContext || ctx instanceof TestStmtContext) {
      return new IntervalSet(DEVICE, PLATFORM, REGION, GUEST, EXPECT);
    }
    return new IntervalSet();
  }

  /** Tokens that end a statement's recovery without being consumed, or null for a sub-rule. */
  private static IntervalSet stopsFor(ParserRuleContext ctx) {
    if (ctx instanceof RuleDefContext || ctx instanceof DefaultItemContext || ctx instanceof RuleItemContext) {
      return TOP_LEVEL.or(new IntervalSet(RULE, DEFAULT)).or(new IntervalSet(RBRACE));
    }
    if (ctx instanceof DeviceStmtContext || ctx instanceof PlatformStmtContext || ctx instanceof RegionStmtContext
        || ctx instanceof GuestStmtContext || ctx instanceof ExpectStmtContext || ctx instanceof TestStmtContext) {
      return TOP_LEVEL.or(new IntervalSet(DEVICE, PLATFORM, GUEST, EXPECT, RBRACE));
    }
    if (ctx instanceof PolicyDeclContext || ctx instanceof ImportDeclContext || ctx instanceof ConstDeclContext
        || ctx instanceof PredicateDeclContext || ctx instanceof ClassifyDeclContext
        || ctx instanceof ConflictsDeclContext || ctx instanceof TestDeclContext
        || ctx instanceof TopItemContext || ctx instanceof FileContext) {
      return TOP_LEVEL;
    }
    return null;
  }

  /**
   * At the start or end of a loop iteration ({@code rule*}, statements, attributes), a token that can
   * neither continue nor end the loop is reported once and skipped, staying inside the loop.
   */
  @Override
  public void sync(Parser p) {
    ATNState s = p.getInterpreter().atn.states.get(p.getState());
    TokenStream tokens = p.getInputStream();
    int la = tokens.LA(1);
    IntervalSet next = p.getATN().nextTokens(s);
    if (next.contains(la)) {
      nextTokensContext = null;
      nextTokensState = ATNState.INVALID_STATE_NUMBER;
      return;
    }
    if (next.contains(Token.EPSILON)) {
      if (nextTokensContext == null) {
        nextTokensContext = p.getContext();
        nextTokensState = p.getState();
      }
      return;
    }
    switch (s.getStateType()) {
      case ATNState.BLOCK_START, ATNState.STAR_BLOCK_START, ATNState.PLUS_BLOCK_START, ATNState.STAR_LOOP_ENTRY,
          ATNState.PLUS_LOOP_BACK, ATNState.STAR_LOOP_BACK -> {
        IntervalSet expecting = p.getExpectedTokens();
        if (!inErrorRecoveryMode(p)) {
          beginErrorCondition(p);
          expected(p, tokens.LT(1), expecting);
        }
        if (stopsFor(p.getContext()) == null) {
          // inside an expression: give up on the whole statement rather than resynchronise mid-way
          throw new InputMismatchException(p);
        }
        consumeUntil(p, expecting.or(getErrorRecoverySet(p)));
      }
      default -> {
        // other states have a single way on; the match that follows reports the problem
      }
    }
  }
}
