package dev.resvc.runtime.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /proc/cmdline} as the kernel's parameter parser sees it ({@code parse_args}, {@code
 * next_arg} in kernel/params.c): words separated by blanks, double quotes grouping blanks into a
 * value, {@code --} ending the kernel's part (what follows goes to init), {@code -} and {@code _}
 * equal in parameter names ({@code parameq}), and the last occurrence of a parameter winning.
 */
record KernelCommandLine(List<String> words) {
  KernelCommandLine {
    words = List.copyOf(words);
  }

  static KernelCommandLine parse(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && Character.isWhitespace(c)) {
        if (!word.isEmpty()) {
          if (word.toString().equals("--")) {
            return new KernelCommandLine(words);
          }
          words.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (!word.isEmpty() && !word.toString().equals("--")) {
      words.add(word.toString());
    }
    return new KernelCommandLine(words);
  }

  /**
   * The value of the last {@code name=value} or bare {@code name} word: empty when absent, {@code ""}
   * for a bare word (which a bool parameter takes as true: {@code param_set_bool} reads no value as
   * "1").
   */
  Optional<String> value(String name) {
    String wanted = normalised(name);
    Optional<String> found = Optional.empty();
    for (String w : words) {
      int eq = w.indexOf('=');
      String key = eq < 0 ? w : w.substring(0, eq);
      if (normalised(key).equals(wanted)) {
        found = Optional.of(eq < 0 ? "" : w.substring(eq + 1));
      }
    }
    return found;
  }

  /**
   * The values of every {@code name=value} word, in order: a {@code __setup} handler such as {@code
   * intel_iommu=} runs once per occurrence ({@code obsolete_checksetup} in init/main.c), so all count;
   * its name is compared byte for byte ({@code strncmp}), without {@code parameq}'s dash-underscore rule.
   */
  List<String> setupValues(String name) {
    List<String> found = new ArrayList<>();
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq >= 0 && w.substring(0, eq).equals(name)) {
        found.add(w.substring(eq + 1));
      }
    }
    return found;
  }

  /** Whether the bare word {@code name} (such as {@code nointremap}) is present. */
  boolean has(String name) {
    return value(name).isPresent();
  }

  /**
   * A bool parameter's value as {@code kstrtobool} (lib/kstrtox.c) reads it: first character {@code
   * y}, {@code Y} or {@code 1} is true, {@code n}, {@code N} or {@code 0} false, {@code on}/{@code
   * off} in any case; no value is true. Anything else the kernel refuses (the parameter keeps its
   * default), so it is empty here. A patch letting {@code t}/{@code f} mean true/false was seen; whether
   * and when mainline took it is UNVERIFIED, so such a value is empty here too.
   */
  static Optional<Boolean> kernelBool(String value) {
    if (value.isEmpty()) {
      return Optional.of(true);
    }
    char c = value.charAt(0);
    if (c == 'y' || c == 'Y' || c == '1') {
      return Optional.of(true);
    }
    if (c == 'n' || c == 'N' || c == '0') {
      return Optional.of(false);
    }
    if ((c == 'o' || c == 'O') && value.length() > 1) {
      char d = Character.toLowerCase(value.charAt(1));
      if (d == 'n') {
        return Optional.of(true);
      }
      if (d == 'f') {
        return Optional.of(false);
      }
    }
    return Optional.empty();
  }

  private static String normalised(String name) {
    return name.replace('-', '_');
  }
}
