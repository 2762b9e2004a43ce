package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.Path;
import com.palantir.javapoet.JavaFile;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and strings from a policy never break the generated source: Java keywords as rule and
 * predicate names, names that collide once upper-cased, and strings holding comment delimiters,
 * unicode escapes javac would otherwise resolve, quotes, backslashes, control and non-ASCII
 * characters. (Identifiers of the language are ASCII, so non-ASCII letters go in strings.)
 */
class InjectionTest {
  @TempDir Path dir;

  static final String POLICY = """
      policy inj.Policy;
      predicate public = device.driver == "*/ evil(); /* \\\\u000a \\\\u0022 \\\\\\\\u000d é ß Ω";
      predicate return = region.source == rmrr;
      classify {
        rule class: when public and return => direct-relaxable;
        rule a-b: when device.driver in {"\\\\", "\\"", "\\n", "\\t"} => drop;
        rule a_b: when device.driver == "é" => reserved;
        rule CLASSIFY_DEFAULT: when device.driver == "\\\\u000a" => direct;
        rule _: when device.driver == "a\\\\" => msi;
        default => keep;
      }
      conflicts {
        rule return: when guest.name == "*/" or overlaps(guest.ram) => fatal "*/ \\\\u000a \\" \\\\ {region} é ß Ω \\n /*";
        rule if: when region.type == msi => warn "\\\\u0022); System.exit(1); //";
        default => info "\\t{{}}";
      }
      """;

  @Test
  void hostileNamesAndStringsCompileAndBehaveLikeTheInterpreter() {
    hostileNamesAndStrings(false);
  }

  @Test
  void hostileNamesAndStringsCompileAndBehaveLikeTheInterpreterInIndexedSections() {
    hostileNamesAndStrings(true);
  }

  private void hostileNamesAndStrings(boolean indexed) {
    Codegen.Checked checked = Codegen.checkText(dir, "inj \\u000a é \"q\".resv", POLICY);
    JavaFile file = indexed ? checked.generateIndexed() : checked.generate();
    String source = file.toString();
    assertThat(source.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f))).isTrue();
    Policy compiled = CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(file)));
    assertThat(compiled.name()).isEqualTo("inj.Policy");
    Interpreter interpreter = new Interpreter(checked.policy());

    String[] drivers = {"*/ evil(); /* \\u000a \\u0022 \\\\u000d é ß Ω", "\\", "\"", "\n", "\t", "é", "\\u000a", "a\\",
        "other"};
    int i = 0;
    for (String driver : drivers) {
      PciDevice d = new PciDevice(PciAddress.of(0, 0, 20, 0), 0x8086, 1, 0, 0, 0x0c0330, Optional.of(driver), false,
          List.of());
      Region rmrr = new Region(0x3e2e0000L, 0x20000, RegionType.DIRECT, Prot.READ_WRITE, RegionSource.RMRR);
      Region msi = new Region(0xfee00000L, 0x100000, RegionType.MSI, Prot.NONE, RegionSource.MSI_WINDOW);
      Host host = new Host("h" + i++, List.of(d),
          List.of(new IommuGroup(1, Optional.empty(), List.of(new IommuGroup.Member(d, List.of(rmrr, msi))), List.of())));
      Differential.assertSame(interpreter, compiled, host, GuestPresets.q35(4L << 30), AddressRange.FULL, driver);
      Explanation verdict = dev.resvc.runtime.policy.Evaluator.explain(compiled, host, GuestPresets.q35(4L << 30),
          AddressRange.FULL);
      String expectedRule = List.of("class", "a-b", "a-b", "a-b", "a-b", "a_b", "CLASSIFY_DEFAULT", "_", "default")
          .get(i - 1);
      assertThat(verdict.groups().get(0).classifications().get(0).decision().provenance().rule())
          .isEqualTo(expectedRule);
    }
    // The first driver matches rule `class`, whose decision keeps its provenance.
    Verdict v = dev.resvc.runtime.policy.Evaluator.evaluate(compiled, new Host("h", List.of(), List.of()),
        GuestPresets.q35(1L << 30), AddressRange.FULL);
    assertThat(v.policy()).isEqualTo("inj.Policy");
    Random r = new Random(3);
    for (int k = 0; k < 200; k++) {
      Differential.assertSame(interpreter, compiled, RandomHosts.host(r, k), RandomHosts.guest(r),
          RandomHosts.aperture(r), "injection policy");
    }
  }
}
