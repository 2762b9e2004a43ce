package dev.resvc.compiler.syntax;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.ast.TestStmt;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.grammar.internal.ResvBaseVisitor;
import dev.resvc.grammar.internal.ResvParser;
import dev.resvc.grammar.internal.ResvParser.*;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.model.KernelRelease;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.RuleNode;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the AST from ANTLR's parse tree. An item (or a rule, or a test statement) whose subtree
 * holds a syntax error is left out, so that later phases see only what was written correctly and
 * do not pile their own errors onto a syntax error. Literal range checks (E004, E005, E006) and the
 * expression depth limit (E003) are enforced here.
 */
final class AstBuilder {
  /** Thrown to abandon the item being built; the diagnostic, if any, has been reported. */
  private static final class Incomplete extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Incomplete() {
      super(null, null, false, false);
    }
  }

  /** An expression and the depth of its tree, which {@link #nest} bounds. */
  private record ExprDepth(Expr expr, int depth) {}

  /**
   * ANTLR's generated visitor over the labelled alternatives of one grammar rule, for the rules whose
   * alternatives become different AST nodes. An alternative a subclass does not handle fails here,
   * instead of falling through to the last case as a chain of {@code instanceof} would.
   */
  private abstract static class Alternatives<T> extends ResvBaseVisitor<T> {
    @Override
    public T visitChildren(RuleNode node) {
      throw new IllegalStateException("no AST node for " + node.getClass().getSimpleName());
    }
  }

  private final Spans spans;
  private final Diagnostics diags;
  private final int maxNesting;

  AstBuilder(Spans spans, Diagnostics diags, int maxNesting) {
    this.spans = spans;
    this.diags = diags;
    this.maxNesting = maxNesting;
  }

  List<Item> items(FileContext file) {
    List<Item> items = new ArrayList<>();
    boolean first = true;
    boolean policySeen = false;
    for (TopItemContext top : file.topItem()) {
      if (top.policyDecl() != null && top.policyDecl().exception == null) {
        if (policySeen) {
          error(Code.MISPLACED_CONSTRUCT, spans.of(top), "a file has at most one `policy` declaration");
        } else if (!first) {
          error(Code.MISPLACED_CONSTRUCT, spans.of(top), "the `policy` declaration must come first in the file");
        }
        policySeen = true;
      }
      first = false;
      boolean block = top.classifyDecl() != null || top.conflictsDecl() != null || top.testDecl() != null;
      if (block ? hasOwnError((ParserRuleContext) top.getChild(0)) : hasError(top)) {
        continue;
      }
      try {
        items.add(item(top));
      } catch (Incomplete skipped) {
        // reported already
      }
    }
    return items;
  }

  private Item item(TopItemContext top) {
    if (top.policyDecl() != null) {
      QualifiedNameContext q = top.policyDecl().qualifiedName();
      List<String> parts = new ArrayList<>();
      for (IdentContext id : q.ident()) {
        parts.add(text(id));
      }
      return new Item.PolicyDecl(spans.of(top), String.join(".", parts));
    }
    if (top.importDecl() != null) {
      return new Item.Import(spans.of(top), string(top.importDecl().STRING()));
    }
    if (top.constDecl() != null) {
      ConstDeclContext c = top.constDecl();
      return new Item.Const(spans.of(c), text(c.ident()), spans.of(c.ident()), expr(c.expr()).expr());
    }
    if (top.predicateDecl() != null) {
      PredicateDeclContext c = top.predicateDecl();
      return new Item.Predicate(spans.of(c), text(c.ident()), spans.of(c.ident()), expr(c.expr()).expr());
    }
    if (top.classifyDecl() != null) {
      return new Item.Classify(spans.of(top), ruleItems(top.classifyDecl().ruleItem()));
    }
    if (top.conflictsDecl() != null) {
      return new Item.Conflicts(spans.of(top), ruleItems(top.conflictsDecl().ruleItem()));
    }
    TestDeclContext t = top.testDecl();
    List<TestStmt> statements = new ArrayList<>();
    for (TestStmtContext s : t.testStmt()) {
      if (hasError(s)) {
        continue;
      }
      try {
        statements.add(testStmt(s));
      } catch (Incomplete skipped) {
        // reported already
      }
    }
    return new Item.Test(spans.of(t), string(t.STRING()), statements);
  }

  // ---- rules and actions -----------------------------------------------------------------------

  private List<RuleItem> ruleItems(List<RuleItemContext> contexts) {
    List<RuleItem> out = new ArrayList<>();
    for (RuleItemContext c : contexts) {
      if (hasError(c)) {
        continue;
      }
      try {
        if (c.ruleDef() != null) {
          RuleDefContext r = c.ruleDef();
          out.add(new RuleItem.Rule(spans.of(r), text(r.ident()), spans.of(r.ident()), expr(r.expr()).expr(),
              action(r.action())));
        } else {
          out.add(new RuleItem.Default(spans.of(c.defaultItem()), action(c.defaultItem().action())));
        }
      } catch (Incomplete skipped) {
        // reported already
      }
    }
    return out;
  }

  private Action action(ActionContext a) {
    Span span = spans.of(require(a));
    return a.accept(
        new Alternatives<Action>() {
          @Override
          public Action visitKeepAction(KeepActionContext c) {
            return new Action.Keep(span);
          }

          @Override
          public Action visitDropAction(DropActionContext c) {
            return new Action.Drop(span);
          }

          @Override
          public Action visitAllowAction(AllowActionContext c) {
            return new Action.Allow(span);
          }

          @Override
          public Action visitReportAction(ReportActionContext r) {
            return new Action.Report(span, severity(r.severity()), string(r.STRING()));
          }

          @Override
          public Action visitSetTypeAction(SetTypeActionContext t) {
            return new Action.SetType(span, text(t.ident()));
          }
        });
  }

  private static Action.Severity severity(SeverityContext s) {
    return switch (s.getStart().getType()) {
      case ResvParser.FATAL -> Action.Severity.FATAL;
      case ResvParser.WARN -> Action.Severity.WARN;
      default -> Action.Severity.INFO;
    };
  }

  // ---- test statements -------------------------------------------------------------------------

  private TestStmt testStmt(TestStmtContext s) {
    if (s.deviceStmt() != null) {
      DeviceStmtContext d = s.deviceStmt();
      return new TestStmt.DeviceStmt(spans.of(d), bdf(d.BDF()), attrs(d.attr()));
    }
    if (s.platformStmt() != null) {
      PlatformStmtContext p = s.platformStmt();
      List<TestStmt.Attr> attrs = new ArrayList<>();
      for (PlatformAttrContext a : p.platformAttr()) {
        Expr value = a.ident() != null ? new Expr.Name(spans.of(a.ident()), text(a.ident())) : attrValue(a.attrValue());
        attrs.add(new TestStmt.Attr(spans.of(a), token(a.ID()).getText(), Optional.of(value)));
      }
      return new TestStmt.PlatformStmt(spans.of(p), string(p.STRING()), attrs);
    }
    if (s.regionStmt() != null) {
      RegionStmtContext r = s.regionStmt();
      Optional<String> type = r.TYPE() != null ? Optional.of(text(r.ident(1))) : Optional.empty();
      return new TestStmt.RegionStmt(spans.of(r), text(r.ident(0)), spans.of(r.ident(0)), range(r.rangeExpr()).expr(),
          type, r.BDF() != null ? bdf(r.BDF()) : string(r.STRING()));
    }
    if (s.guestStmt() != null) {
      GuestStmtContext g = s.guestStmt();
      if (g.STRING() != null) {
        return new TestStmt.GuestStmt(spans.of(g), "", List.of(), Optional.of(string(g.STRING())));
      }
      return new TestStmt.GuestStmt(spans.of(g), text(g.ident()), attrs(g.attr()), Optional.empty());
    }
    if (s.kernelStmt() != null) {
      KernelStmtContext k = s.kernelStmt();
      return new TestStmt.KernelStmt(spans.of(k), version(token(k.VERSION())));
    }
    if (s.backendStmt() != null) {
      BackendStmtContext b = s.backendStmt();
      return new TestStmt.BackendStmt(spans.of(b), text(b.ident()), spans.of(b.ident()));
    }
    if (s.iommuStmt() != null) {
      IommuStmtContext i = s.iommuStmt();
      return new TestStmt.IommuStmt(spans.of(i), text(i.ident()), spans.of(i.ident()));
    }
    if (s.msiStmt() != null) {
      MsiStmtContext m = s.msiStmt();
      token(m.ISOLATED());
      return new TestStmt.MsiStmt(spans.of(m), m.NOT() == null);
    }
    ExpectStmtContext e = s.expectStmt();
    return new TestStmt.ExpectStmt(spans.of(e), expectation(require(e.expectation())));
  }

  private List<TestStmt.Attr> attrs(List<AttrContext> contexts) {
    List<TestStmt.Attr> out = new ArrayList<>();
    for (AttrContext a : contexts) {
      Optional<Expr> value = a.attrValue() == null ? Optional.empty() : Optional.of(attrValue(a.attrValue()));
      out.add(new TestStmt.Attr(spans.of(a), token(a.ID()).getText(), value));
    }
    return out;
  }

  /** A device an expectation names: a PCI address, or a quoted kernel name. */
  private Expr deviceRef(Token t) {
    return t.getType() == ResvParser.BDF ? bdf(t) : string(t);
  }

  /** A literal, or a range of two ({@code lo .. hi}, {@code start + size}). */
  private Expr attrValue(AttrValueContext v) {
    Expr first = literal(v.literal(0));
    if (v.literal().size() == 2) {
      Expr second = literal(v.literal(1));
      first = v.DOTDOT() != null ? new Expr.RangeLit(spans.of(v), first, second)
          : new Expr.SizedRange(spans.of(v), first, second);
    }
    return first;
  }

  private TestStmt.Expectation expectation(ExpectationContext x) {
    Span span = spans.of(x);
    return x.accept(
        new Alternatives<TestStmt.Expectation>() {
          @Override
          public TestStmt.Expectation visitExpectRegion(ExpectRegionContext r) {
            Expr address = primary(r.primary()).expr();
            if (r.DROPPED() != null) {
              return new TestStmt.Expectation.RegionDropped(span, deviceRef(r.device), address);
            }
            return new TestStmt.Expectation.RegionType(span, deviceRef(r.device), address, text(r.ident()));
          }

          @Override
          public TestStmt.Expectation visitExpectAssignable(ExpectAssignableContext a) {
            Optional<Expr> device = Optional.ofNullable(a.device).map(d -> deviceRef(d));
            return new TestStmt.Expectation.Assignable(span, a.NOT() == null, device);
          }

          @Override
          public TestStmt.Expectation visitExpectFinding(ExpectFindingContext f) {
            Optional<String> rule = f.RULE() != null ? Optional.of(text(f.ident())) : Optional.empty();
            Optional<Expr> device = Optional.ofNullable(f.device).map(d -> deviceRef(d));
            return new TestStmt.Expectation.Finding(span, severity(f.severity()), rule, device);
          }

          @Override
          public TestStmt.Expectation visitExpectNoFindings(ExpectNoFindingsContext n) {
            return new TestStmt.Expectation.NoFindings(span);
          }

          @Override
          public TestStmt.Expectation visitExpectStep(ExpectStepContext st) {
            StepFailure.Stage stage = token(st.stage).getType() == ResvParser.ATTACH
                ? StepFailure.Stage.ATTACH : StepFailure.Stage.MAP;
            Optional<TestStmt.Expectation.Name> errno = require(st.outcome()) instanceof FailsOutcomeContext f
                ? Optional.of(new TestStmt.Expectation.Name(spans.of(f.ident()), text(f.ident())))
                : Optional.empty();
            Optional<Expr> at = st.AT() != null ? Optional.of(range(st.rangeExpr()).expr()) : Optional.empty();
            Optional<Expr> device = Optional.ofNullable(st.device).map(d -> deviceRef(d));
            return new TestStmt.Expectation.Step(span, stage, errno, at, device);
          }
        });
  }

  // ---- expressions -----------------------------------------------------------------------------

  private ExprDepth expr(ExprContext c) {
    List<AndExprContext> terms = require(c).andExpr();
    ExprDepth acc = and(terms.get(0));
    for (int i = 1; i < terms.size(); i++) {
      ExprDepth right = and(terms.get(i));
      acc = nest(new Expr.Or(spans.between(c.getStart(), terms.get(i).getStop()), acc.expr(), right.expr()),
          Math.max(acc.depth(), right.depth()) + 1, c.OR(i - 1).getSymbol());
    }
    return acc;
  }

  private ExprDepth and(AndExprContext c) {
    List<NotExprContext> terms = require(c).notExpr();
    ExprDepth acc = not(terms.get(0));
    for (int i = 1; i < terms.size(); i++) {
      ExprDepth right = not(terms.get(i));
      acc = nest(new Expr.And(spans.between(c.getStart(), terms.get(i).getStop()), acc.expr(), right.expr()),
          Math.max(acc.depth(), right.depth()) + 1, c.AND(i - 1).getSymbol());
    }
    return acc;
  }

  private ExprDepth not(NotExprContext c) {
    ExprDepth acc = rel(require(c).relExpr());
    List<TerminalNode> nots = c.NOT();
    for (int i = nots.size() - 1; i >= 0; i--) {
      Token op = nots.get(i).getSymbol();
      acc = nest(new Expr.Not(spans.between(op, c.getStop()), acc.expr()), acc.depth() + 1, op);
    }
    return acc;
  }

  private ExprDepth rel(RelExprContext c) {
    ExprDepth left = range(require(c).rangeExpr(0));
    Span span = spans.of(c);
    if (c.compareOp() != null) {
      ExprDepth right = range(c.rangeExpr(1));
      return nest(new Expr.Compare(span, left.expr(), compareOp(c.compareOp()), right.expr()),
          Math.max(left.depth(), right.depth()) + 1, c.compareOp().getStart());
    }
    if (c.IN() != null) {
      ExprDepth container = container(c.container());
      return nest(new Expr.In(span, left.expr(), container.expr(), c.NOT() != null),
          Math.max(left.depth(), container.depth()) + 1, c.IN().getSymbol());
    }
    if (c.MATCHES() != null) {
      ExprDepth pattern = range(c.rangeExpr(1));
      return nest(new Expr.Matches(span, left.expr(), pattern.expr()), Math.max(left.depth(), pattern.depth()) + 1,
          c.MATCHES().getSymbol());
    }
    if (c.HAS() != null) {
      ExprDepth flag = range(c.rangeExpr(1));
      return nest(new Expr.Has(span, left.expr(), flag.expr()), Math.max(left.depth(), flag.depth()) + 1,
          c.HAS().getSymbol());
    }
    return left;
  }

  private static Expr.CompareOp compareOp(CompareOpContext c) {
    return switch (c.getStart().getType()) {
      case ResvParser.EQ -> Expr.CompareOp.EQ;
      case ResvParser.NE -> Expr.CompareOp.NE;
      case ResvParser.LT -> Expr.CompareOp.LT;
      case ResvParser.LE -> Expr.CompareOp.LE;
      case ResvParser.GT -> Expr.CompareOp.GT;
      default -> Expr.CompareOp.GE;
    };
  }

  private ExprDepth container(ContainerContext c) {
    return require(c).accept(
        new Alternatives<ExprDepth>() {
          @Override
          public ExprDepth visitSetContainer(SetContainerContext set) {
            List<Expr> elements = new ArrayList<>();
            int depth = 0;
            for (RangeExprContext r : set.rangeExpr()) {
              ExprDepth element = range(r);
              elements.add(element.expr());
              depth = Math.max(depth, element.depth());
            }
            return nest(new Expr.SetLit(spans.of(c), elements), depth + 1, c.getStart());
          }

          @Override
          public ExprDepth visitRangeContainer(RangeContainerContext r) {
            return range(r.rangeExpr());
          }
        });
  }

  private ExprDepth range(RangeExprContext c) {
    ExprDepth start = primary(require(c).primary(0));
    if (c.primary().size() < 2) {
      return start;
    }
    ExprDepth end = primary(c.primary(1));
    int depth = Math.max(start.depth(), end.depth()) + 1;
    if (c.DOTDOT() != null) {
      return nest(new Expr.RangeLit(spans.of(c), start.expr(), end.expr()), depth, c.DOTDOT().getSymbol());
    }
    return nest(new Expr.SizedRange(spans.of(c), start.expr(), end.expr()), depth, c.PLUS().getSymbol());
  }

  private ExprDepth primary(PrimaryContext c) {
    Span span = spans.of(require(c));
    return c.accept(
        new Alternatives<ExprDepth>() {
          @Override
          public ExprDepth visitLiteralPrimary(LiteralPrimaryContext l) {
            return new ExprDepth(literal(l.literal()), 1);
          }

          @Override
          public ExprDepth visitMethodCallPrimary(MethodCallPrimaryContext m) {
            String object = text(m.obj);
            if (!object.equals("device")) {
              error(Code.MISPLACED_CONSTRUCT, spans.of(m.obj), "only `device` has methods (`device.downstream_of(00:1c.0)`); `"
                  + MessageText.clean(object + "." + text(m.name)) + "(…)` is not one");
            }
            return call(span, text(m.name), m.arguments(), m.getStart());
          }

          @Override
          public ExprDepth visitFieldPrimary(FieldPrimaryContext f) {
            return new ExprDepth(new Expr.Field(span, text(f.obj), text(f.name), spans.of(f.obj), spans.of(f.name)), 1);
          }

          @Override
          public ExprDepth visitCallPrimary(CallPrimaryContext f) {
            return call(span, text(f.name), f.arguments(), f.getStart());
          }

          @Override
          public ExprDepth visitNamePrimary(NamePrimaryContext n) {
            return new ExprDepth(new Expr.Name(span, text(n.name)), 1);
          }

          @Override
          public ExprDepth visitParenPrimary(ParenPrimaryContext p) {
            ExprDepth inner = expr(p.expr());
            return nest(new Expr.Paren(span, inner.expr()), inner.depth() + 1, p.getStart());
          }
        });
  }

  private ExprDepth call(Span span, String function, ArgumentsContext args, Token at) {
    List<Expr> list = new ArrayList<>();
    int depth = 0;
    if (args != null) {
      for (ExprContext a : args.expr()) {
        ExprDepth arg = expr(a);
        list.add(arg.expr());
        depth = Math.max(depth, arg.depth());
      }
    }
    return nest(new Expr.Call(span, function, list), depth + 1, at);
  }

  /** Enforces the depth limit: the item is dropped with E003 once an expression gets too deep. */
  private ExprDepth nest(Expr e, int depth, Token at) {
    if (depth > maxNesting) {
      error(Code.NESTED_TOO_DEEPLY, spans.of(at), "expression nested deeper than " + maxNesting
          + " levels (parentheses, `not`, and each `and`/`or` of a chain count); split it into named predicates");
      throw new Incomplete();
    }
    return new ExprDepth(e, depth);
  }

  // ---- literals --------------------------------------------------------------------------------

  private Expr literal(LiteralContext l) {
    Token t = token(require(l).getStart());
    Span span = spans.of(t);
    String text = t.getText();
    switch (t.getType()) {
      case ResvParser.DEC, ResvParser.HEX, ResvParser.BIN -> {
        Long value = Literals.unsigned(text);
        if (value == null) {
          error(Code.INTEGER_TOO_WIDE, span, "integer `" + MessageText.clean(text) + "` does not fit in 64 bits (the largest is "
              + "0xffffffffffffffff = 18446744073709551615)");
          return new Expr.IntLit(span, 0, text);
        }
        return new Expr.IntLit(span, value, text);
      }
      case ResvParser.VERSION -> {
        return version(t);
      }
      case ResvParser.CLASS_PATTERN -> {
        int[] p = Literals.classPattern(text);
        return new Expr.ClassPattern(span, p[0], p[1], text);
      }
      case ResvParser.STRING -> {
        return string(t);
      }
      case ResvParser.BDF -> {
        return bdf(t);
      }
      case ResvParser.TRUE -> {
        return new Expr.BoolLit(span, true);
      }
      default -> {
        return new Expr.BoolLit(span, false);
      }
    }
  }

  /** A kernel release literal; a part above {@link KernelRelease#MAX_PART} is E017 and reads as 0. */
  private Expr.VersionLit version(Token t) {
    String text = t.getText();
    String[] parts = text.split("\\.");
    int[] values = new int[3];
    for (int i = 0; i < parts.length; i++) {
      Long value = Literals.unsigned(parts[i]);
      if (value == null || value > KernelRelease.MAX_PART) {
        error(Code.VERSION_OUT_OF_RANGE, spans.of(t), "kernel version `" + MessageText.clean(text) + "`: part `"
            + MessageText.clean(parts[i]) + "` is above " + KernelRelease.MAX_PART);
        return new Expr.VersionLit(spans.of(t), KernelRelease.of(0, 0), parts.length == 3, text);
      }
      values[i] = value.intValue();
    }
    boolean hasPatch = parts.length == 3;
    return new Expr.VersionLit(spans.of(t), hasPatch ? KernelRelease.of(values[0], values[1], values[2])
        : KernelRelease.of(values[0], values[1]), hasPatch, text);
  }

  private Expr.StringLit string(TerminalNode node) {
    return string(token(node));
  }

  private Expr.StringLit string(Token t) {
    Literals.Unescaped u = Literals.unescape(t.getText());
    for (int offset : u.badEscapeOffsets()) {
      String escape = t.getText().substring(offset, Math.min(offset + 2, t.getText().length()));
      error(Code.UNKNOWN_ESCAPE, new Span(spans.file(), t.getLine(), t.getCharPositionInLine() + offset + 1,
          escape.length()), "unknown escape `" + MessageText.clean(escape) + "` in a string (use `\\\"`, `\\\\`, `\\n` or `\\t`)");
    }
    return new Expr.StringLit(spans.of(t), u.value(), t.getText());
  }

  private Expr.BdfLit bdf(TerminalNode node) {
    return bdf(token(node));
  }

  private Expr.BdfLit bdf(Token t) {
    int[] v = Literals.bdf(t.getText());
    Span span = spans.of(t);
    if (v[2] > 0x1f) {
      error(Code.BAD_PCI_ADDRESS, span, "PCI address `" + t.getText() + "`: device " + String.format("0x%02x", v[2])
          + " is above 0x1f");
    } else if (v[3] > 7) {
      error(Code.BAD_PCI_ADDRESS, span, "PCI address `" + t.getText() + "`: function " + v[3] + " is above 7");
    }
    return new Expr.BdfLit(span, v[0], v[1], v[2], v[3], t.getText());
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String text(IdentContext id) {
    return token(require(id).getStart()).getText();
  }

  private static Token token(TerminalNode node) {
    if (node == null) {
      throw new Incomplete();
    }
    return token(node.getSymbol());
  }

  /** A token the parser really read (not one it conjured while recovering). */
  private static Token token(Token t) {
    if (t == null || t.getTokenIndex() < 0 || t.getType() == Token.EOF) {
      throw new Incomplete();
    }
    return t;
  }

  private static <T extends ParserRuleContext> T require(T ctx) {
    if (ctx == null || ctx.exception != null) {
      throw new Incomplete();
    }
    return ctx;
  }

  /** True when the parser recovered from an error anywhere inside {@code root}. */
  private static boolean hasError(ParserRuleContext root) {
    Deque<ParseTree> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      ParseTree t = pending.pop();
      if (t instanceof org.antlr.v4.runtime.tree.ErrorNode) {
        return true;
      }
      if (t instanceof ParserRuleContext ctx) {
        if (ctx.exception != null) {
          return true;
        }
        for (int i = 0; i < ctx.getChildCount(); i++) {
          pending.push(ctx.getChild(i));
        }
      }
    }
    return false;
  }

  /** True when the parser recovered from an error in {@code ctx}'s own tokens (not inside its items). */
  private static boolean hasOwnError(ParserRuleContext ctx) {
    if (ctx.exception != null) {
      return true;
    }
    for (int i = 0; i < ctx.getChildCount(); i++) {
      if (ctx.getChild(i) instanceof org.antlr.v4.runtime.tree.ErrorNode) {
        return true;
      }
    }
    return false;
  }

  private void error(Code code, Span span, String message) {
    diags.add(Diagnostic.error(code, span, message));
  }
}
