package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated classes carry the runtime API version they were built against; the runtime refuses another. */
class ApiVersionTest {
  @Test
  void generatedClassReportsTheCurrentApiVersion() {
    Codegen.Checked checked = Codegen.check(Codegen.EXAMPLES.resolve("intel-vtd-kernel-default.resv"));
    Policy p = CompiledPolicies.load(InMemoryJavaCompiler.compile(List.of(checked.generate())));
    assertThat(p.apiVersion()).isEqualTo(Policy.API_VERSION);
    Evaluator.checkApiVersion(p);
  }

  @Test
  void mismatchedApiVersionIsRefusedWithAClearMessage() {
    Codegen.Checked checked = Codegen.check(Codegen.EXAMPLES.resolve("intel-vtd-kernel-default.resv"));
    int other = Policy.API_VERSION + 41;
    Policy p = CompiledPolicies.load(
        InMemoryJavaCompiler.compile(List.of(PolicyGenerator.generate(checked.policy(), checked.hash(), other))));
    assertThat(p.apiVersion()).isEqualTo(other);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(p, new Host("h", List.of(), List.of()), GuestPresets.q35(1L << 30), AddressRange.FULL));
    assertThat(e).hasMessageThat().contains("policy examples.IntelVtdKernelDefault was compiled for resvc runtime API"
        + " version " + other + ", but this runtime implements version " + Policy.API_VERSION);
    assertThat(e).hasMessageThat().contains("recompile the policy");
  }
}
