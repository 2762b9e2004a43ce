package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.AddressRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and strings the checker accepts but the generator once turned into Java that javac refused
 * (issue #17): each compiles, and the class decides as the interpreter does.
 */
class HostileNamesTest {
  @TempDir Path dir;

  /** Compiles the generated files in one javac run and checks each class against its interpreter. */
  private void compilesAndAgrees(List<Codegen.Checked> policies, boolean indexed, List<Host> hosts) {
    List<JavaFile> files = new ArrayList<>();
    for (Codegen.Checked c : policies) {
      files.add(indexed ? c.generateIndexed() : c.generate());
    }
    Map<String, Policy> compiled = new HashMap<>();
    for (Policy p : CompiledPolicies.loadAll(InMemoryJavaCompiler.compile(files))) {
      compiled.put(p.name(), p);
    }
    assertThat(compiled.keySet()).containsExactlyElementsIn(policies.stream().map(c -> c.policy().name()).toList());
    Random r = new Random(17);
    for (Codegen.Checked c : policies) {
      Interpreter interpreter = new Interpreter(c.policy());
      Policy policy = compiled.get(c.policy().name());
      for (Host host : hosts) {
        for (GuestLayout guest : List.of(GuestPresets.q35(4L << 30), RandomHosts.guest(r))) {
          Differential.assertSame(interpreter, policy, host, guest, AddressRange.FULL, c.policy().name());
        }
      }
      for (int k = 0; k < 100; k++) {
        Differential.assertSame(interpreter, policy, RandomHosts.host(r, k), RandomHosts.guest(r),
            RandomHosts.aperture(r), c.policy().name());
      }
    }
  }

  private static Host host(String driver, Region... regions) {
    PciDevice d = new PciDevice(PciAddress.of(0, 0, 20, 0), 0x8086, 0x1572, 0, 0, 0x0c0330,
        Optional.ofNullable(driver), false, List.of());
    return new Host("h", List.of(d),
        List.of(new IommuGroup(1, Optional.empty(), List.of(new IommuGroup.Member(d, List.of(regions))), List.of())));
  }

  private static Region region(long start, long length, RegionType type, RegionSource source) {
    return new Region(start, length, type, Prot.READ_WRITE, source);
  }

  /** Every name an IndexPlan.IndexField, the index classes' members and the generator's constants take. */
  private static final List<String> INDEX_MEMBER_RULES = List.of("bdf", "device_id", "subsystem_device", "start",
      "end", "overlap", "class24", "class16", "subsystem_vendor", "vendor", "class8", "group", "region_source",
      "region_type", "decisions", "unindexed", "classify_default", "conflict_default");

  @Test
  void rulesNamedLikeIndexMembersInSectionsOf64Rules() {
    StringBuilder sb = new StringBuilder("policy idx.Members;\nclassify {\n");
    for (int i = 0; i < 70; i++) {
      String name = i < INDEX_MEMBER_RULES.size() ? INDEX_MEMBER_RULES.get(i) : "r" + i;
      String condition = switch (i % 5) {
        case 0 -> "device.vendor == 0x" + Integer.toHexString(0x8000 + i);
        case 1 -> "region.start in 0x" + Long.toHexString(0x10000L * i) + " + 0x1000";
        case 2 -> "device.class == 0x0c03" + String.format("%02x", i);
        case 3 -> "device.vendor == 0x8086 and region.type == direct";
        default -> "region.source == rmrr and device.device_id == 0x" + Integer.toHexString(i);
      };
      sb.append("  rule ").append(name).append(": when ").append(condition).append(" => ")
          .append(i % 2 == 0 ? "drop" : "direct-relaxable").append(";\n");
    }
    sb.append("  default => keep;\n}\nconflicts {\n");
    for (int i = 0; i < 66; i++) {
      String name = i < INDEX_MEMBER_RULES.size() ? INDEX_MEMBER_RULES.get(i).toUpperCase() + "_X" : "x" + i;
      if (i < 4) {
        name = List.of("VENDOR-x", "DECISIONS-x", "UNINDEXED-x", "START-x").get(i);
      }
      sb.append("  rule ").append(name).append(": when region.start in 0x").append(Long.toHexString(0x10000L * i))
          .append(" + 0x1000 and overlaps(guest.ram) => warn \"m").append(i).append("\";\n");
    }
    sb.append("}\n");
    Codegen.Checked checked = Codegen.checkText(dir, "members.resv", sb.toString());
    List<Host> hosts = List.of(
        host("xhci_hcd", region(0x10000L * 3, 0x1000, RegionType.DIRECT, RegionSource.RMRR)),
        host(null, region(0x10000L * 1, 0x1000, RegionType.RESERVED, RegionSource.IVMD),
            region(0x10000L * 6, 0x1000, RegionType.DIRECT, RegionSource.RMRR)));
    // The default tuning: sections of 64 rules and more are indexed as in production.
    compilesAndAgrees(List.of(checked), false, hosts);
  }

  /** java.lang classes the generated code names, runtime classes it imports, its nested classes' names. */
  private static final List<String> CLASS_NAMES = List.of("Long", "String", "Integer", "Override",
      "IllegalArgumentException", "Object", "Region", "Policy", "PciDevice", "PciAddress", "GuestRange", "GuestKind",
      "RegionType", "RegionSource", "ClassifyDecision", "ConflictDecision", "Provenance", "Severity", "KeyIndex",
      "WindowIndex", "List", "ClassifyIndex", "ConflictIndex", "Decisions0", "ClassifyRules0");

  private static final String BODY = """
      predicate p = region.size > 0x1000 or device.downstream_of(00:1c.0);
      classify {
        rule a: when device.driver == "i915" and region.start < 0x100000000 => drop;
        rule b: when p and device.bdf in {00:14.0, 01:00.0} => direct-relaxable;
        default => keep;
      }
      conflicts {
        rule c: when guest.name == "low-ram" and overlaps(guest.ram) => fatal "{region} in {guest}";
        rule d: when within(0xfee00000 .. 0xfeefffff) => warn "msi";
      }
      """;

  /** A policy per name, all in package {@code x} beside {@code x.Foo}: one javac run, as a jar of several is. */
  private List<Codegen.Checked> classesNamedLikeTheGeneratedCodesTypes() {
    List<Codegen.Checked> out = new ArrayList<>();
    for (String name : CLASS_NAMES) {
      out.add(Codegen.checkText(dir, name + ".resv", "policy x." + name + ";\n" + BODY));
    }
    out.add(Codegen.checkText(dir, "Foo.resv", "policy x.Foo;\n" + BODY));
    out.add(Codegen.checkText(dir, "Deep.resv", "policy var.record.yield.Long;\n" + BODY));
    return out;
  }

  private List<Host> bodyHosts() {
    return List.of(host("i915", region(0x3e2e0000L, 0x20000, RegionType.DIRECT, RegionSource.RMRR)),
        host("i915", region(0xfee00000L, 0x100000, RegionType.MSI, RegionSource.MSI_WINDOW)));
  }

  @Test
  void policiesNamedLikeClassesTheGeneratedCodeNames() {
    compilesAndAgrees(classesNamedLikeTheGeneratedCodesTypes(), false, bodyHosts());
  }

  @Test
  void policiesNamedLikeClassesTheGeneratedCodeNamesIndexed() {
    compilesAndAgrees(classesNamedLikeTheGeneratedCodesTypes(), true, bodyHosts());
  }

  @Test
  void underscoreAndKeywordsAsRulePredicateAndConstantNames() {
    Codegen.Checked checked = Codegen.checkText(dir, "under.resv", """
        policy under.Score;
        const _ = 0x1000 .. 0x1fff;
        const int = 0x8086;
        predicate class = overlaps(_);
        predicate __ = device.vendor == int;
        classify {
          rule _: when class and __ => drop;
          rule var: when class => direct;
          rule record: when __ => reserved;
          rule Long: when region.type == msi => sw-msi;
          default => keep;
        }
        conflicts {
          rule yield: when overlaps(_) => warn "_";
        }
        """);
    List<Host> hosts = List.of(host("x", region(0x1800, 0x10, RegionType.DIRECT, RegionSource.RMRR)));
    compilesAndAgrees(List.of(checked), false, hosts);
    compilesAndAgrees(List.of(checked), true, hosts);
  }

  @Test
  void stringsLongerThanAClassFileConstant() {
    // 3-byte chars: 22,000 chars are 66,000 bytes, over the limit though fewer than 65,535 chars.
    String driver = "\u20ac".repeat(22_000) + "\ud83d\ude00" + "tail";
    String guestName = "g".repeat(70_000);
    String message = "{region} " + "é".repeat(40_000);
    String ruleName = "r".repeat(1_000);
    assertThat(driver.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(JavaText.CONSTANT_BYTES);
    Codegen.Checked checked = Codegen.checkText(dir, "long.resv", "policy strings.Long;\n"
        + "classify {\n"
        + "  rule " + ruleName + ": when device.driver == \"" + driver + "\" => drop;\n"
        + "  rule " + ruleName + "2: when device.driver in {\"a\", \"" + driver + "x\"} => reserved;\n"
        + "}\n"
        + "conflicts {\n"
        + "  rule g: when guest.name == \"" + guestName + "\" => fatal \"" + message + "\";\n"
        + "  rule h: when guest.name != \"" + guestName + "\" => warn \"" + message + "\";\n"
        + "}\n");
    Region rmrr = region(0x3e2e0000L, 0x20000, RegionType.DIRECT, RegionSource.RMRR);
    String sameLength = driver.substring(0, driver.length() - 1) + "!";
    List<Host> hosts = new ArrayList<>();
    for (String d : new String[] {driver, driver + "x", sameLength, driver.substring(1), driver.substring(0, 100),
        "a", null}) {
      hosts.add(host(d, rmrr));
    }
    GuestLayout named = new GuestLayout("long", List.of(
        new GuestRange(guestName, GuestKind.RAM, new AddressRange(0, 0x7fffffffL)),
        new GuestRange(guestName + "!", GuestKind.RAM, new AddressRange(0x80000000L, 0xffffffffL))));
    Codegen.Checked[] policies = {checked};
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      for (boolean indexed : new boolean[] {false, true}) {
        JavaFile file = indexed ? policies[0].generateIndexed() : policies[0].generate();
        Policy compiled = CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(file)));
        Interpreter interpreter = new Interpreter(policies[0].policy());
        for (Host h : hosts) {
          Differential.assertSame(interpreter, compiled, h, named, AddressRange.FULL, "long strings");
          Differential.assertSame(interpreter, compiled, h, GuestPresets.q35(4L << 30), AddressRange.FULL,
              "long strings");
        }
        // The rules do hold: the long driver is dropped, the long guest name reported with its message.
        var dropped = dev.resvc.runtime.policy.Evaluator.explain(compiled, hosts.get(0), named, AddressRange.FULL);
        var decision = dropped.groups().get(0).classifications().get(0).decision();
        assertThat(decision.provenance().rule()).isEqualTo(ruleName);
        var verdict = dev.resvc.runtime.policy.Evaluator.explain(compiled, hosts.get(hosts.size() - 1), named,
            AddressRange.FULL);
        assertThat(verdict.groups().get(0).findings().stream().anyMatch(f -> f.message().endsWith("é".repeat(40_000))))
            .isTrue();
      }
    });
  }

  @Test
  void constantPartsCutAtTheClassFileLimitAndNeverInsideASurrogatePair() {
    int limit = JavaText.CONSTANT_BYTES;
    int chars = JavaText.CONSTANT_CHARS;
    assertThat(JavaText.constantParts("")).containsExactly("");
    // javac takes at most 65,534 chars in a literal, though 65,535 bytes.
    assertThat(JavaText.constantParts("a".repeat(chars))).hasSize(1);
    assertThat(JavaText.constantParts("a".repeat(chars + 1))).containsExactly("a".repeat(chars), "a").inOrder();
    // NUL takes two bytes in modified UTF-8, as U+0080..U+07FF do.
    assertThat(JavaText.constantParts("\0".repeat(limit / 2 + 1))).hasSize(2);
    assertThat(JavaText.constantParts("é".repeat(limit / 2))).hasSize(1);
    // Three bytes short, a pair needs six: it goes whole into the next part.
    String s = "\u20ac".repeat(limit / 3 - 1) + "\ud83d\ude00";
    assertThat(JavaText.constantParts(s)).containsExactly("\u20ac".repeat(limit / 3 - 1), "\ud83d\ude00").inOrder();
    assertThat(String.join("", JavaText.constantParts(RandomPolicies.LONG_TEXT))).isEqualTo(RandomPolicies.LONG_TEXT);
  }
}
