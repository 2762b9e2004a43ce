package dev.resvc.compiler.check;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * E108 as each {@link Section} words it: what a rule's condition may look at comes from its section, a
 * predicate's body sees every scope and is checked where it is used.
 */
class SectionVisibilityTest {
  private static List<String> e108(String policy) {
    Diagnostics diags = new Diagnostics();
    PolicyFile file = PolicyParser.parse(policy, "v.resv", diags);
    assertThat(diags.all()).isEmpty();
    Checker.check(file, List.of(), Path.of("."), diags);
    return diags.all().stream().filter(d -> d.code() == Code.NOT_VISIBLE_IN_SECTION).map(Diagnostic::message).toList();
  }

  @Test
  void classifySeesNoGuest() {
    assertThat(e108("policy t.V;\nclassify {\n  rule r: when guest.name == \"low\" => drop;\n}\n"))
        .containsExactly("`guest` is not available in `classify` (classify sees `device` and `region`)");
    assertThat(e108("policy t.V;\nclassify {\n  rule r: when overlaps(guest.ram) => drop;\n}\n"))
        .containsExactly("`guest` is not available in `classify` (classify sees `device` and `region`)");
  }

  @Test
  void conflictsSeesNoDevice() {
    String hint = " (conflicts sees the merged `region` and the `guest` range; device decisions belong in"
        + " classify, and messages can still name devices with {device})";
    assertThat(e108("policy t.V;\nconflicts {\n  rule r: when device.vendor == 0x8086 => allow;\n}\n"))
        .containsExactly("`device` is not available in `conflicts`" + hint);
    assertThat(e108("policy t.V;\nconflicts {\n  rule r: when downstream_of(00:1c.0) => allow;\n}\n"))
        .containsExactly("`device` is not available in `conflicts`" + hint);
  }

  @Test
  void aPredicateSeesEverythingAndIsCheckedWhereItIsUsed() {
    String policy = "policy t.V;\npredicate intel_vendor = device.vendor == 0x8086 and overlaps(guest);\n"
        + "classify {\n  rule c: when intel_vendor => drop;\n}\n";
    assertThat(e108(policy))
        .containsExactly("predicate `intel_vendor` looks at `guest`, which is not available in `classify`"
            + " (classify sees `device` and `region`)");
  }
}
