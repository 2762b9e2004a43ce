package dev.resvc.cli;

import static com.google.common.truth.Truth.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code resvc check --format html} without a browser: the page embeds exactly the {@code --format
 * json} document, safely, fetches nothing, and is the same bytes for the same input. {@link
 * HtmlReportBrowserTest} loads it in Chromium.
 */
class HtmlReportTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String DL360 = ROOT.resolve("examples/hosts/hp-proliant-dl360-g7").toString();
  static final String KERNEL_INTEL = ROOT.resolve("examples/policies/kernel-intel.resv").toString();
  /** Text that would end the JSON element and run a script, if it were not escaped. */
  static final String HOSTILE = "</script><script>alert(1)</script><!-- & \u2028\u2029 -->";

  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"check-document\">(.*?)</script>", Pattern.DOTALL);

  @TempDir Path tmp;

  static String embeddedJson(String page) {
    Matcher m = DATA.matcher(page);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** A policy whose one conflicts rule reports {@link #HOSTILE} for anything in guest RAM. */
  static Path hostilePolicy(Path dir) throws IOException {
    Path p = dir.resolve("hostile.resv");
    Files.writeString(p, """
        policy x.Hostile;
        classify { default => keep; }
        conflicts {
          rule hostile: when overlaps(guest.ram) => warn "%s";
          default => allow;
        }
        """.formatted(HOSTILE));
    return p;
  }

  @Test
  void thePageEmbedsExactlyTheJsonDocument() throws IOException {
    CliRun json = CliRun.of("check", "--format", "json", "--policy", KERNEL_INTEL, "--host", DL360);
    CliRun html = CliRun.of("check", "--format", "html", "--policy", KERNEL_INTEL, "--host", DL360);
    assertThat(html.exitCode()).isEqualTo(json.exitCode());
    assertThat(html.exitCode()).isEqualTo(Main.FINDING);
    ObjectMapper mapper = new ObjectMapper();
    JsonNode embedded = mapper.readTree(embeddedJson(html.out()));
    assertThat(embedded).isEqualTo(mapper.readTree(json.out()));
    assertThat(embedded.get("guest_ranges").size()).isEqualTo(8);
    assertThat(html.out()).startsWith("<!DOCTYPE html>");
  }

  @Test
  void sameInputSameBytes() {
    String[] args = {"check", "--format", "html", "--policy", KERNEL_INTEL, "--host", DL360, "--guest", "q35,ram=16G"};
    assertThat(CliRun.of(args).out()).isEqualTo(CliRun.of(args).out());
  }

  @Test
  void theContentSecurityPolicyForbidsEveryFetchAndEveryScriptButThePagesOwn() {
    String page = CliRun.of("check", "--format", "html", "--policy", KERNEL_INTEL, "--host", DL360).out();
    assertThat(page).containsMatch(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            + "style-src 'sha256-[A-Za-z0-9+/]+=*'; script-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; "
            + "form-action 'none'\">");
    // Nothing to load: no element that fetches, no CSS import or url(), no address but the SVG namespace.
    assertThat(page).doesNotContainMatch("<(link|img|iframe|object|embed)\\b|\\bsrc=|@import|url\\(\\s*['\"]?[a-z]+:");
    assertThat(page.replace("http://www.w3.org/2000/svg", "")).doesNotContainMatch("https?://");
  }

  @Test
  void aHostileMessageCannotLeaveTheJsonElement() throws IOException {
    Path policy = hostilePolicy(tmp);
    CliRun json = CliRun.of("check", "--format", "json", "--policy", policy.toString(), "--host", DL360);
    CliRun html = CliRun.of("check", "--format", "html", "--policy", policy.toString(), "--host", DL360);
    assertThat(json.out()).contains("</script><script>alert(1)");
    String embedded = embeddedJson(html.out());
    assertThat(embedded).doesNotContainMatch("[<>&\u2028\u2029]");
    assertThat(embedded).contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)");
    assertThat(html.out().split("<script", -1)).hasLength(3); // the data and the page's script
    ObjectMapper mapper = new ObjectMapper();
    JsonNode doc = mapper.readTree(embedded);
    assertThat(doc).isEqualTo(mapper.readTree(json.out()));
    assertThat(doc.findValuesAsText("message")).contains(HOSTILE); // group 8: its ISA range lies in RAM
  }

  @Test
  void onlyCheckRendersHtmlTheOtherCommandsSayWhatTheyPrint() {
    CliRun host = CliRun.of("host", "--format", "html", DL360);
    assertThat(host.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(host.out()).isEmpty();
    assertThat(host.err()).isEqualTo("resvc: error: Invalid value for option '--format': expected one of [text, json]"
        + " (case-sensitive) but was 'html' (see 'resvc host --help')\n");
    CliRun explain = CliRun.of("explain", "--format", "html", "--policy", KERNEL_INTEL, "--host", DL360,
        "--device", "03:00.0");
    assertThat(explain.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(explain.err()).contains("expected one of [text, json]");
    CliRun check = CliRun.of("check", "--format", "xml", "--policy", KERNEL_INTEL, "--host", DL360);
    assertThat(check.err()).contains("expected one of [text, json, html]");
  }

  @Test
  void badInputWithHtmlIsOneLineAndNoPage() {
    CliRun run = CliRun.of("check", "--format", "html", "--policy", "no-such.resv", "--host", DL360);
    assertThat(run.exitCode()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().count()).isEqualTo(1);
  }
}
