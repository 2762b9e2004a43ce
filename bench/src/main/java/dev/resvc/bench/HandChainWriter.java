package dev.resvc.bench;

import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.runtime.policy.Policy;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes, for a {@link RuleMix}, the Java a person would type for 10 or 100 rules: one {@code if} per
 * rule in source order with the fields read into locals once, no dispatch, no loop. The text is
 * printed by this class only because typing 100 rules by hand for a benchmark proves nothing more;
 * it contains nothing that a person would not write. Compiled with javac in memory.
 */
public final class HandChainWriter {
  private HandChainWriter() {}

  public static Policy load(RuleMix mix) {
    String cls = "HandChain" + mix.rules().size();
    return CompiledPolicies.load(InMemoryJavaCompiler.compileSources(Map.of("bench." + cls, source(cls, mix.rules()))));
  }

  static String source(String cls, List<RuleMix.Rule> rules) {
    StringBuilder b = new StringBuilder();
    b.append("package bench;\n")
        .append("import dev.resvc.runtime.guest.GuestRange;\n")
        .append("import dev.resvc.runtime.kernel.TargetKernel;\n")
        .append("import dev.resvc.runtime.model.*;\n")
        .append("import dev.resvc.runtime.policy.*;\n")
        .append("public final class ").append(cls).append(" implements Policy {\n")
        .append("  private static final ClassifyDecision KEEP = ClassifyDecision.keep(new Provenance(\"default\", \"hand\", 0));\n")
        .append("  private static final ConflictDecision ALLOW = ConflictDecision.allow(new Provenance(\"default\", \"hand\", 0));\n");
    for (RuleMix.Rule r : rules) {
      String d = switch (r.action()) {
        case "keep" -> "ClassifyDecision.keep(";
        case "drop" -> "ClassifyDecision.drop(";
        default -> "ClassifyDecision.setType(RegionType." + r.action().toUpperCase(Locale.ROOT).replace('-', '_') + ", ";
      };
      b.append("  private static final ClassifyDecision R").append(r.index()).append(" = ").append(d)
          .append("new Provenance(\"").append(r.name()).append("\", \"hand\", ").append(r.index()).append("));\n");
    }
    b.append("  public String name() { return \"bench.Mix").append(rules.size()).append("\"; }\n")
        .append("  public int apiVersion() { return API_VERSION; }\n")
        .append("  public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) { return ALLOW; }\n")
        .append("  public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {\n")
        .append("    PciDevice pci = device instanceof PciDevice p ? p : null;\n")
        .append("    int vendor = pci == null ? -1 : pci.vendor();\n")
        .append("    int deviceId = pci == null ? -1 : pci.deviceId();\n")
        .append("    int cls = pci == null ? -1 : pci.classCode();\n")
        .append("    int bdf = pci == null ? -1 : pci.address().segment() << 16 | pci.address().requesterId();\n")
        .append("    RegionSource source = region.source();\n")
        .append("    RegionType type = region.type();\n")
        .append("    long start = region.start();\n")
        .append("    long end = region.end();\n")
        .append("    boolean covers = Long.compareUnsigned(end, start) >= 0;\n");
    for (RuleMix.Rule r : rules) {
      b.append("    if (").append(javaCondition(r)).append(") return R").append(r.index()).append(";\n");
    }
    b.append("    return KEEP;\n  }\n}\n");
    return b.toString();
  }

  private static String javaCondition(RuleMix.Rule r) {
    List<String> t = new java.util.ArrayList<>();
    if (r.sourceMask() != 0) {
      List<String> any = new java.util.ArrayList<>();
      for (dev.resvc.runtime.model.RegionSource s : dev.resvc.runtime.model.RegionSource.values()) {
        if ((r.sourceMask() & (1 << s.ordinal())) != 0) {
          any.add("source == RegionSource." + s.name());
        }
      }
      t.add(any.size() == 1 ? any.get(0) : "(" + String.join(" || ", any) + ")");
    }
    if (r.typeMask() != 0) {
      for (dev.resvc.runtime.model.RegionType ty : dev.resvc.runtime.model.RegionType.values()) {
        if ((r.typeMask() & (1 << ty.ordinal())) != 0) {
          t.add("type == RegionType." + ty.name());
        }
      }
    }
    if (r.vendor() >= 0) {
      t.add(String.format(Locale.ROOT, "vendor == 0x%04x", r.vendor()));
    }
    if (r.deviceId() >= 0) {
      t.add(String.format(Locale.ROOT, "deviceId == 0x%04x", r.deviceId()));
    }
    if (r.classBits() > 0) {
      int shift = 24 - r.classBits();
      t.add(String.format(Locale.ROOT, "(cls >>> %d) == 0x%x", shift, r.classValue() >>> shift));
    }
    if (r.address() != null) {
      t.add(String.format(Locale.ROOT, "bdf == 0x%x", r.address().segment() << 16 | r.address().requesterId()));
    }
    String lo = String.format(Locale.ROOT, "0x%xL", r.lo());
    String hi = String.format(Locale.ROOT, "0x%xL", r.hi());
    switch (r.range()) {
      case WITHIN -> t.add("covers && Long.compareUnsigned(start, " + lo + ") >= 0 && Long.compareUnsigned(end, " + hi + ") <= 0");
      case START_IN -> t.add("Long.compareUnsigned(start, " + lo + ") >= 0 && Long.compareUnsigned(start, " + hi + ") <= 0");
      case OVERLAPS -> t.add("covers && Long.compareUnsigned(start, " + hi + ") <= 0 && Long.compareUnsigned(end, " + lo + ") >= 0");
      case NONE -> { }
    }
    return String.join(" && ", t);
  }
}
