package dev.resvc.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code .resv} files a goal works on: those under {@code directory} that match an include pattern
 * and no exclude pattern (Ant style, relative to the directory, as Maven's resources and compiler
 * plugins take them). The {@code compile} and {@code test} goals select files the same way through
 * here.
 * Which of them are policies, and which serve only as imports, the compiler's {@code PolicyBuild}
 * decides.
 */
public record PolicySources(Path directory, List<String> includes, List<String> excludes) {
  /** The default of {@code includes}: every {@code .resv} file at any depth. */
  public static final String DEFAULT_INCLUDE = "**/*.resv";

  public PolicySources {
    Objects.requireNonNull(directory, "directory");
    includes = includes == null || includes.isEmpty() ? List.of(DEFAULT_INCLUDE) : List.copyOf(includes);
    excludes = excludes == null ? List.of() : List.copyOf(excludes);
  }

  /** The selected files in name order; none when the directory does not exist. */
  public List<Path> files() throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Pattern> in = includes.stream().map(PolicySources::antPattern).toList();
    List<Pattern> out = excludes.stream().map(PolicySources::antPattern).toList();
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> {
            String rel = directory.relativize(p).toString().replace('\\', '/');
            return in.stream().anyMatch(pt -> pt.matcher(rel).matches())
                && out.stream().noneMatch(pt -> pt.matcher(rel).matches());
          })
          .sorted()
          .toList();
    }
  }

  /**
   * An Ant/Maven pattern as a regex: {@code **}{@code /} is any number of directories, {@code *} and
   * {@code ?} stay within one; a pattern ending in {@code /} means everything below it, as in Ant.
   */
  static Pattern antPattern(String pattern) {
    String p = pattern.replace('\\', '/');
    if (p.endsWith("/")) {
      p += "**";
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < p.length(); i++) {
      char ch = p.charAt(i);
      if (p.startsWith("**/", i)) {
        re.append("(?:.*/)?");
        i += 2;
      } else if (p.startsWith("**", i)) {
        re.append(".*");
        i += 1;
      } else if (ch == '*') {
        re.append("[^/]*");
      } else if (ch == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
