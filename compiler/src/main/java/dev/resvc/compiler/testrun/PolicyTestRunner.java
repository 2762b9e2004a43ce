package dev.resvc.compiler.testrun;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.TestCase;
import dev.resvc.runtime.kernel.Errno;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.policy.Evaluator;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Severity;
import dev.resvc.runtime.policy.Verdict;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs a policy's {@code test} blocks through the {@link Evaluator} with a given engine, and explains
 * each failure with the rule that decided, not just "assertion failed".
 */
public final class PolicyTestRunner {
  private PolicyTestRunner() {}

  /** The outcome of one test block. */
  public record Result(TestCase test, List<Failure> failures) {
    public boolean passed() {
      return failures.isEmpty();
    }
  }

  /** One expectation that did not hold, with why. */
  public record Failure(TestCase.Expect expect, String expected, String actual) {}

  public static List<Result> run(CheckedPolicy checked, Policy engine) {
    List<Result> results = new ArrayList<>();
    for (TestCase test : checked.tests()) {
      Explanation explanation = Evaluator.explain(engine, test.host(), test.guest(), AddressRange.FULL, test.kernel());
      List<Failure> failures = new ArrayList<>();
      for (TestCase.Expect e : test.expectations()) {
        check(e, explanation).ifPresent(failures::add);
      }
      results.add(new Result(test, failures));
    }
    return results;
  }

  private static Optional<Failure> check(TestCase.Expect e, Explanation v) {
    if (e instanceof TestCase.Expect.RegionHasType r) {
      Optional<Explanation.Classification> c = classification(v, r.device(), r.address());
      if (c.isEmpty()) {
        return Optional.of(new Failure(e, "a region of " + r.device().shortName() + " at " + U64.hex(r.address())
            + " of type " + r.type().resvName(), "no region of " + r.device().shortName() + " starts there"
            + regionsOf(v, r.device())));
      }
      Explanation.Classification cl = c.get();
      if (cl.effective().isEmpty()) {
        return Optional.of(new Failure(e, "type " + r.type().resvName(), "dropped by " + cl.decision().provenance()));
      }
      if (cl.effective().get().type() != r.type()) {
        return Optional.of(new Failure(e, "type " + r.type().resvName(), "type " + cl.effective().get().type().resvName()
            + ", decided by " + describe(cl)));
      }
      return Optional.empty();
    }
    if (e instanceof TestCase.Expect.RegionDropped r) {
      Optional<Explanation.Classification> c = classification(v, r.device(), r.address());
      if (c.isEmpty()) {
        return Optional.of(new Failure(e, "the region of " + r.device().shortName() + " at " + U64.hex(r.address())
            + " dropped", "no region of " + r.device().shortName() + " starts there" + regionsOf(v, r.device())));
      }
      if (c.get().effective().isPresent()) {
        return Optional.of(new Failure(e, "dropped", "kept as " + c.get().effective().get().type().resvName()
            + ", decided by " + describe(c.get())));
      }
      return Optional.empty();
    }
    if (e instanceof TestCase.Expect.Assignable a) {
      List<Explanation.Group> groups = groups(v, a.device());
      List<Explanation.Group> wrong = groups.stream().filter(g -> g.verdict().assignable() != a.assignable()).toList();
      if (wrong.isEmpty()) {
        return Optional.empty();
      }
      String actual = wrong.stream().map(g -> "group " + g.verdict().id() + " (" + devices(g) + ") is "
          + (g.verdict().assignable() ? "assignable: no fatal finding" : "not assignable: " + fatal(g)))
          .collect(Collectors.joining("; "));
      return Optional.of(new Failure(e, a.assignable() ? "assignable" : "not assignable", actual));
    }
    if (e instanceof TestCase.Expect.HasFinding h) {
      List<Explanation.Finding> all = groups(v, h.device()).stream().flatMap(g -> g.findings().stream()).toList();
      boolean found = all.stream().anyMatch(f -> f.severity() == h.severity()
          && h.rule().map(rule -> rule.equals(f.provenance().rule())).orElse(true));
      if (found) {
        return Optional.empty();
      }
      return Optional.of(new Failure(e, "a " + h.severity().keyword() + " finding" + h.rule().map(r -> " from rule " + r).orElse("")
          + h.device().map(d -> " in the group of " + d.shortName()).orElse(""), all.isEmpty() ? "no findings"
          : all.stream().map(PolicyTestRunner::finding).collect(Collectors.joining("; "))));
    }
    if (e instanceof TestCase.Expect.NoFindings) {
      List<Explanation.Finding> all = v.groups().stream().flatMap(g -> g.findings().stream()).toList();
      if (all.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Failure(e, "no findings", all.stream().map(PolicyTestRunner::finding).collect(Collectors.joining("; "))));
    }
    if (e instanceof TestCase.Expect.Step st) {
      return step(st, groups(v, st.device()));
    }
    throw new AssertionError(e);
  }

  /**
   * A step expectation against the kernel's steps in {@code groups}; a failure says what each
   * group's step did instead (call, errno, device or guest range).
   */
  private static Optional<Failure> step(TestCase.Expect.Step st, List<Explanation.Group> groups) {
    String where = st.device().map(d -> " in the group of " + d.shortName()).orElse("");
    String at = st.at().map(r -> " at " + r).orElse("");
    boolean attach = st.stage() == StepFailure.Stage.ATTACH;
    if (st.fails().isPresent()) {
      Errno errno = st.fails().get();
      boolean held = groups.stream().anyMatch(g -> failures(g, st.stage()).stream()
          .anyMatch(f -> f.errno() == errno && (st.at().isEmpty() || f.range().equals(st.at()))));
      return held ? Optional.empty() : Optional.of(new Failure(st, st.stage() + " fails with " + errno + at + where,
          stepsOf(groups, st.stage())));
    }
    boolean held = groups.stream().allMatch(g -> g.verdict().attachFailure().isEmpty()
        && (attach || g.verdict().mapFailures().stream().noneMatch(f -> st.at().isEmpty() || f.range().equals(st.at()))));
    return held ? Optional.empty() : Optional.of(new Failure(st, st.stage() + " succeeds" + at + where,
        stepsOf(groups, st.stage())));
  }

  /** The failures of one stage in a group: its attach refusal, or its maps that fail. */
  private static List<StepFailure> failures(Explanation.Group g, StepFailure.Stage stage) {
    return stage == StepFailure.Stage.ATTACH ? g.verdict().attachFailure().stream().toList() : g.verdict().mapFailures();
  }

  /** What each group's steps did, as the kernel would: its refusal, its failed maps, or that all succeed. */
  private static String stepsOf(List<Explanation.Group> groups, StepFailure.Stage stage) {
    if (groups.isEmpty()) {
      return "no group";
    }
    return groups.stream().map(g -> {
      Verdict.Group verdict = g.verdict();
      String group = "group " + verdict.id() + " (" + devices(g) + ")";
      if (verdict.attachFailure().isPresent()) {
        return group + ": " + step(verdict.attachFailure().get());
      }
      if (stage == StepFailure.Stage.MAP && !verdict.mapFailures().isEmpty()) {
        return group + ": " + verdict.mapFailures().stream().map(PolicyTestRunner::step).collect(Collectors.joining("; "));
      }
      return group + ": attach " + (stage == StepFailure.Stage.MAP ? "and every map succeed" : "succeeds");
    }).collect(Collectors.joining("; "));
  }

  /** One failed step with the device it names. */
  private static String step(StepFailure f) {
    return f.summary() + f.device().map(d -> " (device " + d.shortName() + ")").orElse("");
  }

  private static Optional<Explanation.Classification> classification(Explanation v, Device device, long address) {
    return v.groups().stream().flatMap(g -> g.classifications().stream())
        .filter(c -> c.device().name().equals(device.name()) && c.input().start() == address)
        .findFirst();
  }

  private static String regionsOf(Explanation v, Device device) {
    List<String> starts = v.groups().stream().flatMap(g -> g.classifications().stream())
        .filter(c -> c.device().name().equals(device.name())).map(c -> U64.hex(c.input().start())).toList();
    return starts.isEmpty() ? " (it has none)" : " (its regions start at " + String.join(", ", starts) + ")";
  }

  private static String describe(Explanation.Classification c) {
    String kernel = c.decision().kind() == dev.resvc.runtime.policy.ClassifyDecision.Kind.KEEP
        ? " (keep: the kernel's type " + c.input().type().resvName() + ")" : "";
    return c.decision().provenance() + kernel;
  }

  private static List<Explanation.Group> groups(Explanation v, Optional<Device> device) {
    if (device.isEmpty()) {
      return v.groups();
    }
    return v.groups().stream().filter(g -> g.devices().stream().anyMatch(d -> d.name().equals(device.get().name()))).toList();
  }

  private static String devices(Explanation.Group g) {
    return g.devices().stream().map(Device::shortName).collect(Collectors.joining(", "));
  }

  private static String fatal(Explanation.Group g) {
    return g.findings().stream().filter(f -> f.severity() == Severity.FATAL).map(PolicyTestRunner::finding)
        .collect(Collectors.joining("; "));
  }

  static String finding(Explanation.Finding f) {
    return f.severity().keyword() + " from " + f.provenance() + ": " + f.message();
  }
}
