package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.kernel.Errno;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.Severity;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;

/**
 * A checked {@code test} block: the host, kernel and guest it describes and what it expects of the
 * verdict.
 */
public record TestCase(String name, Span span, Host host, TargetKernel kernel, GuestLayout guest,
    List<Expect> expectations) {
  public TestCase {
    expectations = List.copyOf(expectations);
  }

  /** One {@code expect} statement. */
  public sealed interface Expect {
    Span span();

    /**
     * The region of {@code device} (a member of the test's host, PCI or not) that starts at {@code
     * address} has this effective type.
     */
    record RegionHasType(Span span, Device device, long address, RegionType type) implements Expect {}

    /** The region of {@code device} that starts at {@code address} is dropped. */
    record RegionDropped(Span span, Device device, long address) implements Expect {}

    /** The group (of {@code device}, or every group) is, or is not, assignable. */
    record Assignable(Span span, boolean assignable, Optional<Device> device) implements Expect {}

    /** At least one finding of this severity (from this rule, in this device's group). */
    record HasFinding(Span span, Severity severity, Optional<String> rule, Optional<Device> device) implements Expect {}

    /** No finding at all. */
    record NoFindings(Span span) implements Expect {}

    /**
     * The kernel's own step in the group of {@code device}, or in some group (every group, for a
     * success): with {@code fails}, that step fails with that errno (a map: at the guest range
     * {@code at} when given); without, it succeeds ({@code map} also needs the attach to succeed,
     * since nothing is mapped into a refused group).
     */
    record Step(Span span, StepFailure.Stage stage, Optional<Errno> fails, Optional<AddressRange> at,
        Optional<Device> device) implements Expect {}
  }
}
