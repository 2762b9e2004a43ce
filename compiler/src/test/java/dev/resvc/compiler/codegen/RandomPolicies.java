package dev.resvc.compiler.codegen;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random {@code .resv} texts over the whole condition language: {@code and}/{@code or}/{@code not} and
 * parentheses, every comparison, sets and ranges, class patterns of 8, 16 and 24 bits, {@code has},
 * {@code overlaps}/{@code within} with ranges and guest kinds, {@code downstream_of}, PCI address sets,
 * driver and guest-name strings, {@code region.size} up to 2^64, predicates (some using another several
 * times, in a chain of three), imported constants and predicates, and every kind of {@code default}.
 * Constants come from small pools shared with {@link
 * RandomHosts}, so that conditions hold often enough to matter.
 *
 * <p>Names and strings are sometimes hostile to the generator (issue #17): rule, predicate and constant
 * names from {@link #HOSTILE_NAMES}, policy names from {@link #HOSTILE_CLASS_NAMES}, and strings longer
 * than a class file's string constant ({@link #LONG_TEXT}).
 */
final class RandomPolicies {
  /** The file random policies may import. */
  static final String COMMON = """
      // Imported by random policies.
      const MSI = 0xfee00000 .. 0xfeefffff;
      const LOW = 0 + 4G;
      predicate usb = device.class matches 0x0c03xx;
      predicate firmware = region.source in {rmrr, ivmd, iort-rmr};
      """;

  static final List<String> VENDORS = List.of("0x8086", "0x1022", "0x10de", "0x15b3");
  static final List<String> DEVICE_IDS = List.of("0xa36d", "0x1572", "0x10fb", "0x2000", "0");
  static final List<String> CLASS_PATTERNS = List.of("0x0c03xx", "0x03xxxx", "0x0c0330", "0x06xxxx", "0x0604xx",
      "0x020000", "0x01xxxx");
  static final List<String> CLASSES = List.of("0x0c0330", "0x030000", "0x060400", "0x020000", "0x010802");
  static final List<String> BDFS = List.of("00:14.0", "00:02.0", "01:00.0", "00:1c.0", "0001:3b:00.1", "02:00.1",
      "ffff:ff:1f.7");
  static final List<String> BRIDGES = List.of("00:1c.0", "00:01.0", "0001:3a:00.0");
  static final List<String> DEVICE_KINDS = List.of("pci", "platform", "fsl-mc", "amba", "other");
  /** Names of devices that are not PCI (RandomHosts suffixes all but a group's first), and a PCI function's. */
  static final List<String> DEVICE_NAMES = List.of("\"dprc.1\"", "\"AMDI0040:00\"", "\"MSFT0201:00\"",
      "\"platform0\"", "\"0000:00:14.0\"");
  /** HIDs, the empty one for an ACPI node without ids (no HID, as the kernel's sysfs has no hid file). */
  static final List<String> HIDS = List.of("\"AMDI0040\"", "\"MSFT0201\"", "\"ARMHD620\"", "\"\"");
  static final List<String> DRIVERS = List.of("\"xhci_hcd\"", "\"i915\"", "\"vfio-pci\"", "\"\"", "\"a\\\\b\\\"c\"");
  static final List<String> U64S = List.of("0", "1", "0x1000", "0x3e2e0000", "0xfee00000", "0xfeefffff",
      "0x100000000", "0xfffffffffffff000", "0xffffffffffffffff", "4G", "1M");
  static final List<String> SIZES = List.of("0", "1", "0x1000", "0x20000", "0x100000", "1M", "16M", "4G",
      "0xffffffffffffffff", "0x8000000000000000");
  static final List<String> RANGES = List.of("0xfee00000 .. 0xfeefffff", "0 .. 0xffffffff",
      "0x100000000 .. 0xffffffffffffffff", "0xfee00000 + 1M", "0 .. 0xffffffffffffffff", "0x3e2e0000 + 0x20000",
      "0xffffffffffffffff .. 0xffffffffffffffff");
  static final List<String> IMPORTED_RANGES = List.of("MSI", "LOW");
  static final List<String> TYPES = List.of("direct", "direct-relaxable", "reserved", "msi", "sw-msi");
  static final List<String> SOURCES = List.of("rmrr", "ivmd", "iort-rmr", "msi-window", "ht-window", "pci-window",
      "sw-msi", "floppy-wa", "sysfs");
  static final List<String> PROTS = List.of("read", "write", "cache", "noexec", "mmio", "priv");
  static final List<String> KINDS = List.of("ram", "mmio", "rom", "reserved");
  static final List<String> GUEST_NAMES = List.of("\"low-ram\"", "\"high-ram\"", "\"pci-hole\"", "\"bios\"",
      "\"lapic-msi\"", "\"ram\"");
  static final List<String> OPS = List.of("==", "!=", "<", "<=", ">", ">=");
  static final List<String> VERSIONS = List.of("4.18", "5.3", "5.4", "5.5", "6.0", "6.2", "6.6", "6.16");
  static final List<String> VERSION_RANGES = List.of("5.3 .. 6.5", "4.18 .. 5.4", "6.6 .. 6.6", "5.4.0 .. 5.4.300",
      "6.0 .. 6.16");
  static final List<String> BACKENDS = List.of("vfio-type1", "iommufd");
  static final List<String> IOMMU_DRIVERS = List.of("intel", "amd", "arm-smmu");
  static final List<String> MESSAGES = List.of("\"{region} overlaps {guest} at {overlap}\"", "\"{device} is stuck\"",
      "\"plain\"", "\"braces {{ and }} around {region}\"", "\"quote \\\" backslash \\\\ tab \\t newline \\n\"",
      "\"\"");

  /**
   * Names the language allows that have tripped the generator: the members of an index class
   * (IndexPlan.IndexField constants, DECISIONS, UNINDEXED) and the generator's own constants, java.lang and
   * runtime classes the generated code names, Java keywords and restricted identifiers, {@code _},
   * names equal once upper-cased or with {@code -} as {@code _}, and names longer than a field name
   * may be (two of them equal in their first 150 characters).
   */
  static final List<String> HOSTILE_NAMES = List.of("vendor", "VENDOR", "bdf", "start", "end", "device_id",
      "subsystem_device", "subsystem_vendor", "overlap", "class24", "class16", "class8", "group", "region_source",
      "region_type", "decisions", "DECISIONS", "unindexed", "classify_default", "CONFLICT_DEFAULT", "Long", "String",
      "Integer", "Override", "Region", "Policy", "KeyIndex", "ClassifyIndex", "ClassifyRules0", "Decisions0",
      "_", "__", "class", "public", "return", "int", "long", "new", "this", "null", "goto", "var", "record", "yield",
      "java", "a-b", "a_b", "x".repeat(150) + "1", "x".repeat(150) + "2");

  /**
   * Simple names of policy classes that have tripped the generator: java.lang classes the generated
   * code names, the runtime classes it imports, names of its nested classes and methods. Never {@code
   * java} or {@code dev}: see docs/codegen.md (names) on those as class names beside these.
   */
  static final List<String> HOSTILE_CLASS_NAMES = List.of("Long", "String", "Integer", "Override",
      "IllegalArgumentException", "Object", "Region", "Policy", "PciDevice", "PciAddress", "GuestRange", "GuestKind",
      "RegionType", "RegionSource", "ClassifyDecision", "ConflictDecision", "Provenance", "Severity", "KeyIndex",
      "WindowIndex", "List", "ClassifyIndex", "ConflictIndex", "Decisions0", "ClassifyRules0", "CLASSIFY_DEFAULT",
      "VENDOR", "conflict", "name", "compareSize", "_x", "var.record.Long", "yield.permits.String");

  /**
   * A string longer than one string constant of a class file may be (65,535 bytes of modified
   * UTF-8): 3-byte characters up to 3 bytes short of the limit, then a surrogate pair that must not
   * be cut, then 1- and 2-byte characters.
   */
  static final String LONG_TEXT = "\u20ac".repeat(21_844) + "\ud83d\ude00" + "tail-é".repeat(50);

  private final Random r;
  private final boolean imports;
  /**
   * The predicates of each section, each using the ones before it (the first sometimes with a hostile
   * name), the constant's name, and every rule name given so far.
   */
  private final List<String> classifyPredicates;
  private final List<String> conflictsPredicates;
  private final String range;
  private final Set<String> ruleNames = new HashSet<>();

  private RandomPolicies(Random r, boolean imports) {
    this.r = r;
    this.imports = imports;
    // Predicates and constants share a namespace with the imported ones and may not hide built-ins.
    List<String> names = HOSTILE_NAMES.stream()
        .filter(n -> !List.of("usb", "firmware", "MSI", "LOW", "device", "region", "guest").contains(n)).toList();
    String dp = r.nextInt(3) == 0 ? names.get(r.nextInt(names.size())) : "dp";
    String g = r.nextInt(3) == 0 ? names.get(r.nextInt(names.size())) : "gp";
    String gp = g.equals(dp) ? "gp" : g;
    this.classifyPredicates = List.of(dp, "dq", "dr");
    this.conflictsPredicates = List.of(gp, "gq", "gr");
    String c = r.nextInt(3) == 0 ? names.get(r.nextInt(names.size())) : "RANGE";
    this.range = c.equals(dp) || c.equals(gp) ? "RANGE" : c;
  }

  /** A random policy named {@code className}; it imports {@code common.resv} when {@code imports}. */
  static String text(Random r, String className, boolean imports) {
    return new RandomPolicies(r, imports).policy(className);
  }

  private String policy(String className) {
    StringBuilder sb = new StringBuilder("policy ").append(className).append(";\n");
    if (imports) {
      sb.append("import \"common.resv\";\n");
    }
    sb.append("const ").append(range).append(" = ").append(pick(RANGES)).append(";\n");
    for (Section s : Section.values()) {
      // p, then q and r each using the one before twice (and perhaps in their own parts): the
      // generated methods call one another, the interpreter evaluates each predicate once.
      List<String> names = predicates(s);
      sb.append("predicate ").append(names.get(0)).append(" = ").append(expr(s, 2, List.of())).append(";\n");
      for (int k = 1; k < names.size(); k++) {
        String prev = names.get(k - 1);
        List<String> usable = names.subList(0, k);
        sb.append("predicate ").append(names.get(k)).append(" = (").append(prev).append(" and (")
            .append(expr(s, 2, usable)).append(")) or (not ").append(prev).append(" and (")
            .append(expr(s, 2, usable)).append("));\n");
      }
    }
    int classify = r.nextInt(7);
    boolean classifyDefault = r.nextInt(3) > 0;
    if (classify > 0 || classifyDefault) {
      sb.append("classify {\n");
      for (int i = 0; i < classify; i++) {
        sb.append("  rule ").append(ruleName("c" + i)).append(": when ").append(expr(Section.CLASSIFY, 3, classifyPredicates)).append(" => ")
            .append(classifyAction()).append(";\n");
      }
      if (classifyDefault) {
        sb.append("  default => ").append(classifyAction()).append(";\n");
      }
      sb.append("}\n");
    }
    int conflicts = r.nextInt(7);
    boolean conflictDefault = r.nextInt(3) > 0;
    if (conflicts > 0 || conflictDefault) {
      sb.append("conflicts {\n");
      for (int i = 0; i < conflicts; i++) {
        sb.append("  rule ").append(ruleName("x" + i)).append(": when ").append(expr(Section.CONFLICTS, 3, conflictsPredicates)).append(" => ")
            .append(conflictAction()).append(";\n");
      }
      if (conflictDefault) {
        sb.append("  default => ").append(conflictAction()).append(";\n");
      }
      sb.append("}\n");
    }
    return sb.toString();
  }

  private List<String> predicates(Section s) {
    return s == Section.CLASSIFY ? classifyPredicates : conflictsPredicates;
  }

  /** Sometimes a hostile name not given yet, else {@code plain}. */
  private String ruleName(String plain) {
    String name = r.nextInt(4) == 0 ? pick(HOSTILE_NAMES) : plain;
    return ruleNames.add(name) ? name : plain;
  }

  /** A string literal from {@code pool}, or now and then {@link #LONG_TEXT}. */
  private String string(List<String> pool) {
    return r.nextInt(100) == 0 ? "\"" + LONG_TEXT + "\"" : pick(pool);
  }

  enum Section { CLASSIFY, CONFLICTS }

  private String classifyAction() {
    int k = r.nextInt(TYPES.size() + 2);
    return k == 0 ? "keep" : k == 1 ? "drop" : TYPES.get(k - 2);
  }

  private String conflictAction() {
    int k = r.nextInt(4);
    return k == 0 ? "allow" : List.of("fatal", "warn", "info").get(k - 1) + " " + string(MESSAGES);
  }

  /** A condition of {@code s} nested up to {@code depth} levels, which may use the {@code predicates}. */
  private String expr(Section s, int depth, List<String> predicates) {
    if (depth == 0 || r.nextInt(10) < 4) {
      return atom(s, predicates);
    }
    return switch (r.nextInt(5)) {
      case 0, 1 -> "(" + expr(s, depth - 1, predicates) + ") and " + expr(s, depth - 1, predicates);
      case 2, 3 -> expr(s, depth - 1, predicates) + " or (" + expr(s, depth - 1, predicates) + ")";
      default -> "not (" + expr(s, depth - 1, predicates) + ")";
    };
  }

  private String atom(Section s, List<String> predicates) {
    if (!predicates.isEmpty() && r.nextInt(12) == 0) {
      return pick(predicates);
    }
    if (imports && r.nextInt(12) == 0) {
      return s == Section.CLASSIFY && r.nextBoolean() ? "usb" : "firmware";
    }
    if (r.nextInt(30) == 0) {
      return r.nextBoolean() ? "true" : "false";
    }
    if (r.nextInt(8) == 0) {
      return kernelAtom();
    }
    if (s == Section.CLASSIFY && r.nextInt(2) == 0) {
      return deviceAtom();
    }
    if (s == Section.CONFLICTS && r.nextInt(2) == 0) {
      return guestAtom();
    }
    return regionAtom();
  }

  private String deviceAtom() {
    return switch (r.nextInt(19)) {
      case 14 -> "device.kind " + (r.nextBoolean() ? "== " : "!= ") + pick(DEVICE_KINDS);
      case 15 -> "device.kind in {" + pick(DEVICE_KINDS) + ", " + pick(DEVICE_KINDS) + "}";
      case 16 -> "device.name " + (r.nextBoolean() ? "== " : "!= ") + string(DEVICE_NAMES);
      case 17 -> "device.hid " + (r.nextBoolean() ? "== " : "!= ") + string(HIDS);
      // tests that hold at 0, which a device that is not PCI must still fail
      case 18 -> pick(List.of("device.vendor < 0x1000", "device.class == 0", "device.bdf == 0000:00:00.0",
          "device.device_id in {0, 0x10fb}", "device.subsystem_vendor in 0 .. 0x10", "device.class matches 0x00xxxx"));
      case 0 -> "device.vendor " + pick(OPS) + " " + pick(VENDORS);
      case 1 -> "device.device_id in {" + pick(DEVICE_IDS) + ", " + pick(DEVICE_IDS) + "}";
      case 2 -> "device.subsystem_vendor in 0x1000 .. 0x8086";
      case 3 -> "device.subsystem_device " + pick(OPS) + " " + pick(DEVICE_IDS);
      case 4 -> "device.class matches " + pick(CLASS_PATTERNS);
      case 5 -> "device.class " + pick(OPS) + " " + pick(CLASSES);
      case 6 -> "device.group " + pick(OPS) + " " + r.nextInt(6);
      case 7 -> "device.bdf == " + pick(BDFS);
      case 8 -> "device.bdf in {" + pick(BDFS) + ", " + pick(BDFS) + "}";
      case 9 -> "device.bdf != " + pick(BDFS);
      case 10 -> "device.downstream_of(" + pick(BRIDGES) + ")";
      case 11 -> "device.driver " + (r.nextBoolean() ? "== " : "!= ") + string(DRIVERS);
      case 12 -> "device.driver in {" + string(DRIVERS) + ", " + pick(DRIVERS) + "}";
      default -> r.nextBoolean() ? "device.bridge" : "device.bridge == false";
    };
  }

  /** A test of the kernel; versions at the era boundaries, with a patch level where `==` would warn (W132). */
  private String kernelAtom() {
    return switch (r.nextInt(6)) {
      case 0 -> "kernel.version " + pick(List.of("<", "<=", ">", ">=")) + " " + pick(VERSIONS);
      case 1 -> "kernel.version " + (r.nextBoolean() ? "== " : "!= ") + pick(VERSIONS) + ".0";
      case 2 -> "kernel.version in " + pick(VERSION_RANGES);
      case 3 -> "kernel.backend " + (r.nextBoolean() ? "== " : "!= ") + pick(BACKENDS);
      case 4 -> "kernel.driver in {" + pick(IOMMU_DRIVERS) + ", " + pick(IOMMU_DRIVERS) + "}";
      default -> r.nextBoolean() ? "host.msi_isolated" : "not host.msi_isolated";
    };
  }

  private String regionAtom() {
    return switch (r.nextInt(12)) {
      case 0 -> "region.type == " + pick(TYPES);
      case 1 -> "region.type in {" + pick(TYPES) + ", " + pick(TYPES) + "}";
      case 2 -> "region.type != " + pick(TYPES);
      case 3 -> "region.source == " + pick(SOURCES);
      case 4 -> "region.source in {" + pick(SOURCES) + ", " + pick(SOURCES) + ", " + pick(SOURCES) + "}";
      case 5 -> "region.prot has " + pick(PROTS);
      case 6 -> (r.nextBoolean() ? "region.start " : "region.end ") + pick(OPS) + " " + pick(U64S);
      case 7 -> "region.size " + pick(OPS) + " " + pick(SIZES);
      case 8 -> r.nextBoolean() ? "region.size in " + pick(SIZES) + " .. 0xffffffffffffffff"
          : "region.size in {" + pick(SIZES) + ", " + pick(SIZES) + "}";
      case 9 -> "region.start in " + pick(RANGES);
      case 10 -> "overlaps(" + range() + ")";
      default -> "within(" + range() + ")";
    };
  }

  private String range() {
    int k = r.nextInt(5);
    return k == 0 ? range : imports && k == 1 ? pick(IMPORTED_RANGES) : pick(RANGES);
  }

  private String guestAtom() {
    return switch (r.nextInt(8)) {
      case 0 -> "overlaps(guest)";
      case 1 -> "overlaps(guest." + pick(KINDS) + ")";
      case 2 -> "within(guest)";
      case 3 -> "within(guest." + pick(KINDS) + ")";
      case 4 -> "guest.kind " + (r.nextBoolean() ? "== " : "!= ") + pick(KINDS);
      case 5 -> "guest.name " + (r.nextBoolean() ? "== " : "!= ") + string(GUEST_NAMES);
      case 6 -> (r.nextBoolean() ? "guest.start " : "guest.end ") + pick(OPS) + " " + pick(U64S);
      default -> "guest.start in " + pick(RANGES);
    };
  }

  private String pick(List<String> xs) {
    return xs.get(r.nextInt(xs.size()));
  }
}
