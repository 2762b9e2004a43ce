package dev.resvc.compiler.codegen;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.AddressRange;

/** Evaluates a host under the interpreter and a compiled policy and demands identical outcomes. */
final class Differential {
  private Differential() {}

  /**
   * The verdict with every decision behind it, or the exception the evaluation threw (both engines
   * must throw alike).
   */
  static Object outcome(Policy p, Host host, TargetKernel kernel, GuestLayout guest, AddressRange aperture) {
    try {
      return Evaluator.explain(p, host, guest, aperture, kernel);
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }

  static void assertSame(Interpreter interpreter, Policy compiled, Host host, GuestLayout guest, AddressRange aperture,
      String context) {
    assertSame(interpreter, compiled, host, TargetKernel.newest(), guest, aperture, context);
  }

  /** As above, on {@code kernel}. */
  static void assertSame(Interpreter interpreter, Policy compiled, Host host, TargetKernel kernel, GuestLayout guest,
      AddressRange aperture, String context) {
    Object expected = outcome(interpreter, host, kernel, guest, aperture);
    Object actual = outcome(compiled, host, kernel, guest, aperture);
    assertWithMessage("%s\nhost %s\nkernel %s\nguest %s, aperture %s", context, host, kernel, guest.name(), aperture)
        .that(actual).isEqualTo(expected);
  }
}
