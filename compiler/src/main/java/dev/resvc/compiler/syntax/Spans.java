package dev.resvc.compiler.syntax;

import dev.resvc.compiler.ast.Span;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns token positions into {@link Span}s: 1-based line and column (in code points, as ANTLR counts
 * them) and a length clipped to the first line of the construct.
 */
final class Spans {
  private final String file;
  private final int[] lineLengths;

  Spans(String file, String text) {
    this.file = file;
    List<Integer> lengths = new ArrayList<>();
    int len = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\n') {
        lengths.add(len);
        len = 0;
      } else if (cp != '\r') {
        len++;
      }
    }
    lengths.add(len);
    lineLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
  }

  String file() {
    return file;
  }

  private int restOfLine(int line, int column0) {
    if (line < 1 || line > lineLengths.length) {
      return 1;
    }
    return Math.max(1, lineLengths[line - 1] - column0);
  }

  /** The span of one token (a conjured or end-of-file token gets length 1 at its position). */
  Span of(Token t) {
    int line = Math.max(1, t.getLine());
    int col0 = Math.max(0, t.getCharPositionInLine());
    int len = t.getStartIndex() >= 0 && t.getStopIndex() >= t.getStartIndex()
        ? t.getStopIndex() - t.getStartIndex() + 1 : 1;
    return new Span(file, line, col0 + 1, Math.min(len, restOfLine(line, col0)));
  }

  /** From the first character of {@code from} to the last of {@code to}, clipped to {@code from}'s line. */
  Span between(Token from, Token to) {
    if (to == null || to.getStopIndex() < from.getStartIndex() || to.getTokenIndex() < 0) {
      return of(from);
    }
    int line = Math.max(1, from.getLine());
    int col0 = Math.max(0, from.getCharPositionInLine());
    int len = to.getStopIndex() - from.getStartIndex() + 1;
    return new Span(file, line, col0 + 1, Math.max(1, Math.min(len, restOfLine(line, col0))));
  }

  /** From the first character of {@code first} to the last of {@code last}, tokens the lexer has not numbered. */
  Span run(Token first, Token last) {
    int line = Math.max(1, first.getLine());
    int col0 = Math.max(0, first.getCharPositionInLine());
    int len = last.getStopIndex() - first.getStartIndex() + 1;
    return new Span(file, line, col0 + 1, Math.max(1, Math.min(len, restOfLine(line, col0))));
  }

  Span of(ParserRuleContext ctx) {
    return between(ctx.getStart(), ctx.getStop());
  }

  /** A one-character span just after {@code t}, where a missing token would go. */
  Span after(Token t) {
    int line = Math.max(1, t.getLine());
    int len = t.getStopIndex() >= t.getStartIndex() ? t.getStopIndex() - t.getStartIndex() + 1 : 0;
    String text = t.getText();
    if (text != null && text.indexOf('\n') >= 0) {
      return of(t);
    }
    return new Span(file, line, Math.max(0, t.getCharPositionInLine()) + len + 1, 1);
  }
}
