package dev.resvc.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.EagerEvaluator;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every shipped policy, compiled, on every shipped host (with its firmware, and from sysfs alone) and
 * guest: the evaluator's two paths give what {@link EagerEvaluator}, the evaluator they replaced,
 * gives — {@link Evaluator#explain} the same explanation (the same messages, equal, printing the
 * same), {@link Evaluator#evaluate} its verdict.
 */
class EagerVerdictsTest {
  @Test
  void bothPathsGiveTheEagerEvaluatorsAnswers() throws Exception {
    List<GuestLayout> guests = new ArrayList<>();
    for (String spec : List.of("q35,ram=8G", "q35,ram=2G", "pc,ram=2G", "pc,ram=6G", "virt,ram=16G")) {
      guests.add(GuestPresets.parseSpec(spec));
    }
    try (Stream<Path> files = Files.list(Path.of("guests"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".layout")).sorted().toList()) {
        guests.add(GuestLayoutParser.parse(Files.readString(f), f.toString()));
      }
    }
    List<Policy> policies = MiniVmm.policyNames().stream().map(MiniVmm::findPolicy).toList();
    int compared = 0;
    int findings = 0;
    for (Path dir : ShippedHostsTest.hosts()) {
      SysfsSnapshot snapshot = SysfsReader.read(dir).value();
      Firmware firmware = HostBuilder.snapshotFirmware(snapshot).value();
      Host withFirmware = HostBuilder.withFirmware(snapshot, dir.toString(), firmware).value();
      Host sysfsOnly = snapshot.toHostWithoutFirmware(dir.toString());
      for (Host host : List.of(withFirmware, sysfsOnly)) {
        AddressRange aperture = HostBuilder.aperture(firmware);
        for (Policy policy : policies) {
          for (GuestLayout guest : guests) {
            Explanation expected = EagerEvaluator.evaluate(policy, host, guest, aperture);
            Explanation actual = Evaluator.explain(policy, host, guest, aperture);
            String context = policy.name() + " on " + dir + " (" + host.groups().size() + " groups), " + guest.name();
            assertWithMessage(context).that(messages(actual)).isEqualTo(messages(expected));
            assertWithMessage(context).that(actual).isEqualTo(expected);
            assertWithMessage(context).that(actual.toString()).isEqualTo(expected.toString());
            assertWithMessage(context).that(MiniVmm.report(actual)).isEqualTo(MiniVmm.report(expected));
            assertWithMessage(context).that(Evaluator.evaluate(policy, host, guest, aperture))
                .isEqualTo(expected.verdict());
            findings += messages(expected).size();
            compared++;
          }
        }
      }
    }
    assertThat(compared).isEqualTo(ShippedHostsTest.hosts().size() * 2 * policies.size() * guests.size());
    assertThat(findings).isAtLeast(1000);
  }

  private static List<String> messages(Explanation v) {
    List<String> out = new ArrayList<>();
    v.groups().forEach(g -> g.findings().forEach(f -> out.add(f.message())));
    return out;
  }
}
