package dev.resvc.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Checker;
import dev.resvc.compiler.diag.DiagnosticRenderer;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.format.Formatting;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.compiler.syntax.PolicyParser;
import dev.resvc.compiler.testrun.PolicyTestRunner;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.Evaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy front end, fed arbitrary bytes: UTF-8 text, parsed, its diagnostics rendered as {@code
 * resvc check} prints them; a policy that parses is checked, and one that checks cleanly is
 * interpreted on a fixed host (the HP ProLiant DL360 G7 example with its DMAR, a q35 guest) and has
 * its test blocks run. Every text that parses is formatted as {@code resvc fmt} formats it (which
 * re-parses and insists on the same items and comments), and formatting the result again must change
 * nothing. A diagnostic is the documented way to refuse; any exception, or a call that runs for
 * seconds, is a finding.
 *
 * <p>Imports are not followed (the text is parsed, not loaded from a file): a fuzzer that names
 * files would read the machine it runs on. Bytes that are not UTF-8 stop before parsing, as the
 * loader stops them with E012.
 */
class PolicyFuzzTest {
  private static final String NAME = "fuzzed.resv";

  @FuzzTest
  @DictionaryFile(resourcePath = "resv.dict")
  void policy(byte[] data) {
    Optional<String> text = utf8(data);
    if (text.isEmpty()) {
      return;
    }
    run(text.get());
  }

  /** The whole target on one text; the known crashers' test calls it directly. */
  static void run(String text) {
    Diagnostics diags = new Diagnostics();
    PolicyFile file = PolicyParser.parse(text, NAME, diags);
    if (!diags.hasErrors()) {
      Optional<CheckedPolicy> checked = Checker.check(file, List.of(), Fixture.INSTANCE.testDir, diags);
      checked.ifPresent(PolicyFuzzTest::interpret);
    }
    new DiagnosticRenderer(Map.of(NAME, text)).text(diags.sorted());
    DiagnosticRenderer.json(diags.sorted()).toString();

    Optional<String> formatted = Formatting.format(text, NAME, new Diagnostics());
    if (formatted.isPresent()) {
      Optional<String> again = Formatting.format(formatted.get(), NAME, new Diagnostics());
      if (!again.equals(formatted)) {
        throw new AssertionError("formatting is not idempotent: formatting the formatted text gave "
            + again.map(s -> "a different text").orElse("syntax errors"));
      }
    }
  }

  private static void interpret(CheckedPolicy checked) {
    Interpreter interpreter = new Interpreter(checked);
    Fixture f = Fixture.INSTANCE;
    Evaluator.evaluate(interpreter, f.host, f.guest, f.firmware.aperture());
    PolicyTestRunner.run(checked, interpreter);
  }

  /** Strict UTF-8, as the policy loader reads a file; empty when the bytes are not UTF-8. */
  static Optional<String> utf8(byte[] data) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The fixed host, guest and the empty directory test blocks resolve layout files against; built once. */
  private static final class Fixture {
    static final Fixture INSTANCE = new Fixture();

    final Firmware firmware;
    final Host host;
    final GuestLayout guest = GuestPresets.q35(GuestPresets.DEFAULT_RAM);
    final Path testDir;

    private Fixture() {
      SysfsSnapshot snapshot = ExampleHosts.snapshot("hp-proliant-dl360-g7");
      try {
        firmware = HostBuilder.snapshotFirmware(snapshot).value();
        testDir = Files.createTempDirectory("resvc-fuzz-policy");
      } catch (InputException e) {
        throw new IllegalStateException("the example host's DMAR does not read: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      testDir.toFile().deleteOnExit();
      host = HostBuilder.withFirmware(snapshot, "hp-proliant-dl360-g7", firmware).value();
    }
  }
}
