package dev.resvc.compiler.check;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.compiler.syntax.PolicyParser;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The checker's names come from the {@link Field} table, as the split checker reads them: field lists in
 * E111, the attributes of a test's {@code device} in E120, the flags of {@code region.prot has}.
 */
class FieldNamesTest {
  private static Diagnostics check(String policy) {
    Diagnostics diags = new Diagnostics();
    PolicyFile file = PolicyParser.parse(policy, "n.resv", diags);
    assertThat(diags.all()).isEmpty();
    Checker.check(file, List.of(), Path.of("."), diags);
    return diags;
  }

  private static List<String> notes(Diagnostics diags, Code code) {
    return diags.all().stream().filter(d -> d.code() == code)
        .flatMap(d -> d.notes().stream().map(Diagnostic.Note::message)).toList();
  }

  @Test
  void theFieldsOfEachScopeAreTheTables() {
    assertThat(FieldNames.fieldNames(Scope.DEVICE)).containsExactly(
        "bdf", "vendor", "device_id", "subsystem_vendor", "subsystem_device", "class", "driver", "group", "bridge",
        "kind", "name", "hid")
        .inOrder();
    assertThat(FieldNames.fieldNames(Scope.REGION))
        .containsExactly("start", "end", "size", "type", "source", "prot").inOrder();
    assertThat(FieldNames.fieldNames(Scope.GUEST))
        .containsExactly("name", "kind", "start", "end", "ram", "mmio", "rom", "reserved").inOrder();
    assertThat(notes(check("policy t.N;\nclassify {\n  rule r: when region.tipe == msi => drop;\n}\n"),
        Code.UNKNOWN_FIELD))
        .containsExactly("did you mean `type`?", "region fields: start, end, size, type, source, prot").inOrder();
  }

  @Test
  void aTestDeviceKnowsTheTablesAttributesThenBelow() {
    Diagnostics diags = check("policy t.N;\ntest \"t\" {\n  device 00:14.0 colour 3;\n  expect assignable;\n}\n");
    assertThat(notes(diags, Code.BAD_TEST_STATEMENT)).containsExactly(
        "known: vendor, device_id, subsystem_vendor, subsystem_device, class, driver, group, bridge, below");
  }

  @Test
  void anEmptyDriverIsNoDriver() {
    Diagnostics diags = new Diagnostics();
    PolicyFile file = PolicyParser.parse(
        "policy t.N;\ntest \"t\" {\n  device 00:14.0 driver \"\";\n  device 00:15.0 driver \"vfio-pci\";\n"
            + "  expect assignable;\n}\n", "n.resv", diags);
    Optional<CheckedPolicy> policy = Checker.check(file, List.of(), Path.of("."), diags);
    assertThat(diags.all()).isEmpty();
    List<PciDevice> devices = policy.orElseThrow().tests().get(0).host().devices();
    assertThat(devices.stream().map(PciDevice::driver).toList())
        .containsExactly(Optional.empty(), Optional.of("vfio-pci")).inOrder();
  }

  @Test
  void protFlagsAreTheTablesInOrderWithTheRuntimesBits() {
    assertThat(ConditionTyper.PROT_FLAGS).containsExactlyEntriesIn(Map.of(
        "read", Prot.READ, "write", Prot.WRITE, "cache", Prot.CACHE, "noexec", Prot.NOEXEC, "mmio", Prot.MMIO,
        "priv", Prot.PRIV));
    assertThat(ConditionTyper.PROT_FLAGS.keySet())
        .containsExactlyElementsIn(Field.REGION_PROT.constants()).inOrder();
  }
}
