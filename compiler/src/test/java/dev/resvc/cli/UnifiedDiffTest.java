package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
  @Test
  void equalTextsHaveNoDiff() {
    assertThat(UnifiedDiff.of("f", "a\nb\n", "a\nb\n")).isEmpty();
  }

  @Test
  void farApartChangesAreSeparateHunksWithThreeLinesOfContext() {
    String before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    String after = "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n";
    assertThat(UnifiedDiff.of("f", before, after)).isEqualTo("--- f\n+++ f (formatted)\n"
        + "@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n"
        + "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n");
  }

  @Test
  void nearChangesShareAHunk() {
    assertThat(UnifiedDiff.of("f", "a\nb\nc\nd\n", "A\nb\nc\nD\n"))
        .isEqualTo("--- f\n+++ f (formatted)\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n-d\n+D\n");
  }

  @Test
  void anEmptySideCountsFromTheLineBefore() {
    assertThat(UnifiedDiff.of("f", "", "x\n")).isEqualTo("--- f\n+++ f (formatted)\n@@ -0,0 +1 @@\n+x\n");
  }

  /** Applying the hunks to the old text gives the new one, whatever the two texts are. */
  @Property(tries = 300)
  void theDiffRebuildsTheNewText(@ForAll @Size(max = 30) List<@IntRange(min = 0, max = 4) Integer> a,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 4) Integer> b) {
    String before = text(a);
    String after = text(b);
    assertThat(apply(before, UnifiedDiff.of("f", before, after))).isEqualTo(after);
  }

  private static String text(List<Integer> lines) {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append("line").append(l).append('\n'));
    return sb.toString();
  }

  /** A minimal patch: checks each hunk's context and removed lines against the old text. */
  private static String apply(String before, String diff) {
    if (diff.isEmpty()) {
      return before;
    }
    List<String> old = UnifiedDiff.lines(before);
    List<String> out = new ArrayList<>();
    int next = 0;
    for (String line : UnifiedDiff.lines(diff)) {
      if (line.startsWith("--- ") || line.startsWith("+++ ")) {
        continue;
      }
      if (line.startsWith("@@ ")) {
        String range = line.substring(4, line.indexOf(' ', 4));
        int start = Integer.parseInt(range.split(",")[0]);
        int count = range.contains(",") ? Integer.parseInt(range.split(",")[1]) : 1;
        int first = count == 0 ? start : start - 1;
        while (next < first) {
          out.add(old.get(next++));
        }
        continue;
      }
      String body = line.substring(1);
      switch (line.charAt(0)) {
        case ' ' -> {
          assertThat(old.get(next++)).isEqualTo(body);
          out.add(body);
        }
        case '-' -> assertThat(old.get(next++)).isEqualTo(body);
        case '+' -> out.add(body);
        default -> throw new AssertionError(line);
      }
    }
    while (next < old.size()) {
      out.add(old.get(next++));
    }
    return String.join("", out);
  }
}
