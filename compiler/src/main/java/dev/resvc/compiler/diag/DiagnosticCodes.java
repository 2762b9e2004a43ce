package dev.resvc.compiler.diag;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The table of every diagnostic code: its default severity, a name and a one-line description, for
 * tools that want rules rather than messages (SARIF's {@code tool.driver.rules}). The table is the
 * resource {@code codes.tsv}, kept out of the Java sources so that a code named there is not mistaken
 * for one the compiler emits; docs/diagnostics.md explains each code at length.
 */
public final class DiagnosticCodes {
  /** One code of the table. */
  public record Code(String id, Diagnostic.Severity severity, String name, String summary) {
    public Code {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(summary, "summary");
    }
  }

  private static final Map<String, Code> ALL = load();

  private DiagnosticCodes() {}

  /** Every code, in the table's order (front end, checker, analyser). */
  public static Map<String, Code> all() {
    return ALL;
  }

  public static Optional<Code> of(String id) {
    return Optional.ofNullable(ALL.get(id));
  }

  private static Map<String, Code> load() {
    Map<String, Code> codes = new LinkedHashMap<>();
    try (InputStream in = DiagnosticCodes.class.getResourceAsStream("codes.tsv")) {
      if (in == null) {
        throw new IllegalStateException("codes.tsv is missing from the classpath");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
          throw new IllegalStateException("codes.tsv: not 4 tab-separated fields: " + line);
        }
        Code c = new Code(f[0], severity(f[1]), f[2], f[3]);
        if (codes.put(c.id(), c) != null) {
          throw new IllegalStateException("codes.tsv: " + c.id() + " appears twice");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableMap(codes);
  }

  /** The table spells severities as diagnostics print them ({@code note} for INFO). */
  private static Diagnostic.Severity severity(String word) {
    return switch (word) {
      case "error" -> Diagnostic.Severity.ERROR;
      case "warning" -> Diagnostic.Severity.WARNING;
      case "note" -> Diagnostic.Severity.INFO;
      default -> throw new IllegalStateException("codes.tsv: unknown severity " + word);
    };
  }
}
