package dev.resvc.compiler.ast;

import java.util.List;

/**
 * Conditions and values. The parser builds these without knowing what names mean; the checker
 * resolves {@link Name}s and gives every expression a kind.
 */
public sealed interface Expr extends Node {
  /** Calls the {@link Visitor} method for this kind of node. */
  <R> R accept(Visitor<R> v);

  /**
   * One method per kind of expression, so that javac names every walk a new kind must reach.
   */
  interface Visitor<R> {
    R visit(BoolLit e);
    R visit(IntLit e);
    R visit(VersionLit e);
    R visit(StringLit e);
    R visit(BdfLit e);
    R visit(ClassPattern e);
    R visit(Name e);
    R visit(Field e);
    R visit(Call e);
    R visit(RangeLit e);
    R visit(SizedRange e);
    R visit(SetLit e);
    R visit(Paren e);
    R visit(Not e);
    R visit(And e);
    R visit(Or e);
    R visit(Compare e);
    R visit(In e);
    R visit(Matches e);
    R visit(Has e);
  }

  /** {@code true} / {@code false}. */
  record BoolLit(Span span, boolean value) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /**
   * An unsigned 64-bit integer, as written ({@code 4096}, {@code 0x1000}, {@code 0b1_0000}, {@code
   * 4K}); {@code text} keeps the spelling for the formatter and messages.
   */
  record IntLit(Span span, long value, String text) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /**
   * A kernel release, {@code 6.6} or {@code 5.14.3}, compared with {@code kernel.version} as {@link
   * dev.resvc.runtime.model.KernelRelease#key()}; {@code hasPatch} says whether the third part was
   * written (the end of a range written {@code X.Y} covers the whole series). A part out of range was
   * reported (E017) and reads as 0.
   */
  record VersionLit(Span span, dev.resvc.runtime.model.KernelRelease release, boolean hasPatch, String text)
      implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** A string with {@code {placeholder}}s left as written; {@code value} has escapes resolved. */
  record StringLit(Span span, String value, String text) implements Expr {
    /**
     * Where the characters {@code [from, to)} of {@code value} are written: {@code text} is the token,
     * quote first, in which an escape is a backslash and one character (as the parser resolves them).
     */
    public Span spanOf(int from, int to) {
      int raw = 1;
      int rawFrom = -1;
      for (int v = 0; v < to && raw < text.length(); v++) {
        if (v == from) {
          rawFrom = raw;
        }
        raw += text.charAt(raw) == '\\' && raw + 1 < text.length() ? 2 : 1;
      }
      if (rawFrom < 0) {
        return span;
      }
      return new Span(span.file(), span.line(), span.column() + rawFrom,
          Math.max(1, Math.min(raw - rawFrom, span.length() - rawFrom)));
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** A PCI address literal: {@code 00:14.0} or {@code 0000:00:14.0}. */
  record BdfLit(Span span, int segment, int bus, int device, int function, String text) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /**
   * A class-code pattern with {@code xx} wildcards: {@code 0x0c03xx} matches base and subclass,
   * {@code 0x03xxxx} the base class, {@code 0x0c0330} the full code. {@code matchedBits} is 8, 16 or
   * 24 and {@code value} holds the fixed part shifted into place (wildcards as zero).
   */
  record ClassPattern(Span span, int value, int matchedBits, String text) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** An identifier: a constant, a predicate, or an enum constant such as {@code rmrr} or {@code direct-relaxable}. */
  record Name(Span span, String name) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /**
   * {@code device.class}, {@code region.type}, {@code guest.kind}, …; {@code objectSpan} and
   * {@code fieldSpan} are where each of the two names is, so that a diagnostic can point at the wrong one.
   */
  record Field(Span span, String object, String field, Span objectSpan, Span fieldSpan) implements Expr {
    /** A field written without spaces around the dot, for nodes made in code. */
    public Field(Span span, String object, String field) {
      this(span, object, field, new Span(span.file(), span.line(), span.column(), object.length()),
          new Span(span.file(), span.line(), span.column() + object.length() + 1, field.length()));
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code overlaps(x)}, {@code within(x)}, {@code device.downstream_of(bdf)} (function {@code downstream_of}). */
  record Call(Span span, String function, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code lo .. hi}, both ends inclusive. */
  record RangeLit(Span span, Expr start, Expr end) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code start + size}: the {@code size} bytes from {@code start}. */
  record SizedRange(Span span, Expr start, Expr size) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code {a, b, c}} after {@code in}. */
  record SetLit(Span span, List<Expr> elements) implements Expr {
    public SetLit {
      elements = List.copyOf(elements);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code ( e )}, kept so that the formatter preserves the user's grouping. */
  record Paren(Span span, Expr inner) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  record Not(Span span, Expr operand) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  record And(Span span, Expr left, Expr right) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  record Or(Span span, Expr left, Expr right) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code left op right} for {@code == != < <= > >=}; order comparisons are unsigned. */
  record Compare(Span span, Expr left, CompareOp op, Expr right) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code left in {…}} or {@code left in lo .. hi}; {@code negated} for {@code not in}. */
  record In(Span span, Expr left, Expr container, boolean negated) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code device.class matches 0x0c03xx}. */
  record Matches(Span span, Expr left, Expr pattern) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code region.prot has write}. */
  record Has(Span span, Expr left, Expr flag) implements Expr {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** The comparison operators, with their spelling. */
  enum CompareOp {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    private final String symbol;

    CompareOp(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }
}
