package dev.resvc.bench;

import dev.resvc.runtime.kernel.TargetKernel;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import java.util.List;
import java.util.Optional;

/**
 * The same rules as CEL expressions (cel-java, planner runtime): each rule's condition is compiled
 * once into a {@link CelRuntime.Program}; a decision evaluates the programs in source order with the
 * region's and device's fields as activation variables and returns the first rule that holds.
 *
 * <p>Variables: {@code cls}, {@code vendor}, {@code device_id}, {@code bdf} (segment &lt;&lt; 16 |
 * requester id), {@code group}, {@code start}, {@code end} (ints; every address the benchmarks use is
 * below 2^63, so signed comparison is exact), {@code source}, {@code type} (the .resv names, strings)
 * and, for conflicts, {@code guest_kind} ({@code ""} when no guest range overlaps).
 */
public final class CelPolicy implements Policy {
  /** One rule: a CEL condition and the decision it returns. */
  public record Rule<D>(String name, String condition, D decision) {}

  private static final Cel CEL = CelFactory.plannerCelBuilder()
      .addVar("cls", SimpleType.INT)
      .addVar("vendor", SimpleType.INT)
      .addVar("device_id", SimpleType.INT)
      .addVar("bdf", SimpleType.INT)
      .addVar("group", SimpleType.INT)
      .addVar("start", SimpleType.INT)
      .addVar("end", SimpleType.INT)
      .addVar("source", SimpleType.STRING)
      .addVar("type", SimpleType.STRING)
      .addVar("guest_kind", SimpleType.STRING)
      .setResultType(SimpleType.BOOL)
      .build();

  private final String name;
  private final CelRuntime.Program[] classifyPrograms;
  private final ClassifyDecision[] classifyDecisions;
  private final ClassifyDecision classifyDefault;
  private final CelRuntime.Program[] conflictPrograms;
  private final ConflictDecision[] conflictDecisions;
  private final ConflictDecision conflictDefault;

  public CelPolicy(String name, List<Rule<ClassifyDecision>> classify, ClassifyDecision classifyDefault,
      List<Rule<ConflictDecision>> conflicts, ConflictDecision conflictDefault) {
    this.name = name;
    this.classifyPrograms = new CelRuntime.Program[classify.size()];
    this.classifyDecisions = new ClassifyDecision[classify.size()];
    for (int i = 0; i < classify.size(); i++) {
      classifyPrograms[i] = program(classify.get(i));
      classifyDecisions[i] = classify.get(i).decision();
    }
    this.classifyDefault = classifyDefault;
    this.conflictPrograms = new CelRuntime.Program[conflicts.size()];
    this.conflictDecisions = new ConflictDecision[conflicts.size()];
    for (int i = 0; i < conflicts.size(); i++) {
      conflictPrograms[i] = program(conflicts.get(i));
      conflictDecisions[i] = conflicts.get(i).decision();
    }
    this.conflictDefault = conflictDefault;
  }

  private static CelRuntime.Program program(Rule<?> rule) {
    try {
      return CEL.createProgram(CEL.compile(rule.condition()).getAst());
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException("rule " + rule.name() + ": CEL '" + rule.condition() + "': " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int apiVersion() {
    return API_VERSION;
  }

  @Override
  public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {
    Activation facts = new Activation(device, group, region, null);
    for (int i = 0; i < classifyPrograms.length; i++) {
      if (holds(classifyPrograms[i], facts)) {
        return classifyDecisions[i];
      }
    }
    return classifyDefault;
  }

  @Override
  public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) {
    Activation facts = new Activation(null, -1, region, guest);
    for (int i = 0; i < conflictPrograms.length; i++) {
      if (holds(conflictPrograms[i], facts)) {
        return conflictDecisions[i];
      }
    }
    return conflictDefault;
  }

  private static boolean holds(CelRuntime.Program program, Activation facts) {
    try {
      return (Boolean) program.eval(facts);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The activation: the fields of one (device, region) pair or (region, guest range) pair, read on demand;
   * a device that is not PCI has none of the PCI fields.
   */
  private record Activation(Device member, int group, Region region, GuestRange guest) implements CelVariableResolver {
    @Override
    public Optional<Object> find(String variable) {
      PciDevice device = member instanceof PciDevice p ? p : null;
      switch (variable) {
        case "cls":
          return device == null ? Optional.empty() : Optional.of((long) device.classCode());
        case "vendor":
          return device == null ? Optional.empty() : Optional.of((long) device.vendor());
        case "device_id":
          return device == null ? Optional.empty() : Optional.of((long) device.deviceId());
        case "bdf":
          if (device == null) {
            return Optional.empty();
          }
          PciAddress a = device.address();
          return Optional.of((long) (a.segment() << 16 | a.requesterId()));
        case "group":
          return Optional.of((long) group);
        case "start":
          return Optional.of(region.start());
        case "end":
          return Optional.of(region.end());
        case "source":
          return Optional.of(region.source().resvName());
        case "type":
          return Optional.of(region.type().resvName());
        case "guest_kind":
          return Optional.of(guest == null ? "" : guest.kind().resvName());
        default:
          return Optional.empty();
      }
    }
  }
}
