package dev.resvc.compiler.format;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.TestStmt;
import dev.resvc.compiler.format.Layout.Blank;
import java.util.List;
import java.util.Optional;

/**
 * Prints a parsed policy in the canonical layout of {@code docs/language-syntax.md} ("Canonical
 * layout"), with every comment of the original text back in its place. Literals keep their spelling
 * and parentheses are kept; only whitespace changes.
 *
 * <p>The input must be a file that parsed without errors, together with the exact text it was
 * parsed from: a file with syntax errors lacks the items that held them, and formatting it would
 * lose text. {@link Formatting#format} checks that for callers.
 */
public final class PolicyFormatter {
  /** Lines longer than this are broken where the layout allows it (before a rule's {@code =>}). */
  public static final int WIDTH = 100;

  private static final int INDENT = 2;
  private static final int CONTINUATION = 4;

  private final Layout out;
  private final Printer printer = new Printer();
  private final ExprPrinter spaced = new ExprPrinter(true);
  private final ExprPrinter unspaced = new ExprPrinter(false);

  private PolicyFormatter(SourceScan scan) {
    this.out = new Layout(scan);
  }

  /**
   * The canonical text of {@code file}.
   *
   * @param file what {@link dev.resvc.compiler.syntax.PolicyParser} returned for {@code originalText},
   *     without errors
   * @throws IllegalStateException when the AST does not match the text (it was parsed from something
   *     else, or with errors)
   */
  public static String format(PolicyFile file, String originalText) {
    PolicyFormatter f = new PolicyFormatter(SourceScan.scan(originalText));
    f.file(file.items());
    return f.out.finish();
  }

  // ---- items -----------------------------------------------------------------------------------

  private void file(List<Item> items) {
    Item previous = null;
    for (Item item : items) {
      Blank before = previous == null ? Blank.ZERO
          : isDeclaration(previous) && isDeclaration(item) ? Blank.PRESERVE : Blank.ONE;
      out.startStatement(0, 0, before, Blank.PRESERVE);
      item(item);
      previous = item;
    }
  }

  /** Declarations of one kind or another that users group, with or without blank lines between. */
  private static boolean isDeclaration(Item item) {
    return item instanceof Item.Const || item instanceof Item.Predicate || item instanceof Item.Import;
  }

  private void item(Item item) {
    item.accept(printer);
  }

  private void binding(String keyword, String name, Expr value) {
    out.token(keyword);
    out.spaced(name);
    out.spaced("=");
    expr(value, true);
    out.token(";");
  }

  private void section(String keyword, List<RuleItem> items) {
    out.token(keyword);
    block(items.size(), i -> ruleItem(items.get(i)));
  }

  private void test(Item.Test t) {
    out.token("test");
    out.spaced(t.name().text());
    block(t.statements().size(), i -> testStmt(t.statements().get(i)));
  }

  /** {@code { … }} around {@code count} entries, each on its own line, indented; {@code {}} when empty. */
  private void block(int count, java.util.function.IntConsumer entry) {
    out.spaced("{");
    if (count == 0 && !out.commentsPending()) {
      out.token("}");
      return;
    }
    for (int i = 0; i < count; i++) {
      out.startStatement(INDENT, INDENT, i == 0 ? Blank.ZERO : Blank.PRESERVE, Blank.PRESERVE);
      entry.accept(i);
    }
    out.startStatement(INDENT, 0, count == 0 ? Blank.ZERO : Blank.PRESERVE, Blank.ZERO);
    out.token("}");
  }

  // ---- rules -----------------------------------------------------------------------------------

  private void ruleItem(RuleItem item) {
    item.accept(printer);
  }

  /**
   * {@code rule NAME: when COND => ACTION;} on one line when it fits in {@link #WIDTH} columns;
   * otherwise {@code => ACTION;} goes on the next line, under {@code when}.
   */
  private void rule(RuleItem.Rule r) {
    out.token("rule");
    out.spaced(r.name());
    out.token(":");
    out.spaced("when");
    int when = out.column() - "when".length();
    int breaksBefore = out.forcedBreaks();
    out.continuation(when + "when ".length());
    expr(r.condition(), true);
    boolean fits = out.column() + " => ".length() + flatLength(r.action()) + ";".length() <= WIDTH;
    if (!fits || out.forcedBreaks() != breaksBefore || out.commentsPending()) {
      out.breakTo(when);
      out.continuation(when);
      out.token("=>");
      out.continuation(when + "=> ".length());
    } else {
      out.continuation(when);
      out.spaced("=>");
    }
    action(r.action());
    out.token(";");
  }

  private void action(Action a) {
    a.accept(printer);
  }

  /** How many columns {@code a} takes on one line, to tell whether a rule fits. */
  private static int flatLength(Action a) {
    return a.accept(FLAT_LENGTH);
  }

  private static final Action.Visitor<Integer> FLAT_LENGTH =
      new Action.Visitor<>() {
        @Override
        public Integer visit(Action.Keep k) {
          return "keep".length();
        }

        @Override
        public Integer visit(Action.Drop d) {
          return "drop".length();
        }

        @Override
        public Integer visit(Action.SetType s) {
          return s.typeName().length();
        }

        @Override
        public Integer visit(Action.Allow a) {
          return "allow".length();
        }

        @Override
        public Integer visit(Action.Report r) {
          return r.severity().keyword().length() + 1 + r.message().text().length();
        }
      };

  // ---- test statements -------------------------------------------------------------------------

  private void testStmt(TestStmt s) {
    s.accept(printer);
  }

  private void attrs(List<TestStmt.Attr> attrs) {
    for (TestStmt.Attr a : attrs) {
      out.spaced(a.name());
      a.value().ifPresent(v -> expr(v, true));
    }
  }

  private void expectation(TestStmt.Expectation x) {
    x.accept(printer);
  }

  /** A device an expectation names (a PCI address or a quoted name), after {@code keyword} when given. */
  private void optionalDevice(Optional<Expr> device, String keyword) {
    if (device.isPresent()) {
      if (keyword != null) {
        out.spaced(keyword);
      }
      expr(device.get(), true);
    }
  }

  // ---- expressions -----------------------------------------------------------------------------

  /** Prints {@code e}; {@code space}: a space before its first token. */
  private void expr(Expr e, boolean space) {
    e.accept(space ? spaced : unspaced);
  }

  private void binary(Expr left, String op, Expr right, boolean space) {
    expr(left, space);
    out.spaced(op);
    expr(right, true);
  }

  /**
   * {@code f(args)} or {@code device.f(args)}: the AST does not keep the object of a method call
   * (only {@code device} has methods), so the original text tells which was written.
   */
  private void call(Expr.Call c, boolean space) {
    if (out.nextStartsWith(c.function() + "(")) {
      out.token(c.function(), space);
    } else {
      String object = "device";
      out.token(object, space);
      out.token(".");
      out.token(c.function());
    }
    out.token("(");
    list(c.args());
    out.token(")");
  }

  private void list(List<Expr> elements) {
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        out.token(",");
      }
      expr(elements.get(i), i > 0);
    }
  }

  /**
   * Prints each kind of item, section entry, action, test statement and expectation: one method per
   * kind, so that a new kind of node does not compile until the formatter prints it.
   */
  private final class Printer
      implements Item.Visitor<Void>,
          RuleItem.Visitor<Void>,
          Action.Visitor<Void>,
          TestStmt.Visitor<Void>,
          TestStmt.Expectation.Visitor<Void> {
    @Override
    public Void visit(Item.PolicyDecl p) {
      out.token("policy");
      String[] parts = p.qualifiedName().split("\\.", -1);
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          out.token(".");
        }
        out.token(parts[i], i == 0);
      }
      out.token(";");
      return null;
    }

    @Override
    public Void visit(Item.Import i) {
      out.token("import");
      out.spaced(i.path().text());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(Item.Const c) {
      binding("const", c.name(), c.value());
      return null;
    }

    @Override
    public Void visit(Item.Predicate p) {
      binding("predicate", p.name(), p.condition());
      return null;
    }

    @Override
    public Void visit(Item.Classify c) {
      section("classify", c.items());
      return null;
    }

    @Override
    public Void visit(Item.Conflicts c) {
      section("conflicts", c.items());
      return null;
    }

    @Override
    public Void visit(Item.Test t) {
      test(t);
      return null;
    }

    @Override
    public Void visit(RuleItem.Default d) {
      out.token("default");
      out.spaced("=>");
      action(d.action());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(RuleItem.Rule r) {
      rule(r);
      return null;
    }

    @Override
    public Void visit(Action.Keep k) {
      out.spaced("keep");
      return null;
    }

    @Override
    public Void visit(Action.Drop d) {
      out.spaced("drop");
      return null;
    }

    @Override
    public Void visit(Action.Allow a) {
      out.spaced("allow");
      return null;
    }

    @Override
    public Void visit(Action.SetType s) {
      out.spaced(s.typeName());
      return null;
    }

    @Override
    public Void visit(Action.Report r) {
      out.spaced(r.severity().keyword());
      out.spaced(r.message().text());
      return null;
    }

    @Override
    public Void visit(TestStmt.DeviceStmt d) {
      out.token("device");
      out.spaced(d.address().text());
      attrs(d.attrs());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.PlatformStmt p) {
      out.token("platform");
      out.spaced(p.name().text());
      attrs(p.attrs());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.RegionStmt r) {
      out.token("region");
      out.spaced(r.source());
      expr(r.range(), true);
      if (r.type().isPresent()) {
        out.spaced("type");
        out.spaced(r.type().get());
      }
      out.spaced("on");
      expr(r.device(), true);
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.GuestStmt g) {
      out.token("guest");
      if (g.file().isPresent()) {
        out.spaced(g.file().get().text());
      } else {
        out.spaced(g.preset());
        attrs(g.attrs());
      }
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.KernelStmt k) {
      out.token("kernel");
      out.spaced(k.release().text());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.BackendStmt b) {
      out.token("backend");
      out.spaced(b.name());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.IommuStmt i) {
      out.token("iommu");
      out.spaced(i.name());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.MsiStmt m) {
      out.token("msi");
      if (!m.isolated()) {
        out.spaced("not");
      }
      out.spaced("isolated");
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.ExpectStmt e) {
      out.token("expect");
      expectation(e.expectation());
      out.token(";");
      return null;
    }

    @Override
    public Void visit(TestStmt.Expectation.RegionType r) {
      expr(r.device(), true);
      out.spaced("region");
      expr(r.address(), true);
      out.spaced("type");
      out.spaced(r.typeName());
      return null;
    }

    @Override
    public Void visit(TestStmt.Expectation.RegionDropped r) {
      expr(r.device(), true);
      out.spaced("region");
      expr(r.address(), true);
      out.spaced("dropped");
      return null;
    }

    @Override
    public Void visit(TestStmt.Expectation.Assignable a) {
      if (!a.assignable()) {
        out.spaced("not");
      }
      out.spaced("assignable");
      optionalDevice(a.device(), null);
      return null;
    }

    @Override
    public Void visit(TestStmt.Expectation.Finding f) {
      out.spaced(f.severity().keyword());
      if (f.rule().isPresent()) {
        out.spaced("rule");
        out.spaced(f.rule().get());
      }
      optionalDevice(f.device(), "on");
      return null;
    }

    @Override
    public Void visit(TestStmt.Expectation.NoFindings n) {
      out.spaced("no");
      out.spaced("findings");
      return null;
    }

    @Override
    public Void visit(TestStmt.Expectation.Step st) {
      out.spaced(st.stage().resvName());
      if (st.errno().isPresent()) {
        out.spaced("fails");
        out.spaced(st.errno().get().text());
      } else {
        out.spaced("succeeds");
      }
      if (st.at().isPresent()) {
        out.spaced("at");
        expr(st.at().get(), true);
      }
      optionalDevice(st.device(), "on");
      return null;
    }
  }

  /**
   * Prints each kind of expression; {@code space}: a space before its first token (one printer
   * for each, {@link #spaced} and {@link #unspaced}).
   */
  private final class ExprPrinter implements Expr.Visitor<Void> {
    private final boolean space;

    ExprPrinter(boolean space) {
      this.space = space;
    }

    @Override
    public Void visit(Expr.BoolLit b) {
      out.token(b.value() ? "true" : "false", space);
      return null;
    }

    @Override
    public Void visit(Expr.IntLit i) {
      out.token(i.text(), space);
      return null;
    }

    @Override
    public Void visit(Expr.VersionLit v) {
      out.token(v.text(), space);
      return null;
    }

    @Override
    public Void visit(Expr.StringLit s) {
      out.token(s.text(), space);
      return null;
    }

    @Override
    public Void visit(Expr.BdfLit b) {
      out.token(b.text(), space);
      return null;
    }

    @Override
    public Void visit(Expr.ClassPattern c) {
      out.token(c.text(), space);
      return null;
    }

    @Override
    public Void visit(Expr.Name n) {
      out.token(n.name(), space);
      return null;
    }

    @Override
    public Void visit(Expr.Field f) {
      out.token(f.object(), space);
      out.token(".");
      out.token(f.field());
      return null;
    }

    @Override
    public Void visit(Expr.Call c) {
      call(c, space);
      return null;
    }

    @Override
    public Void visit(Expr.RangeLit r) {
      binary(r.start(), "..", r.end(), space);
      return null;
    }

    @Override
    public Void visit(Expr.SizedRange r) {
      binary(r.start(), "+", r.size(), space);
      return null;
    }

    @Override
    public Void visit(Expr.SetLit s) {
      out.token("{", space);
      list(s.elements());
      out.token("}");
      return null;
    }

    @Override
    public Void visit(Expr.Paren p) {
      out.token("(", space);
      expr(p.inner(), false);
      out.token(")");
      return null;
    }

    @Override
    public Void visit(Expr.Not n) {
      out.token("not", space);
      expr(n.operand(), true);
      return null;
    }

    @Override
    public Void visit(Expr.And a) {
      binary(a.left(), "and", a.right(), space);
      return null;
    }

    @Override
    public Void visit(Expr.Or o) {
      binary(o.left(), "or", o.right(), space);
      return null;
    }

    @Override
    public Void visit(Expr.Compare c) {
      binary(c.left(), c.op().symbol(), c.right(), space);
      return null;
    }

    @Override
    public Void visit(Expr.In i) {
      expr(i.left(), space);
      if (i.negated()) {
        out.spaced("not");
      }
      out.spaced("in");
      expr(i.container(), true);
      return null;
    }

    @Override
    public Void visit(Expr.Matches m) {
      binary(m.left(), "matches", m.pattern(), space);
      return null;
    }

    @Override
    public Void visit(Expr.Has h) {
      binary(h.left(), "has", h.flag(), space);
      return null;
    }
  }
}
