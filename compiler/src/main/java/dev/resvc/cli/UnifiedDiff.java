package dev.resvc.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code diff -u}, three lines of context) of two texts, for {@code resvc fmt --diff}.
 * Lines are compared with their line ends, so a change of line end or a missing final newline shows
 * (as {@code \ No newline at end of file}, as diff prints it).
 *
 * <p>The common head and tail are matched first; the middle by a longest common subsequence when it is
 * small enough ({@link #MAX_CELLS}), and otherwise as one block removed and one added: still a correct
 * diff that {@code patch} applies, only not the shortest, so a hostile file cannot make fmt quadratic.
 */
final class UnifiedDiff {
  /** The largest middle (old lines × new lines) compared line by line. */
  static final long MAX_CELLS = 4_000_000;
  private static final int CONTEXT = 3;

  private enum Op { SAME, REMOVED, ADDED }

  /** One line of the edit script: what happens to it, and the line with its end. */
  private record Edit(Op op, String line) {}

  private UnifiedDiff() {}

  /** The diff from {@code before} to {@code after} under the names given, or "" when they are equal. */
  static String of(String name, String before, String after) {
    if (before.equals(after)) {
      return "";
    }
    List<Edit> edits = edits(lines(before), lines(after));
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(name).append('\n');
    out.append("+++ ").append(name).append(" (formatted)").append('\n');
    int i = 0;
    int oldLine = 1;
    int newLine = 1;
    while (i < edits.size()) {
      // skip to the next change, then take a hunk that ends where CONTEXT*2 unchanged lines follow
      int change = i;
      while (change < edits.size() && edits.get(change).op() == Op.SAME) {
        change++;
      }
      if (change == edits.size()) {
        break;
      }
      int start = Math.max(i, change - CONTEXT);
      oldLine += start - i; // unchanged lines between hunks count on both sides
      newLine += start - i;
      int end = change;
      int same = 0;
      while (end < edits.size() && same < 2 * CONTEXT + 1) {
        same = edits.get(end).op() == Op.SAME ? same + 1 : 0;
        end++;
      }
      end -= Math.max(0, same - CONTEXT);
      int oldCount = 0;
      int newCount = 0;
      for (int k = start; k < end; k++) {
        Op op = edits.get(k).op();
        oldCount += op == Op.ADDED ? 0 : 1;
        newCount += op == Op.REMOVED ? 0 : 1;
      }
      out.append("@@ -").append(range(oldLine, oldCount)).append(" +").append(range(newLine, newCount)).append(" @@\n");
      for (int k = start; k < end; k++) {
        Edit e = edits.get(k);
        out.append(switch (e.op()) { case SAME -> ' '; case REMOVED -> '-'; case ADDED -> '+'; }).append(e.line());
        if (!e.line().endsWith("\n")) {
          out.append("\n\\ No newline at end of file\n");
        }
      }
      oldLine += oldCount;
      newLine += newCount;
      i = end;
    }
    return out.toString();
  }

  /** {@code diff}'s hunk range: the first line and the count, the line before when the count is 0. */
  private static String range(int first, int count) {
    return count == 1 ? String.valueOf(first) : (count == 0 ? first - 1 : first) + "," + count;
  }

  /** The lines of {@code text}, each with its line end ({@code \n} or {@code \r\n}); the last may have none. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (from < text.length()) {
      int nl = text.indexOf('\n', from);
      int to = nl < 0 ? text.length() : nl + 1;
      out.add(text.substring(from, to));
      from = to;
    }
    return out;
  }

  private static List<Edit> edits(List<String> a, List<String> b) {
    int head = 0;
    while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < a.size() - head && tail < b.size() - head
        && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
      tail++;
    }
    List<Edit> out = new ArrayList<>();
    a.subList(0, head).forEach(l -> out.add(new Edit(Op.SAME, l)));
    middle(a.subList(head, a.size() - tail), b.subList(head, b.size() - tail), out);
    a.subList(a.size() - tail, a.size()).forEach(l -> out.add(new Edit(Op.SAME, l)));
    return out;
  }

  private static void middle(List<String> a, List<String> b, List<Edit> out) {
    int n = a.size();
    int m = b.size();
    if ((long) n * m > MAX_CELLS) {
      a.forEach(l -> out.add(new Edit(Op.REMOVED, l)));
      b.forEach(l -> out.add(new Edit(Op.ADDED, l)));
      return;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        out.add(new Edit(Op.SAME, a.get(i++)));
        j++;
      } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.add(new Edit(Op.REMOVED, a.get(i++)));
      } else {
        out.add(new Edit(Op.ADDED, b.get(j++)));
      }
    }
  }
}
