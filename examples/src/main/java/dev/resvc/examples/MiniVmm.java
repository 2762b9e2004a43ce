package dev.resvc.examples;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;

/**
 * A toy VMM that embeds a compiled policy the way a real one would: it knows the policy only by its
 * name, finds its class through {@link ServiceLoader} (the jar built with resv-maven-plugin lists every
 * policy in {@code META-INF/services/dev.resvc.runtime.policy.Policy}), and needs nothing but the
 * runtime jar — no parser, no interpreter.
 *
 * <p>Run: {@code java -cp resvc-runtime.jar:resvc-examples.jar dev.resvc.examples.MiniVmm SNAPSHOT POLICY
 * [GUEST]}, e.g. {@code examples/hosts/hp-proliant-dl360-g7 examples.KernelIntel q35,ram=8G}.
 */
public final class MiniVmm {
  private MiniVmm() {}

  /** The qualified names of every policy on the class path, sorted. */
  public static List<String> policyNames() {
    return ServiceLoader.load(Policy.class).stream().map(p -> p.get().name()).sorted().toList();
  }

  /** The policy called {@code name} ({@code policy examples.KernelIntel;}), from the class path. */
  public static Policy findPolicy(String name) {
    return ServiceLoader.load(Policy.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no policy " + name + " on the class path; found "
            + String.join(", ", policyNames())));
  }

  /**
   * Reads a host snapshot (or {@code /sys}) and the firmware table it holds, and asks {@code policy}
   * about every IOMMU group for {@code guest}: whether it can be assigned, what a VMM asks at start.
   */
  public static Read<Verdict> evaluate(Policy policy, Path sysfsRoot, GuestLayout guest) throws InputException {
    Read<Machine> m = Machine.read(sysfsRoot);
    return new Read<>(Evaluator.evaluate(policy, m.value().host(), guest, m.value().aperture()), m.notes());
  }

  /** {@link #evaluate} with every decision behind the verdict: what a VMM reports when it refuses a group. */
  public static Read<Explanation> explain(Policy policy, Path sysfsRoot, GuestLayout guest) throws InputException {
    Read<Machine> m = Machine.read(sysfsRoot);
    return new Read<>(Evaluator.explain(policy, m.value().host(), guest, m.value().aperture()), m.notes());
  }

  /** One line per group, then one indented line per finding: what it says and which rule said it. */
  public static List<String> report(Explanation explanation) {
    List<String> lines = new ArrayList<>();
    for (Explanation.Group g : explanation.groups()) {
      lines.add("group " + g.verdict().id() + ": " + (g.verdict().assignable() ? "assignable" : "NOT assignable"));
      for (Explanation.Finding f : g.findings()) {
        lines.add("  " + f.severity().keyword() + ": " + f.message() + " [" + f.provenance() + "]");
      }
    }
    return lines;
  }

  /** A host read from a snapshot or {@code /sys}, and the IOMMU aperture its firmware tables imply. */
  private record Machine(Host host, AddressRange aperture) {
    static Read<Machine> read(Path sysfsRoot) throws InputException {
      Read<SysfsSnapshot> snapshot = SysfsReader.read(sysfsRoot);
      Read<Firmware> firmware = HostBuilder.snapshotFirmware(snapshot.value());
      Read<Host> host = HostBuilder.withFirmware(snapshot.value(), sysfsRoot.toString(), firmware.value());
      List<InputNote> notes = new ArrayList<>(snapshot.notes());
      notes.addAll(firmware.notes());
      notes.addAll(host.notes());
      return new Read<>(new Machine(host.value(), HostBuilder.aperture(firmware.value())), notes);
    }
  }

  public static void main(String[] args) {
    PrintStream out = System.out;
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: MiniVmm SNAPSHOT|/sys POLICY [GUEST, e.g. q35,ram=8G]");
      System.err.println("policies on the class path: " + String.join(", ", policyNames()));
      System.exit(2);
    }
    try {
      Policy policy = findPolicy(args[1]);
      GuestLayout guest = GuestPresets.parseSpec(args.length == 3 ? args[2] : "q35");
      Read<Explanation> explained = explain(policy, Path.of(args[0]), guest);
      explained.notes().forEach(n -> System.err.println(n.render()));
      Explanation explanation = explained.value();
      out.println("policy " + explanation.policy() + ", host " + explanation.host() + ", guest " + explanation.guest());
      report(explanation).forEach(out::println);
    } catch (InputException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (IllegalArgumentException | NoSuchElementException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }
}
