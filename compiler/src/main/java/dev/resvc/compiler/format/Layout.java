package dev.resvc.compiler.format;

import java.util.List;

/**
 * The output of the formatter: tokens, line breaks and indentation, with the original comments
 * re-inserted where they were (see {@link SourceScan}). The printer says where statements start and
 * end; this class decides where each comment goes, so that the rules are the same everywhere:
 *
 * <ul>
 *   <li>a comment that started on the line of the token before it stays at the end of that line
 *       (two spaces before it), or inline between tokens when it is a block comment in the middle of
 *       a statement;
 *   <li>a comment on a line of its own stays on a line of its own, at the indentation of what
 *       follows it;
 *   <li>a comment that follows another on the same line stays there, one space after it;
 *   <li>a line comment always ends its line: in the middle of a statement the statement continues on
 *       the next line at the continuation indentation.
 * </ul>
 */
final class Layout {
  /** How many blank lines go before something at the start of a line. */
  enum Blank {
    ZERO, ONE, PRESERVE;

    /** Both apply to the same line: no blank wins over one, one over the user's choice. */
    Blank and(Blank other) {
      if (this == ZERO || other == ZERO) {
        return ZERO;
      }
      return this == ONE || other == ONE ? ONE : PRESERVE;
    }

    boolean wanted(boolean userHadOne) {
      return this == ONE || (this == PRESERVE && userHadOne);
    }
  }

  private final SourceScan scan;
  private final StringBuilder out = new StringBuilder();
  private int offset;
  private int nextComment;
  private int column;
  private boolean atLineStart = true;
  private boolean pendingSpace;
  private int indent;
  private int continuation;
  private int breaks;

  Layout(SourceScan scan) {
    this.scan = scan;
  }

  /** The column (0-based) where the next character would go on the current line. */
  int column() {
    return atLineStart ? indent : column;
  }

  /** How many line breaks comments have forced so far (a rule compares before and after its condition). */
  int forcedBreaks() {
    return breaks;
  }

  /** Where a statement continues after a line break that a comment forces. */
  void continuation(int col) {
    continuation = col;
  }

  /** True when comments of the original come before the next token. */
  boolean commentsPending() {
    return nextComment < scan.comments.size() && scan.comments.get(nextComment).anchor() == offset;
  }

  /** The significant characters of the original from the next token on (to tell spellings the AST merges). */
  boolean nextStartsWith(String text) {
    return scan.significant.startsWith(text, offset);
  }

  /** Writes one token, after the comments that came before it; {@code space}: separate it by a space. */
  void token(String text, boolean space) {
    flushMidLine();
    if (!scan.significant.startsWith(text, offset)) {
      throw new IllegalStateException("formatter out of step with the source at significant offset " + offset
          + ": printing `" + text + "`");
    }
    if (atLineStart) {
      writeIndent(indent);
    } else if (space || pendingSpace) {
      write(" ");
    }
    pendingSpace = false;
    write(text);
    offset += text.length();
  }

  void token(String text) {
    token(text, false);
  }

  void spaced(String text) {
    token(text, true);
  }

  /** Ends the current line; comments that trailed the last token stay on it. */
  void endLine() {
    if (atLineStart) {
      return;
    }
    boolean first = true;
    while (commentsPending()) {
      SourceScan.Comment c = scan.comments.get(nextComment);
      if (!c.sameLineAsPrevious()) {
        break;
      }
      write(first ? "  " : " ");
      write(c.text());
      nextComment++;
      first = false;
    }
    newline();
  }

  /** Ends the current line and continues the statement on the next at {@code col}. */
  void breakTo(int col) {
    endLine();
    indent = col;
  }

  /**
   * Starts a new statement (or a closing brace) at the start of a line: the comments of the original
   * on their own lines before it go first, at {@code commentIndent}, then the statement at {@code
   * indent}. {@code first} rules the blank lines before the first of these lines, {@code last} those
   * before the statement itself; in between, the user's blank lines are kept (at most one).
   */
  void startStatement(int commentIndent, int indent, Blank first, Blank last) {
    endLine();
    boolean isFirst = true;
    boolean onCommentLine = false;
    while (commentsPending()) {
      SourceScan.Comment c = scan.comments.get(nextComment);
      if (onCommentLine && c.sameLineAsPrevious()) {
        write(" ");
      } else {
        if (onCommentLine) {
          newline();
        }
        if ((isFirst ? first : Blank.PRESERVE).wanted(c.blankBefore()) && out.length() > 0) {
          out.append('\n');
        }
        writeIndent(commentIndent);
      }
      write(c.text());
      nextComment++;
      onCommentLine = !c.isLineComment();
      if (c.isLineComment()) {
        newline();
      }
      isFirst = false;
    }
    if (onCommentLine) {
      newline();
    }
    Blank rule = isFirst ? first.and(last) : last;
    int prevLine = isFirst ? scan.lineBefore(offset) : scan.comments.get(nextComment - 1).endLine();
    boolean userBlank = prevLine > 0 && scan.lineAt(offset) - prevLine > 1;
    if (rule.wanted(userBlank) && out.length() > 0 && offset < scan.significant.length()) {
      out.append('\n');
    }
    this.indent = indent;
    this.continuation = indent + 4;
  }

  /** Finishes the output: trailing comments of the file, then exactly one line break at the end. */
  String finish() {
    startStatement(0, 0, Blank.PRESERVE, Blank.ZERO);
    if (offset != scan.significant.length() || nextComment != scan.comments.size()) {
      throw new IllegalStateException("formatter did not print the whole source (significant offset " + offset
          + " of " + scan.significant.length() + ", comment " + nextComment + " of " + scan.comments.size() + ")");
    }
    return out.toString();
  }

  /** Places the comments before the next token when the line already has something on it. */
  private void flushMidLine() {
    while (commentsPending()) {
      SourceScan.Comment c = scan.comments.get(nextComment);
      if (atLineStart) {
        writeIndent(indent);
        write(c.text());
        nextComment++;
        if (c.isLineComment() || !nextIsCommentOnSameLine(c)) {
          forceBreak();
        } else {
          pendingSpace = true;
        }
      } else if (c.sameLineAsPrevious()) {
        boolean afterComment = column > 0 && pendingSpace;
        write(c.isLineComment() && !afterComment ? "  " : " ");
        write(c.text());
        nextComment++;
        if (c.isLineComment()) {
          forceBreak();
        } else {
          pendingSpace = true;
        }
      } else {
        forceBreak();
      }
    }
  }

  private boolean nextIsCommentOnSameLine(SourceScan.Comment c) {
    List<SourceScan.Comment> all = scan.comments;
    return nextComment < all.size() && all.get(nextComment).anchor() == offset && c.nextLine() == c.endLine();
  }

  private void forceBreak() {
    newline();
    indent = continuation;
    pendingSpace = false;
    breaks++;
  }

  private void newline() {
    if (!atLineStart) {
      out.append('\n');
      atLineStart = true;
      column = 0;
    }
    pendingSpace = false;
  }

  private void writeIndent(int n) {
    out.append(" ".repeat(n));
    column = n;
    atLineStart = false;
  }

  private void write(String s) {
    if (atLineStart) {
      atLineStart = false;
      column = 0;
    }
    out.append(s);
    int nl = s.lastIndexOf('\n');
    column = nl < 0 ? column + s.length() : s.length() - nl - 1;
  }
}
