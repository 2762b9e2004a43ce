package dev.resvc.cli.render;

import dev.resvc.compiler.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code resvc check --format html}: one self-contained page that embeds the {@code check} JSON
 * document and draws it with its own script, so the page shows exactly what {@code --format json}
 * says. The page, its style and its script are resources ({@code report.html}, {@code report.css},
 * {@code report.js}); this class only fills them in. The output depends on the document alone (no
 * time, no random ids), so identical input gives byte-identical pages.
 *
 * <p>Hostile text (a policy's message, a file name) reaches the page only inside the JSON element,
 * escaped by {@link #scriptSafe} so it cannot end that element; the script shows it as text, never as
 * markup. The Content-Security-Policy allows only the page's own style and script, by hash: no network
 * fetch, and no script that an injection would add.
 */
public final class HtmlReport {
  private static final String PAGE = resource("report.html");
  private static final String STYLE = resource("report.css");
  private static final String SCRIPT = resource("report.js");
  private static final String CSP = "default-src 'none'; img-src data:; style-src '" + sha256(STYLE)
      + "'; script-src '" + sha256(SCRIPT) + "'; base-uri 'none'; form-action 'none'";

  private HtmlReport() {}

  /** The page for one {@code check} document. */
  public static String page(Json.Obj checkDocument) {
    return PAGE.replace("{{csp}}", CSP)
        .replace("{{style}}", STYLE)
        .replace("{{script}}", SCRIPT)
        .replace("{{data}}", scriptSafe(checkDocument.toString()));
  }

  /**
   * JSON text that can sit inside a {@code <script>} element: {@code <}, {@code >} and {@code &} (which
   * could close the element or open a comment) and U+2028/U+2029 (line ends to old JavaScript) become
   * {@code \}{@code uXXXX} escapes. Outside strings JSON has none of these characters, so the result
   * parses to the same value.
   */
  static String scriptSafe(String json) {
    StringBuilder sb = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A CSP source expression for an inline element's exact text. */
  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " beside " + HtmlReport.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
