package dev.resvc.cli;

import dev.resvc.compiler.analysis.Linter;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code resvc lint --format sarif}: one SARIF 2.1.0 log that code scanning (GitHub's among others)
 * accepts. Compile errors and the analyser's findings are both results, each with its rule in {@code
 * tool.driver.rules} (from {@link Code}); a diagnostic's notes are related locations, and
 * files under the base directory are URIs relative to {@code %SRCROOT%}, which is how code scanning
 * finds them in the repository.
 *
 * <p>No {@code helpUri} and no {@code informationUri}: resvc has no public web site, and a relative
 * or made-up URI is worse than none. Each rule carries its description and {@code help.text} instead.
 *
 * @param base the directory {@code %SRCROOT%} stands for; absolute and normalized
 */
record SarifReport(Path base) {
  /** The published OASIS schema of SARIF 2.1.0 (with errata 01), which {@code $schema} names. */
  static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  /** The base id code scanning resolves against the repository's root. */
  static final String SRCROOT = "%SRCROOT%";

  SarifReport {
    base = base.toAbsolutePath().normalize();
  }

  /** The log: compile diagnostics first (they stop a file before the analyser sees it), then findings. */
  Json.Obj log(List<Diagnostic> compile, List<Linter.Finding> findings) {
    List<Diagnostic> all = new ArrayList<>(compile);
    findings.forEach(f -> all.add(f.diagnostic()));
    Map<Code, Integer> ruleIndex = new EnumMap<>(Code.class);
    Json.Arr rules = Json.array();
    for (Code code : Code.values()) {
      if (all.stream().anyMatch(d -> d.code() == code)) {
        ruleIndex.put(code, ruleIndex.size());
        rules.add(rule(code));
      }
    }
    Json.Arr results = Json.array();
    for (Diagnostic d : compile) {
      results.add(result(d, ruleIndex));
    }
    for (Linter.Finding f : findings) {
      Json.Obj props = Json.object().put("section", f.section().word());
      f.witness().ifPresent(w -> props.put("witness", LintCommand.witness(w)));
      results.add(result(f.diagnostic(), ruleIndex).put("properties", props));
    }
    Json.Obj driver = Json.object()
        .put("name", "resvc")
        .put("version", PolicyGenerator.version())
        .put("rules", rules);
    return Json.object()
        .put("$schema", SCHEMA)
        .put("version", "2.1.0")
        .put("runs", Json.array().add(Json.object()
            .put("tool", Json.object().put("driver", driver))
            .put("originalUriBaseIds", Json.object().put(SRCROOT, Json.object().put("uri", directoryUri(base))))
            // The lexer counts columns in code points, not in UTF-16 units as SARIF would assume.
            .put("columnKind", "unicodeCodePoints")
            .put("results", results)));
  }

  private static Json.Obj rule(Code code) {
    return Json.object()
        .put("id", code.id())
        .put("name", code.ruleName())
        .put("shortDescription", Json.object().put("text", code.summary()))
        .put("help", Json.object().put("text", code.summary() + ". resvc's docs/diagnostics.md explains "
            + code.id() + " with examples and how to fix it."))
        .put("defaultConfiguration", Json.object().put("level", level(code.severity())));
  }

  private Json.Obj result(Diagnostic d, Map<Code, Integer> ruleIndex) {
    Json.Obj result = Json.object()
        .put("ruleId", d.code().id())
        .put("ruleIndex", ruleIndex.get(d.code()))
        .put("level", level(d.severity()))
        .put("message", Json.object().put("text", d.message()))
        .put("locations", Json.array().add(Json.object().put("physicalLocation", physical(d.span()))));
    if (!d.notes().isEmpty()) {
      Json.Arr related = Json.array();
      for (int i = 0; i < d.notes().size(); i++) {
        Diagnostic.Note n = d.notes().get(i);
        // A note without a place of its own is about the diagnostic's place: code scanning shows
        // only related locations that have a physical location.
        related.add(Json.object()
            .put("id", i + 1)
            .put("physicalLocation", physical(n.span().orElse(d.span())))
            .put("message", Json.object().put("text", n.message())));
      }
      result.put("relatedLocations", related);
    }
    return result;
  }

  static String level(Diagnostic.Severity severity) {
    return switch (severity) {
      case ERROR -> "error";
      case WARNING -> "warning";
      case INFO -> "note";
    };
  }

  /** A span as a region: 1-based, one line, {@code endColumn} just past the last character. */
  private Json.Obj physical(Span s) {
    Json.Obj region = Json.object()
        .put("startLine", s.line())
        .put("startColumn", s.column())
        .put("endLine", s.line())
        .put("endColumn", s.column() + Math.max(1, s.length()));
    return Json.object().put("artifactLocation", artifact(s.file())).put("region", region);
  }

  /**
   * A file under the base as a URI relative to {@code %SRCROOT%}; any other as an absolute {@code
   * file:} URI. Spans name files as the user did, relative to the working directory or absolute.
   */
  Json.Obj artifact(String file) {
    Optional<Path> path = path(file);
    if (path.isEmpty()) {
      return Json.object().put("uri", relativeUri(List.of(file)));
    }
    Path p = path.get();
    if (p.startsWith(base) && !p.equals(base)) {
      List<String> names = new ArrayList<>();
      base.relativize(p).forEach(n -> names.add(n.toString()));
      return Json.object().put("uri", relativeUri(names)).put("uriBaseId", SRCROOT);
    }
    return Json.object().put("uri", p.toUri().toString());
  }

  private static Optional<Path> path(String file) {
    try {
      return Optional.of(Path.of(file).toAbsolutePath().normalize());
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** Path segments as a relative URI reference, each percent-encoded where a URI needs it. */
  private static String relativeUri(List<String> segments) {
    try {
      String joined = String.join("/", segments);
      // A first segment with a colon would read as a scheme.
      String safe = segments.get(0).contains(":") ? "./" + joined : joined;
      return new URI(null, null, safe, null).toASCIIString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot encode " + segments + " as a URI", e);
    }
  }

  private static String directoryUri(Path dir) {
    String uri = dir.toUri().toASCIIString();
    return uri.endsWith("/") ? uri : uri + "/";
  }
}
