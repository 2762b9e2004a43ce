package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resvc.cli.render.HtmlReport;
import dev.resvc.compiler.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The address-map report in a real browser: headless Chromium (Debian's {@code chromium} package;
 * {@code bin/install-test-deps} installs it) loads the page from a file, runs its script, and prints
 * the DOM it built. The page records any uncaught error or {@code console.error} in {@code
 * data-errors} on its root, and Chromium's log (stderr) is searched too. Pages and screenshots stay in
 * {@code target/html-report/} for review (CI keeps them).
 */
class HtmlReportBrowserTest {
  private static final Path OUT = Path.of("target/html-report").toAbsolutePath();
  private static final long TIMEOUT_SECONDS = 120;
  private static final String MECHREVO = HtmlReportTest.ROOT.resolve("examples/hosts/mechrevo-wujie14").toString();
  private static final String KERNEL_AMD = HtmlReportTest.ROOT.resolve("examples/policies/kernel-amd.resv").toString();
  private static final Pattern SVG = Pattern.compile("<svg class=\"map\"[^>]*data-group=\"(\\d+)\"[^>]*>(.*?)</svg>",
      Pattern.DOTALL);

  private static Path chromium;

  @TempDir Path tmp;

  @BeforeAll
  static void findChromium() throws IOException {
    chromium = onPath("chromium").or(() -> onPath("chromium-browser")).orElse(null);
    assertWithMessage("Chromium is not installed: the address-map report is tested in it. Run bin/install-test-deps"
        + " (as root, on Debian or Ubuntu: apt-get install chromium)").that(chromium).isNotNull();
    Files.createDirectories(OUT);
  }

  private static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** What Chromium printed: the DOM after the page's script ran (or a screenshot's note), and its log. */
  private record Run(String out, String log) {
    /** The root element's data-errors: what the page's own error capture saw; empty when it saw nothing. */
    String pageErrors() {
      Matcher m = Pattern.compile("<html[^>]* data-errors=\"([^\"]*)\"").matcher(out);
      assertWithMessage("no data-errors on <html>: the page's script did not start\n%s", out).that(m.find()).isTrue();
      return m.group(1);
    }

    /** The drawn maps, by group id: each map's opening tag attributes and its content. */
    Map<String, String[]> maps() {
      Map<String, String[]> maps = new HashMap<>();
      Matcher m = SVG.matcher(out);
      while (m.find()) {
        assertWithMessage("group %s drawn twice", m.group(1)).that(maps.containsKey(m.group(1))).isFalse();
        maps.put(m.group(1), new String[] {m.group(0).substring(0, m.group(0).indexOf('>') + 1), m.group(2)});
      }
      return maps;
    }
  }

  private static Run chromium(String url, String... flags) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(OUT, "profile");
    Path log = OUT.resolve(profile.getFileName() + ".log");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--window-size=1366,900",
        "--user-data-dir=" + profile));
    command.addAll(List.of(flags));
    command.add(url);
    Path out = OUT.resolve(profile.getFileName() + ".out");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("Chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    Run run = new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(log, StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(profile)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    Files.delete(out);
    Files.delete(log);
    assertWithMessage("Chromium exit status, log:\n%s", run.log()).that(p.exitValue()).isEqualTo(0);
    return run;
  }

  private static Run dumpDom(Path page, String fragment) throws IOException, InterruptedException {
    Run run = chromium(page.toUri() + fragment, "--dump-dom");
    assertWithMessage("errors in the page").that(run.pageErrors()).isEmpty();
    assertWithMessage("Chromium's log").that(run.log()).doesNotContainMatch("Uncaught|Refused to|Content Security Policy");
    return run;
  }

  private static Path write(String name, String page) throws IOException {
    Path file = OUT.resolve(name + ".html");
    Files.writeString(file, page, StandardCharsets.UTF_8);
    return file;
  }

  /** The number of marks of one class in a map's content. */
  private static int marks(String content, String kind) {
    return content.split("class=\"mark " + kind + "\\b", -1).length - 1;
  }

  /** Renders one host's report, checks every group's map against the document, and screenshots it. */
  private static Run checkHost(String name, String... args) throws Exception {
    List<String> html = new ArrayList<>(List.of("check", "--format", "html"));
    html.addAll(List.of(args));
    CliRun run = CliRun.of(html.toArray(String[]::new));
    assertThat(run.err()).doesNotContain("error");
    Path page = write(name, run.out());
    JsonNode doc = new ObjectMapper().readTree(HtmlReportTest.embeddedJson(run.out()));

    Run dom = dumpDom(page, "");
    assertThat(dom.out()).contains("data-rendered=\"" + doc.get("groups").size() + "\"");
    Map<String, String[]> maps = dom.maps();
    assertThat(maps).hasSize(doc.get("groups").size());
    for (JsonNode g : doc.get("groups")) {
      String[] map = maps.get(g.get("id").asText());
      assertWithMessage("group %s has no map", g.get("id")).that(map).isNotNull();
      assertThat(map[0]).contains("data-view-start=\"0x0000000000000000\" data-view-end=\"0xffffffffffffffff\"");
      String content = map[1];
      assertWithMessage("group %s regions", g.get("id")).that(marks(content, "mark-region"))
          .isEqualTo(g.get("effective_regions").size());
      assertThat(marks(content, "mark-guest")).isEqualTo(doc.get("guest_ranges").size());
      assertThat(marks(content, "mark-iova")).isEqualTo(g.get("valid_iova").size());
      int placed = 0;
      for (JsonNode f : g.get("findings")) {
        placed += f.get("region").isNull() && f.get("overlap").isNull() ? 0 : 1;
      }
      assertThat(marks(content, "mark-finding")).isEqualTo(placed);
    }

    Path png = OUT.resolve(name + ".png");
    Files.deleteIfExists(png);
    chromium(page.toUri().toString(), "--screenshot=" + png);
    byte[] bytes = Files.readAllBytes(png);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    assertThat(ByteBuffer.wrap(bytes, 16, 8).getInt()).isEqualTo(1366); // IHDR width
    return dom;
  }

  @Test
  void theIntelServersReportDrawsEveryGroupAndItsRefusals() throws Exception {
    Run dom = checkHost("hp-proliant-dl360-g7", "--policy", HtmlReportTest.KERNEL_INTEL, "--host", HtmlReportTest.DL360);
    // Group 5's two RMRRs: one direct, one kept twice (direct and direct-relaxable) in a second lane.
    String group5 = dom.maps().get("5")[1];
    assertThat(group5).contains("class=\"mark mark-region t-direct\"");
    assertThat(group5).contains("class=\"mark mark-region t-direct-relaxable\"");
    assertThat(group5).contains("data-start=\"0x00000000df61e000\" data-end=\"0x00000000df61ffff\"");
    assertThat(dom.out()).contains("VFIO_GROUP_SET_CONTAINER");
  }

  @Test
  void theAmdLaptopsFourKibRegionsAreMarksAtFullZoomOut() throws Exception {
    Run dom = checkHost("mechrevo-wujie14", "--policy", KERNEL_AMD, "--host", MECHREVO, "--guest", "q35,ram=8G");
    // The IVMD page at 0x9618e000 is 2^-52 of the line: the overview scale still gives it width.
    Matcher page = Pattern.compile("<rect class=\"mark mark-region t-direct\" x=\"([0-9.]+)\" y=\"[0-9.]+\" "
        + "width=\"([0-9.]+)\"[^>]*data-start=\"0x000000009618e000\"").matcher(dom.maps().get("0")[1]);
    assertThat(page.find()).isTrue();
    assertThat(Double.parseDouble(page.group(2))).isAtLeast(8.0);
  }

  @Test
  void aDeepLinkOpensOneGroupZoomedToTheRange() throws Exception {
    CliRun run = CliRun.of("check", "--format", "html", "--policy", HtmlReportTest.KERNEL_INTEL, "--host",
        HtmlReportTest.DL360);
    Path page = write("deep-link", run.out());
    Run dom = dumpDom(page, "#group=5&range=0xdf61e000-0xdf61ffff");
    Map<String, String[]> maps = dom.maps();
    assertThat(maps.get("5")[0]).contains("data-view-start=\"0x00000000df61e000\" data-view-end=\"0x00000000df61ffff\"");
    assertThat(maps.get("9")[0]).contains("data-view-start=\"0x0000000000000000\" data-view-end=\"0xffffffffffffffff\"");
    // The deepest zoom is one page; a link that asks for less shows the page around it.
    Run page4k = dumpDom(page, "#group=9&range=0x123456-0x123456");
    assertThat(page4k.maps().get("9")[0])
        .contains("data-view-start=\"0x0000000000123000\" data-view-end=\"0x0000000000123fff\"");
    Run bad = dumpDom(page, "#group=99&range=0x1-0x0");
    assertThat(bad.out()).contains("link: this report has no group 99");
    chromium(page.toUri() + "#group=5&range=0xdf600000-0xdf7fffff", "--screenshot=" + OUT.resolve("deep-link.png"));
  }

  /**
   * Drives group 5's map as a user would (its buttons, keys, the wheel, a click on a region, a drag, the
   * linear box) from a script the test adds after the page's own, allowed by its hash in the CSP; each
   * step leaves the view it produced in a data-step-* attribute of the root.
   */
  private static final String USER = """
      (() => {
        const svg = document.querySelector('svg.map[data-group="5"]');
        const toolbar = svg.closest('section').querySelector('.toolbar');
        const step = (name, action) => {
          action();
          document.documentElement.setAttribute('data-step-' + name,
              svg.dataset.viewStart + '-' + svg.dataset.viewEnd + ' ' + svg.dataset.scale);
        };
        const box = () => svg.getBoundingClientRect();
        const pointer = (type, target, x) => target.dispatchEvent(new PointerEvent(type,
            { bubbles: true, button: 0, pointerId: 1, isPrimary: true, clientX: x, clientY: box().top + 60 }));
        const key = (k) => svg.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
        const wheel = (ctrlKey) => svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, ctrlKey, bubbles: true,
            cancelable: true, clientX: box().left + box().width / 2, clientY: box().top + 60 }));
        step('plus', () => toolbar.querySelector('button[title^="zoom in"]').click());
        step('minus', () => toolbar.querySelector('button[title^="zoom out"]').click());
        step('key-plus', () => key('+'));
        step('key-right', () => key('ArrowRight'));
        step('key-whole', () => key('0'));
        step('wheel-unfocused', () => wheel(false));
        step('wheel-ctrl', () => wheel(true));
        step('whole', () => toolbar.querySelector('button[title^="the whole"]').click());
        const rmrr = svg.querySelector('.mark-region[data-start="0x00000000df61e000"]');
        const x = rmrr.getBoundingClientRect().left + 1;
        step('click-region', () => { pointer('pointerdown', rmrr, x); pointer('pointerup', rmrr, x); });
        step('drag', () => { pointer('pointerdown', svg, 600); pointer('pointermove', svg, 500);
            pointer('pointerup', svg, 500); });
        step('linear', () => toolbar.querySelector('input[type=checkbox]').click());
      })();""";

  private static String step(Run run, String name) {
    Matcher m = Pattern.compile(" data-step-" + name + "=\"(0x[0-9a-f]{16})-(0x[0-9a-f]{16}) (\\w+)\"").matcher(run.out());
    assertWithMessage("step %s", name).that(m.find()).isTrue();
    return m.group(1) + "-" + m.group(2) + " " + m.group(3);
  }

  @Test
  void theMapZoomsAndPansWithButtonsKeysWheelClickAndDrag() throws Exception {
    String page = CliRun.of("check", "--format", "html", "--policy", HtmlReportTest.KERNEL_INTEL, "--host",
        HtmlReportTest.DL360).out();
    String hash = Base64.getEncoder().encodeToString(
        MessageDigest.getInstance("SHA-256").digest(USER.getBytes(StandardCharsets.UTF_8)));
    page = page.replace("script-src '", "script-src 'sha256-" + hash + "' '")
        .replace("</body>", "<script>" + USER + "</script>\n</body>");
    Run run = dumpDom(write("interactions", page), "");
    String whole = "0x0000000000000000-0xffffffffffffffff overview";
    String plus = step(run, "plus");
    assertThat(plus).isNotEqualTo(whole);
    assertThat(step(run, "minus")).isEqualTo(whole);
    assertThat(step(run, "key-plus")).isEqualTo(plus);
    assertThat(step(run, "key-right").compareTo(plus)).isGreaterThan(0); // a later start
    assertThat(step(run, "key-whole")).isEqualTo(whole);
    assertThat(step(run, "wheel-unfocused")).isEqualTo(whole); // the wheel scrolls the page then
    assertThat(step(run, "wheel-ctrl")).isNotEqualTo(whole);
    assertThat(step(run, "whole")).isEqualTo(whole);
    // A click on the RMRR shows it with an eighth of its drawn width each side: inside its neighbours,
    // the pieces [0xc0000000, 0xdf61e000) and [0xdf620000, 0xdf7df000) (fixed-width hex compares as numbers).
    String region = step(run, "click-region");
    String start = region.substring(0, 18);
    String end = region.substring(19, 37);
    assertThat(start).isGreaterThan("0x00000000c0000000");
    assertThat(start).isLessThan("0x00000000df61e000");
    assertThat(end).isGreaterThan("0x00000000df61ffff");
    assertThat(end).isLessThan("0x00000000df7df000");
    String dragged = step(run, "drag"); // dragged left: the view moves to higher addresses
    assertThat(dragged.compareTo(region)).isGreaterThan(0);
    assertThat(step(run, "linear")).isEqualTo(dragged.replace("overview", "linear"));
  }

  @Test
  void aHostileMessageIsShownAsTextAndRunsNothing() throws Exception {
    Path policy = HtmlReportTest.hostilePolicy(tmp);
    CliRun run = CliRun.of("check", "--format", "html", "--policy", policy.toString(), "--host", HtmlReportTest.DL360);
    Run dom = dumpDom(write("hostile", run.out()), "");
    assertThat(dom.out()).contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(dom.out().split("<script", -1)).hasLength(3);
  }

  @Test
  void thePageReportsItsOwnErrors() throws Exception {
    // A document without groups: the script fails, and the page says so where the tests look.
    Path page = write("broken", HtmlReport.page(Json.object().put("kind", "check")));
    Run run = chromium(page.toUri().toString(), "--dump-dom");
    assertThat(run.pageErrors()).contains("TypeError");
    assertThat(run.log()).contains("Uncaught TypeError");
  }
}
