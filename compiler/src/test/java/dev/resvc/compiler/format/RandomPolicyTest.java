package dev.resvc.compiler.format;

import static com.google.common.truth.Truth.assertWithMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random valid policies, written with random spacing and random comments between any two tokens:
 * the formatted text parses cleanly to the same AST, keeps every comment, and formats to itself
 * (all checked by {@link Fmt#fmt}).
 */
class RandomPolicyTest {
  private static final long SEED = 0x5eed_f0a7L;
  private static final int POLICIES = 400;

  @Test
  void randomPoliciesKeepTheFormatterProperties() {
    Random random = new Random(SEED);
    for (int i = 0; i < POLICIES; i++) {
      Gen g = new Gen(new Random(random.nextLong()));
      String text = g.policy();
      try {
        Fmt.fmt(text);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("policy #" + i + " (seed " + SEED + "):\n" + text, e);
      }
    }
  }

  @Test
  void theGeneratorWritesComments() {
    Random random = new Random(SEED);
    int withComments = 0;
    for (int i = 0; i < 20; i++) {
      String text = new Gen(new Random(random.nextLong())).policy();
      if (text.contains("//") && text.contains("/*")) {
        withComments++;
      }
    }
    assertWithMessage("policies with both kinds of comment, of 20").that(withComments).isAtLeast(10);
  }

  /** Builds one policy as tokens, then joins them with random whitespace and comments. */
  private static final class Gen {
    private final Random r;
    private final List<String> tokens = new ArrayList<>();

    Gen(Random r) {
      this.r = r;
    }

    String policy() {
      if (r.nextBoolean()) {
        add("policy", "a", ".", "B" + r.nextInt(10), ";");
      }
      int items = 1 + r.nextInt(6);
      for (int i = 0; i < items; i++) {
        switch (r.nextInt(6)) {
          case 0 -> {
            add("const", "C" + i, "=");
            value(2);
            add(";");
          }
          case 1 -> {
            add("predicate", "p" + i, "=");
            cond(3);
            add(";");
          }
          case 2 -> section("classify", new String[] {"keep", "drop", "direct", "direct-relaxable"});
          case 3 -> section("conflicts", new String[] {"allow", "fatal \"x {region}\"", "warn \"w\"", "info \"i\""});
          case 4 -> test();
          default -> add("import", "\"lib" + i + ".resv\"", ";");
        }
      }
      return join();
    }

    private void section(String keyword, String[] actions) {
      add(keyword, "{");
      int rules = r.nextInt(4);
      for (int i = 0; i < rules; i++) {
        add("rule", "r" + i, ":", "when");
        cond(4);
        add("=>");
        addAll(actions[r.nextInt(actions.length)]);
        add(";");
      }
      if (r.nextBoolean()) {
        add("default", "=>");
        addAll(actions[r.nextInt(actions.length)]);
        add(";");
      }
      add("}");
    }

    private void test() {
      add("test", "\"t " + r.nextInt(100) + "\"", "{");
      int n = r.nextInt(5);
      for (int i = 0; i < n; i++) {
        switch (r.nextInt(5)) {
          case 0 -> add("device", "00:14.0", "vendor", "0x8086", "class", "0x0c0330", ";");
          case 1 -> add("region", "rmrr", "0x1000", "..", "0x1fff", "type", "direct", "on", "00:14.0", ";");
          case 2 -> add("guest", "q35", "ram", "4G", ";");
          case 3 -> add("expect", "not", "assignable", "00:14.0", ";");
          default -> add("expect", "fatal", "rule", "r0", "on", "00:14.0", ";");
        }
      }
      add("}");
    }

    private void cond(int depth) {
      int pick = depth <= 0 ? 3 + r.nextInt(3) : r.nextInt(6);
      switch (pick) {
        case 0 -> {
          cond(depth - 1);
          add(r.nextBoolean() ? "and" : "or");
          cond(depth - 1);
        }
        case 1 -> {
          add("not");
          cond(depth - 1);
        }
        case 2 -> {
          add("(");
          cond(depth - 1);
          add(")");
        }
        case 3 -> {
          add("region", ".", "start");
          add(new String[] {"==", "!=", "<", "<=", ">", ">="}[r.nextInt(6)]);
          value(1);
        }
        case 4 -> {
          add("region", ".", "type");
          if (r.nextBoolean()) {
            add("not");
          }
          add("in", "{", "msi", ",", "direct", "}");
        }
        default -> {
          switch (r.nextInt(4)) {
            case 0 -> add("device", ".", "class", "matches", "0x0c03xx");
            case 1 -> add("overlaps", "(", "guest", ".", "ram", ")");
            case 2 -> add("device", ".", "downstream_of", "(", "00:1c.0", ")");
            default -> add("usb");
          }
        }
      }
    }

    private void value(int depth) {
      String[] ints = {"0xfee00000", "4K", "1_024", "0b1010", "2G"};
      if (depth > 0 && r.nextInt(3) == 0) {
        add(ints[r.nextInt(ints.length)], r.nextBoolean() ? ".." : "+", ints[r.nextInt(ints.length)]);
      } else if (depth > 0 && r.nextInt(4) == 0) {
        add("(");
        value(depth - 1);
        add(")");
      } else {
        add(ints[r.nextInt(ints.length)]);
      }
    }

    private void add(String... ts) {
      tokens.addAll(List.of(ts));
    }

    private void addAll(String action) {
      add(action.split(" ", 2));
    }

    private String join() {
      StringBuilder sb = new StringBuilder();
      for (String t : tokens) {
        sb.append(separator());
        sb.append(t);
      }
      sb.append(separator());
      return sb.toString();
    }

    private String separator() {
      StringBuilder sb = new StringBuilder();
      int pick = r.nextInt(20);
      if (pick < 10) {
        sb.append(' ');
      } else if (pick < 13) {
        sb.append('\n').append("  ".repeat(r.nextInt(3)));
      } else if (pick < 14) {
        sb.append("\n\n\n");
      } else if (pick < 17) {
        sb.append(' ').append("// c").append(r.nextInt(1000)).append('\n');
      } else if (pick < 19) {
        sb.append(" /* b").append(r.nextInt(1000)).append(r.nextBoolean() ? " */ " : "\n  x */\n");
      } else {
        sb.append("\n/* own */ // glued\n");
      }
      return sb.toString();
    }
  }
}
