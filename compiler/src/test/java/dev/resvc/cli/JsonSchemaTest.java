package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.resvc.runtime.guest.GuestPresets;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Option;

/**
 * Every command's {@code --format json} output, run on the shipped examples, against its schema in
 * {@code docs/schemas}: the schemas forbid keys they do not name, so a command that adds an undocumented
 * key fails here. Also the contract itself: snake_case keys, {@code schema_version}, and exactly one
 * document on stdout, the error document when the command fails.
 */
class JsonSchemaTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCHEMAS = ROOT.resolve("docs/schemas");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<JsonDocument, JsonSchema> SCHEMA = new EnumMap<>(JsonDocument.class);

  @BeforeAll
  static void loadSchemas() throws IOException {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    for (JsonDocument kind : JsonDocument.values()) {
      Path file = SCHEMAS.resolve(kind + ".schema.json");
      assertWithMessage("a schema for every document").that(Files.isRegularFile(file)).isTrue();
      try (InputStream in = Files.newInputStream(file)) {
        SCHEMA.put(kind, factory.getSchema(in));
      }
    }
  }

  private static List<Path> hosts() throws IOException {
    try (Stream<Path> s = Files.list(ROOT.resolve("examples/hosts"))) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static List<Path> policies() throws IOException {
    try (Stream<Path> s = Files.list(ROOT.resolve("examples/policies"))) {
      return s.filter(p -> p.toString().endsWith(".resv")).sorted().toList();
    }
  }

  /** {@code examples/regions/two-devices.txt} and every shipped host's {@code reserved_regions}. */
  private static List<Path> regionLists() throws IOException {
    List<Path> lists = new ArrayList<>(List.of(ROOT.resolve("examples/regions/two-devices.txt")));
    for (Path host : hosts()) {
      Path groups = host.resolve("kernel/iommu_groups");
      if (Files.isDirectory(groups)) {
        try (Stream<Path> s = Files.list(groups)) {
          s.map(g -> g.resolve("reserved_regions")).filter(Files::isRegularFile).sorted().forEach(lists::add);
        }
      }
    }
    return lists;
  }

  /** The text output's lines, for comparing with what the document says. */
  private static List<String> lines(String out) {
    return out.lines().toList();
  }

  private static List<String> field(JsonNode array, String key) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.get(key).asText()));
    return values;
  }

  /** Runs {@code args}, checks its stdout is one valid document of {@code kind}, and returns it. */
  private static JsonNode valid(JsonDocument kind, int exitCode, String... args) throws IOException {
    CliRun run = CliRun.of(args);
    assertWithMessage("exit code of %s; stderr %s", List.of(args), run.err()).that(run.exitCode()).isEqualTo(exitCode);
    return validate(kind, run.out(), List.of(args).toString());
  }

  /** As {@link #valid}, for {@code check}, whose exit code the document's {@code assignable} decides. */
  private static JsonNode validCheck(String... args) throws IOException {
    CliRun run = CliRun.of(args);
    JsonNode doc = validate(JsonDocument.check, run.out(), List.of(args).toString());
    assertWithMessage("exit code of %s; stderr %s", List.of(args), run.err()).that(run.exitCode())
        .isEqualTo(doc.get("assignable").asBoolean() ? Main.OK : Main.FINDING);
    return doc;
  }

  /**
   * As {@link #valid}, for {@code explain} {@code args} (without {@code --format}), whose exit code, 1 when
   * a group explained is not assignable, must be the same as the text's.
   */
  private static JsonNode validExplain(List<String> args) throws IOException {
    List<String> json = new ArrayList<>(args);
    json.addAll(1, List.of("--format", "json"));
    return valid(JsonDocument.explain, CliRun.of(args.toArray(String[]::new)).exitCode(), json.toArray(String[]::new));
  }

  private static JsonNode validate(JsonDocument kind, String out, String what) throws IOException {
    JsonNode doc = MAPPER.readTree(out); // one document: trailing content would fail to parse
    assertWithMessage("%s: %s", what, out).that(MAPPER.readerFor(JsonNode.class).readValues(out).readAll())
        .hasSize(1);
    Set<ValidationMessage> errors = SCHEMA.get(kind).validate(doc);
    assertWithMessage("%s against %s.schema.json", what, kind).that(errors).isEmpty();
    assertThat(doc.get("schema_version").asInt()).isEqualTo(JsonDocument.SCHEMA_VERSION);
    assertThat(doc.get("kind").asText()).isEqualTo(kind.name());
    assertSnakeCase(doc, what);
    return doc;
  }

  private static void assertSnakeCase(JsonNode node, String what) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertWithMessage("%s: key", what).that(e.getKey()).matches("[a-z][a-z0-9]*(_[a-z0-9]+)*");
        assertSnakeCase(e.getValue(), what);
      }
    } else if (node.isArray()) {
      node.forEach(n -> assertSnakeCase(n, what));
    }
  }

  /**
   * {@code check} for other kernels and iommufd on every shipped host: the documents stay valid, name
   * the kernel, and a step the kernel fails carries its stage, call, errno and log (docs/kernel-eras.md).
   */
  @Test
  void checkForEveryEraAndBackendOnEveryShippedHost() throws IOException {
    int steps = 0;
    for (Path host : hosts()) {
      for (List<String> kernel : List.of(List.of("--kernel", "4.19"), List.of("--kernel", "5.14"),
          List.of("--kernel", "6.5", "--backend", "iommufd"), List.of("--kernel", "6.8.0-45-generic", "--backend", "iommufd"))) {
        List<String> args = new ArrayList<>(List.of("check", "--format", "json", "--policy", policies().get(0).toString(),
            "--host", host.toString()));
        args.addAll(kernel);
        JsonNode check = validCheck(args.toArray(String[]::new));
        assertThat(check.get("kernel").get("release").asText()).isEqualTo(kernel.get(1));
        assertThat(check.get("kernel").get("backend").asText())
            .isEqualTo(kernel.size() > 2 ? "iommufd" : "vfio-type1");
        for (JsonNode group : check.get("groups")) {
          assertThat(group.get("ioas_iova_ranges").isNull()).isEqualTo(kernel.size() == 2);
          for (JsonNode finding : group.get("findings")) {
            boolean kernelStep = finding.get("file").asText().equals("<kernel>");
            assertThat(finding.get("stage").isNull()).isEqualTo(!kernelStep);
            assertThat(finding.get("errno").isNull()).isEqualTo(!kernelStep);
            steps += kernelStep ? 1 : 0;
          }
        }
      }
    }
    assertThat(steps).isAtLeast(10);
  }

  /**
   * {@code check --domain}: the document carries the {@code vm} object, and its {@code assignable} is
   * whether the VM would start; a device that fails names the group and the member that blocks it.
   */
  @Test
  void checkOfADomainCarriesTheVm() throws IOException {
    String policy = ROOT.resolve("examples/policies/kernel-intel.resv").toString();
    JsonNode raid = validCheck("check", "--format", "json", "--policy", policy, "--host",
        ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString(), "--domain",
        ROOT.resolve("examples/domains/dl360-raid.xml").toString());
    assertThat(raid.get("assignable").asBoolean()).isFalse();
    JsonNode vm = raid.get("vm");
    assertThat(vm.get("would_start").asBoolean()).isFalse();
    assertThat(vm.get("machine").asText()).isEqualTo("pc-q35-8.2");
    assertThat(vm.get("ram_size").asText()).isEqualTo("0x0000000400000000");
    JsonNode raidDev = vm.get("hostdevs").get(0);
    assertThat(raidDev.get("address").asText()).isEqualTo("0000:03:00.0");
    assertThat(raidDev.get("group").asInt()).isEqualTo(10);
    assertThat(raidDev.get("line").asInt()).isEqualTo(17);
    assertThat(raidDev.get("verdict").asText()).isEqualTo("not_assignable");
    assertThat(texts(raidDev.get("blocked_by"))).containsExactly("0000:03:00.0");
    assertThat(raid.get("groups").size()).isEqualTo(1);

    JsonNode usb = validCheck("check", "--format", "json", "--policy", policy, "--host",
        ROOT.resolve("examples/hosts/asus-prime-z270-a").toString(), "--domain",
        ROOT.resolve("examples/domains/z270-usb.xml").toString());
    assertThat(usb.get("vm").get("would_start").asBoolean()).isTrue();
    assertThat(usb.get("vm").get("hostdevs").get(0).get("verdict").asText()).isEqualTo("assignable");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void hostCheckExplainOnEveryShippedHost() throws IOException {
    for (Path host : hosts()) {
      JsonNode h = valid(JsonDocument.host, 0, "host", "--format", "json", host.toString());
      for (Path policy : policies()) {
        JsonNode check = validCheck("check", "--engine", "interpreted", "--format", "json", "--policy",
            policy.toString(), "--host", host.toString());
        assertThat(check.get("groups").size()).isEqualTo(h.get("groups").size());
      }
      boolean byAddress = false;
      for (JsonNode group : h.get("groups")) {
        for (JsonNode member : group.get("members")) {
          if (member.get("regions").isEmpty()) {
            continue;
          }
          String device = member.get("device").asText();
          List<String> byDevice = List.of("explain", "--policy", policies().get(0).toString(), "--host",
              host.toString(), "--device", device);
          JsonNode e = validExplain(byDevice);
          assertThat(e.get("explanations").get(0).get("device").asText()).isEqualTo(device);
          assertThat(CliRun.of(byDevice.toArray(String[]::new)).exitCode())
              .isEqualTo(e.get("groups").get(0).get("assignable").asBoolean() ? Main.OK : Main.FINDING);
          if (!byAddress) {
            byAddress = true;
            String start = member.get("regions").get(0).get("start").asText();
            validExplain(List.of("explain", "--policy", policies().get(0).toString(), "--host", host.toString(),
                "--region", start));
          }
          break; // one device per group
        }
      }
    }
  }

  @Test
  void lintTestAndDiffOnTheShippedPolicies() throws IOException {
    List<String> lint = new ArrayList<>(List.of("lint", "--format", "json"));
    policies().forEach(p -> lint.add(p.toString()));
    JsonNode l = valid(JsonDocument.lint, 0, lint.toArray(String[]::new));
    assertThat(l.get("count").asInt()).isEqualTo(l.get("findings").size());
    for (Path policy : policies()) {
      JsonNode t = valid(JsonDocument.test, 0, "test", "--engine", "interpreted", "--format", "json", policy.toString());
      assertThat(t.get("failed").asInt()).isEqualTo(0);
    }
    List<Path> p = policies();
    for (int i = 0; i + 1 < p.size(); i++) {
      CliRun text = CliRun.of("diff", p.get(i).toString(), p.get(i + 1).toString());
      JsonNode d = valid(JsonDocument.diff, text.exitCode(), "diff", "--format", "json", "--hosts",
          hosts().get(0).toString(), "--", p.get(i).toString(), p.get(i + 1).toString());
      assertThat(d.get("equivalent").asBoolean()).isEqualTo(text.out().startsWith("equivalent"));
    }
    valid(JsonDocument.diff, 0, "diff", "--format", "json", p.get(0).toString(), p.get(0).toString());
  }

  @Test
  void aFailingPolicyTestIsInTheDocument() throws IOException {
    Path policy = Files.createTempFile("failing", ".resv");
    Files.writeString(policy, Files.readString(ROOT.resolve("examples/policies/cloud-strict.resv"))
        .replace("\"../guests/", "\"" + ROOT.resolve("examples/guests") + "/")
        .replace("expect 00:14.0 region 0xbb400000 type direct-relaxable;", "expect 00:14.0 region 0xbb400000 type direct;"));
    try {
      JsonNode t = valid(JsonDocument.test, 1, "test", "--engine", "interpreted", "--format", "json", policy.toString());
      assertThat(t.get("failed").asInt()).isGreaterThan(0);
      assertThat(t.toString()).contains("\"failures\":[{");
    } finally {
      Files.delete(policy);
    }
  }

  /** A lint witness may be a member that is not PCI (a rule on device.kind), which the schema names. */
  @Test
  void aLintWitnessThatIsNotPciIsInTheSchema(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Path policy = tmp.resolve("members.resv");
    Files.writeString(policy, """
        policy t.Members;
        classify {
          rule mc: when device.kind == fsl-mc => drop;
          rule root: when device.name == "dprc.1" => keep;
          default => keep;
        }
        """);
    JsonNode doc = valid(JsonDocument.lint, 0, "lint", "--format", "json", policy.toString());
    assertThat(doc.toString()).contains("\"device\":{\"name\":\"dprc.1\",\"bus\":\"fsl-mc\"");
  }

  /** An IORT below revision 5 keeps its RMR node as {@code rmr-ignored}, which the schema names. */
  @Test
  void anIgnoredRmrNodeIsInTheSchema(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    byte[] t = IvrsIortCommandTest.orionIort();
    IvrsIortCommandTest.putU32(t, 0x9e0 + 24, 0x200); // an old layout: descriptors past the node
    t[8] = 4; // table revision
    Path table = tmp.resolve("IORT");
    Files.write(table, IvrsIortCommandTest.fixChecksum(t));
    JsonNode doc = valid(JsonDocument.iort, 0, "iort", "--format", "json", table.toString());
    assertThat(doc.toString()).contains("\"kind\":\"rmr-ignored\"");
  }

  @Test
  void everyShippedAcpiTable() throws IOException {
    int tables = 0;
    for (Path host : hosts()) {
      Path dir = host.resolve("firmware/acpi/tables");
      for (JsonDocument kind : List.of(JsonDocument.dmar, JsonDocument.ivrs, JsonDocument.iort)) {
        Path table = dir.resolve(kind.name().toUpperCase(java.util.Locale.ROOT));
        if (Files.exists(table)) {
          valid(kind, 0, kind.name(), "--format", "json", table.toString());
          tables++;
        }
      }
    }
    assertThat(tables).isAtLeast(3);
  }

  @Test
  void regionsMergeAndIovaOnEveryShippedRegionList() throws IOException {
    List<Path> lists = regionLists();
    assertThat(lists.size()).isGreaterThan(10);
    for (Path list : lists) {
      String file = list.toString();
      CliRun merged = CliRun.of("regions", "merge", file);
      JsonNode m = valid(JsonDocument.regions, 0, "regions", "merge", "--format", "json", file);
      assertThat(m.get("file").asText()).isEqualTo(file);
      assertThat(field(m.get("reserved_regions"), "sysfs")).isEqualTo(lines(merged.out()));
      CliRun iova = CliRun.of("iova", file);
      JsonNode i = valid(JsonDocument.iova, iova.exitCode(), "iova", "--format", "json", file);
      assertThat(i.get("iova_refused").asBoolean()).isEqualTo(iova.exitCode() == Main.FINDING);
      assertThat(i.get("reserved_regions")).isEqualTo(m.get("reserved_regions"));
      List<String> ranges = new ArrayList<>();
      i.get("valid_iova").forEach(r -> ranges.add(r.get("start").asText() + " " + r.get("end").asText()));
      assertThat(ranges).isEqualTo(lines(iova.out()));
    }
  }

  @Test
  void iovaRefusedIsADocumentWithExitOne() throws IOException {
    String file = ROOT.resolve("examples/regions/two-devices.txt").toString();
    JsonNode i = valid(JsonDocument.iova, Main.FINDING, "iova", "--format", "json", "--aperture",
        "0xfee00000-0xfeefffff", file);
    assertThat(i.get("iova_refused").asBoolean()).isTrue();
    assertThat(i.get("valid_iova").size()).isEqualTo(0);
    assertThat(i.get("aperture").get("start").asText()).isEqualTo("0x00000000fee00000");
    assertThat(i.get("aperture").get("end").asText()).isEqualTo("0x00000000feefffff");
  }

  @Test
  void guestOnEveryPresetAndShippedLayout() throws IOException {
    List<String> specs = new ArrayList<>(GuestPresets.NAMES);
    specs.add("q35,ram=16G");
    try (Stream<Path> s = Files.list(ROOT.resolve("examples/guests"))) {
      s.filter(p -> p.toString().endsWith(".layout")).sorted().forEach(p -> specs.add(p.toString()));
    }
    assertThat(specs.size()).isGreaterThan(GuestPresets.NAMES.size() + 1);
    for (String spec : specs) {
      List<String> text = lines(CliRun.of("guest", spec).out());
      JsonNode g = valid(JsonDocument.guest, 0, "guest", "--format", "json", spec);
      assertThat("layout " + g.get("name").asText()).isEqualTo(text.get(0));
      List<String> ranges = new ArrayList<>();
      BigInteger ram = BigInteger.ZERO;
      for (JsonNode r : g.get("ranges")) {
        ranges.add(r.get("kind").asText() + " " + r.get("name").asText() + " " + r.get("start").asText() + " "
            + r.get("end").asText());
        if (r.get("kind").asText().equals("ram")) {
          ram = ram.add(new BigInteger(r.get("end").asText().substring(2), 16)
              .subtract(new BigInteger(r.get("start").asText().substring(2), 16)).add(BigInteger.ONE));
        }
      }
      List<String> textRanges = text.stream().filter(l -> !l.startsWith("layout ") && !l.startsWith("#"))
          .map(l -> String.join(" ", List.of(l.replaceAll("#.*", "").strip().split(" +")))).toList();
      assertThat(ranges).isEqualTo(textRanges);
      assertThat(g.get("ram_size").asText()).isEqualTo("0x" + ram.toString(16));
    }
  }

  @Test
  void regionsIovaAndGuestFailAsErrorDocuments() throws IOException {
    Path bad = Files.createTempFile("bad", ".txt");
    Files.writeString(bad, "0x3000 0x1000 direct\n");
    try {
      for (String[] args : List.of(
          new String[] {"regions", "merge", "--format", "json", bad.toString()},
          new String[] {"iova", "--format", "json", bad.toString()})) {
        JsonNode e = valid(JsonDocument.error, Main.BAD_INPUT, args);
        assertThat(e.get("error").get("file").asText()).isEqualTo(bad.toString());
        assertThat(e.get("error").get("line").asInt()).isEqualTo(1);
      }
    } finally {
      Files.delete(bad);
    }
    valid(JsonDocument.error, Main.BAD_INPUT, "iova", "--format", "json", "--aperture", "0x2000-0x1000",
        ROOT.resolve("examples/regions/two-devices.txt").toString());
    valid(JsonDocument.error, Main.BAD_INPUT, "guest", "--format", "json", "q35,ram=lots");
    valid(JsonDocument.error, Main.BAD_INPUT, "guest", "--format", "json", "no-such.layout");
  }

  @Test
  void failuresAreOneErrorDocumentOnStdoutAndOneLineOnStderr() throws IOException {
    Path bad = Files.createTempFile("broken", ".resv");
    Files.writeString(bad, "policy \"x\" {\n  classify { default: bogus; }\n}\n");
    String host = hosts().get(0).toString();
    try {
      JsonNode usage = valid(JsonDocument.error, 2, "check", "--format", "json", "--policy", "x.resv", "--hots", host);
      assertThat(usage.get("error").get("message").asText()).contains("--hots");
      JsonNode missing = valid(JsonDocument.error, 2, "check", "--format=json", "--policy", "no-such.resv", "--host", host);
      assertThat(missing.get("error").get("file").asText()).isEqualTo("no-such.resv");
      assertThat(missing.get("error").get("message").asText()).isEqualTo("no such file");
      JsonNode compile = valid(JsonDocument.error, 2, "check", "--format", "json", "--policy", bad.toString(), "--host", host);
      assertThat(compile.get("error").get("file").asText()).isEqualTo(bad.toString());
      assertThat(compile.get("error").get("line").asInt()).isEqualTo(1);
      assertThat(compile.get("diagnostics").size()).isGreaterThan(0);
      for (String command : List.of("lint", "test")) {
        valid(JsonDocument.error, 2, command, "--format", "json", policies().get(0).toString(), bad.toString());
      }
      valid(JsonDocument.error, 2, "diff", "--format", "json", bad.toString(), policies().get(0).toString());
      valid(JsonDocument.error, 2, "explain", "--format", "json", "--policy", policies().get(0).toString(),
          "--host", host, "--device", "7f:1f.7");
      Path table = Files.createTempFile("DMAR", ".bin");
      Files.write(table, new byte[] {'D', 'M', 'A', 'R', 0x40, 0, 0, 0});
      try {
        valid(JsonDocument.error, 2, "dmar", "--format", "json", table.toString());
      } finally {
        Files.delete(table);
      }
    } finally {
      Files.delete(bad);
    }
    CliRun text = CliRun.of("check", "--policy", "no-such.resv");
    assertThat(text.exitCode()).isEqualTo(2);
    assertThat(text.out()).isEmpty();
    assertThat(text.err().strip().lines().count()).isEqualTo(1);
  }

  /** A command that fails the way a bug does, with a {@code --format} option like every data command. */
  static final class Crash implements Callable<Integer> {
    private final Throwable failure;

    @Option(names = "--format")
    String format;

    Crash(Throwable failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() throws Exception {
      if (failure instanceof Exception e) {
        throw e;
      }
      throw (Error) failure;
    }
  }

  @Test
  void internalErrorsAndExhaustionAreErrorDocumentsToo() throws IOException {
    for (Throwable t : List.of(new IllegalStateException("bug"), new AssertionError("bug"), new StackOverflowError())) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new Crash(t), new PrintWriter(out), new PrintWriter(err), "--format", "json");
      assertThat(code).isEqualTo(t instanceof StackOverflowError ? Main.BAD_INPUT : Main.INTERNAL_ERROR);
      JsonNode doc = validate(JsonDocument.error, out.toString(), t.toString());
      assertThat(doc.get("error").get("exit_code").asInt()).isEqualTo(code);
      assertThat(err.toString().strip().lines().count()).isEqualTo(1);
    }
  }

  @Test
  void theSchemasRejectAnUndocumentedKey() throws IOException {
    Path host = hosts().get(0);
    ObjectNode doc = (ObjectNode) valid(JsonDocument.host, 0, "host", "--format", "json", host.toString());
    ((ObjectNode) doc.get("groups").get(0)).put("extra", 1);
    assertThat(SCHEMA.get(JsonDocument.host).validate(doc)).isNotEmpty();
    ObjectNode top = (ObjectNode) valid(JsonDocument.host, 0, "host", "--format", "json", host.toString());
    top.put("regionsFrom", "sysfs");
    assertThat(SCHEMA.get(JsonDocument.host).validate(top)).isNotEmpty();
  }
}
