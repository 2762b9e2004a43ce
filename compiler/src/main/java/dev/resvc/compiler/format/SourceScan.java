package dev.resvc.compiler.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The original text of a policy seen as the formatter needs it: the sequence of its significant
 * characters (everything but whitespace and comments; string literals count in full, spaces
 * included) with the line of each, and its comments, each anchored at the number of significant
 * characters before it.
 *
 * <p>The formatter prints the same tokens in the same order, so the significant characters of its
 * output equal those of its input; a comment anchored at offset {@code k} is re-inserted just before
 * the token that starts at {@code k}.
 */
final class SourceScan {
  /** A comment with its surroundings in the original text. */
  record Comment(String text, int line, int endLine, int anchor, int prevEndLine, int nextLine) {
    boolean isLineComment() {
      return text.startsWith("//");
    }

    /** Starts on the line where the previous token or comment ends: a trailing comment. */
    boolean sameLineAsPrevious() {
      return prevEndLine > 0 && line == prevEndLine;
    }

    /** True when the line has a blank line (or more) before this comment. */
    boolean blankBefore() {
      return prevEndLine > 0 && line - prevEndLine > 1;
    }
  }

  final String significant;
  final int[] lineOf;
  final List<Comment> comments;

  private SourceScan(String significant, int[] lineOf, List<Comment> comments) {
    this.significant = significant;
    this.lineOf = lineOf;
    this.comments = comments;
  }

  /** Line of the significant character at {@code offset}, or {@code Integer.MAX_VALUE} past the end. */
  int lineAt(int offset) {
    return offset < lineOf.length ? lineOf[offset] : Integer.MAX_VALUE;
  }

  /** Line of the significant character before {@code offset}, or 0 at the start. */
  int lineBefore(int offset) {
    return offset > 0 ? lineOf[offset - 1] : 0;
  }

  /** The significant characters of {@code text}, without their lines and comments. */
  static String squeeze(String text) {
    return scan(text).significant;
  }

  static SourceScan scan(String text) {
    StringBuilder sig = new StringBuilder();
    List<Integer> lines = new ArrayList<>();
    record Raw(String text, int line, int endLine, int anchor) {}
    List<Raw> raws = new ArrayList<>();
    int line = 1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\uFEFF') {
        i++;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
        int end = i;
        while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
          end++;
        }
        raws.add(new Raw(text.substring(i, end), line, line, sig.length()));
        i = end;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int close = text.indexOf("*/", i + 2);
        int end = close < 0 ? n : close + 2;
        String body = text.substring(i, end);
        int endLine = line + (int) body.chars().filter(ch -> ch == '\n').count();
        raws.add(new Raw(body, line, endLine, sig.length()));
        line = endLine;
        i = end;
      } else if (c == '"') {
        int end = i + 1;
        while (end < n) {
          char d = text.charAt(end);
          if (d == '\\' && end + 1 < n && text.charAt(end + 1) != '\n' && text.charAt(end + 1) != '\r') {
            end += 2;
          } else if (d == '"') {
            end++;
            break;
          } else if (d == '\n' || d == '\r') {
            break;
          } else {
            end++;
          }
        }
        for (int k = i; k < end; k++) {
          sig.append(text.charAt(k));
          lines.add(line);
        }
        i = end;
      } else {
        sig.append(c);
        lines.add(line);
        i++;
      }
    }
    int[] lineOf = lines.stream().mapToInt(Integer::intValue).toArray();
    List<Comment> comments = new ArrayList<>();
    for (int k = 0; k < raws.size(); k++) {
      Raw r = raws.get(k);
      Raw prev = k > 0 ? raws.get(k - 1) : null;
      int prevEnd = prev != null && prev.anchor() == r.anchor() ? prev.endLine()
          : r.anchor() > 0 ? lineOf[r.anchor() - 1] : 0;
      Raw next = k + 1 < raws.size() ? raws.get(k + 1) : null;
      int nextLine = next != null && next.anchor() == r.anchor() ? next.line()
          : r.anchor() < lineOf.length ? lineOf[r.anchor()] : Integer.MAX_VALUE;
      comments.add(new Comment(r.text(), r.line(), r.endLine(), r.anchor(), prevEnd, nextLine));
    }
    return new SourceScan(sig.toString(), lineOf, List.copyOf(comments));
  }
}
