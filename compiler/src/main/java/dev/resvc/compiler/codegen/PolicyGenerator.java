package dev.resvc.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.CondPrinter;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Scope;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.codegen.CondCompiler.Helper;
import dev.resvc.compiler.codegen.CondCompiler.JavaExpr;
import dev.resvc.compiler.codegen.CondCompiler.Known;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import dev.resvc.runtime.policy.index.KeyIndex;
import dev.resvc.runtime.policy.index.WindowIndex;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Modifier;

/**
 * Generates the Java class of a checked policy (see docs/codegen.md): one public final class that
 * implements {@link Policy} and depends on the runtime only. Rules become {@code if (…) return
 * DECISION;} in source order behind a {@code switch} on the region field that prunes the most rules;
 * long rule lists are split into methods of {@link #RULES_PER_METHOD} rules, and large policies into
 * nested classes, so no method or constant pool reaches the JVM's limits. The same input always gives
 * the same text.
 */
public final class PolicyGenerator {
  /** Where a jar lists its policies for {@link java.util.ServiceLoader}. */
  public static final String SERVICE_FILE = "META-INF/services/" + Policy.class.getName();

  /** The most rules one generated method tests. */
  public static final int RULES_PER_METHOD = 200;

  /**
   * From this many rules on, a section finds its candidate rules through indexes ({@link IndexPlan})
   * instead of testing its rules in turn.
   */
  public static final int INDEX_THRESHOLD = 64;

  /** The rules one generated {@code holds} method of an indexed section tests (by rule number). */
  static final int HOLDS_PER_METHOD = 64;

  /** Table lines per text block in an index table. */
  private static final int TABLE_LINES_PER_BLOCK = 1000;

  /** Above this many rules, decisions and rule methods move into nested classes. */
  static final int LARGE_POLICY = 1000;

  /** Decision constants per nested holder class of a large policy. */
  static final int DECISIONS_PER_CLASS = 500;

  /** The most characters of a decision constant's name: a rule name may be far longer (a class file takes 65,535 bytes). */
  static final int MAX_FIELD_NAME = 100;

  /** The member of an indexed section's {@code …Index} class listing the rules no table holds. */
  private static final String UNINDEXED = "UNINDEXED";

  /** The member of an indexed section's {@code …Index} class holding each rule's decision. */
  private static final String DECISIONS = "DECISIONS";

  private static final String VERSION = readVersion();

  private PolicyGenerator() {}

  /** The version of resvc this generator belongs to, as stamped in generated headers. */
  public static String version() {
    return VERSION;
  }

  /**
   * What identifies this generator's code, for build tools that skip unchanged inputs: the version,
   * the runtime API version and a SHA-256 of the compiler's classes (its jar, or its class directory
   * in a development build), so that a rebuilt snapshot of resvc regenerates what it would write
   * differently.
   */
  public static synchronized String fingerprint() {
    if (fingerprint == null) {
      fingerprint = VERSION + " api " + Policy.API_VERSION + " code " + codeHash();
    }
    return fingerprint;
  }

  private static String fingerprint;

  private static String codeHash() {
    try {
      URL where = PolicyGenerator.class.getProtectionDomain().getCodeSource().getLocation();
      Path path = Path.of(where.toURI());
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          sha.update(path.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          sha.update(Files.readAllBytes(f));
        }
      } else {
        sha.update(Files.readAllBytes(path));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (IOException | URISyntaxException | NoSuchAlgorithmException | RuntimeException e) {
      return "unknown-" + System.nanoTime(); // cannot tell: count as changed, so that outputs are regenerated
    }
  }

  /**
   * The Java class for {@code policy}.
   *
   * @param sourceHash the SHA-256 of the policy's sources (see {@link #sourceHash}), stamped in the header
   */
  public static JavaFile generate(CheckedPolicy policy, String sourceHash) {
    return generate(policy, sourceHash, Policy.API_VERSION);
  }

  /** As {@link #generate(CheckedPolicy, String)}, claiming another API version (tests of the handshake). */
  static JavaFile generate(CheckedPolicy policy, String sourceHash, int apiVersion) {
    return new Generator(policy, sourceHash, apiVersion, Tuning.DEFAULT).file();
  }

  /**
   * How eagerly sections are indexed: from {@code indexThreshold} rules on, with indexes of at least
   * {@code minIndexRules} rules. Tests lower both to index the small random policies they compare.
   */
  record Tuning(int indexThreshold, int minIndexRules) {
    static final Tuning DEFAULT = new Tuning(INDEX_THRESHOLD, IndexPlan.MIN_RULES);
  }

  /** As {@link #generate(CheckedPolicy, String)}, tuned (tests). */
  static JavaFile generate(CheckedPolicy policy, String sourceHash, Tuning tuning) {
    return new Generator(policy, sourceHash, Policy.API_VERSION, tuning).file();
  }

  /** The fully qualified name of the class generated for {@code policy}. */
  public static String className(CheckedPolicy policy) {
    return policy.name();
  }

  /**
   * Why policies named {@code a} and {@code b} cannot be compiled together, or empty when they can:
   * one class name for both, or one the package of the other (javac: "class a.b clashes with package
   * of same name").
   */
  public static Optional<String> clash(String a, String b) {
    if (a.equals(b)) {
      return Optional.of("two policies are named " + a + "; each needs its own `policy` name");
    }
    if (b.startsWith(a + ".")) {
      return Optional.of(packageClash(a, b));
    }
    return a.startsWith(b + ".") ? Optional.of(packageClash(b, a)) : Optional.empty();
  }

  private static String packageClash(String cls, String inside) {
    return "policy " + cls + " is also the package of policy " + inside
        + "; a name cannot be both a class and a package, so rename one";
  }

  /**
   * The SHA-256, in hex, of a policy's sources ({@code PolicyCompiler.Compilation.sources()}: file
   * name to text): over each file in name order, its name, a NUL, its UTF-8 text and a NUL.
   */
  public static String sourceHash(Map<String, String> sources) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : new TreeMap<>(sources).entrySet()) {
        sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The text of {@link #SERVICE_FILE} for a jar holding these policy classes: one name a line, sorted. */
  public static String serviceFile(Collection<String> classNames) {
    StringBuilder sb = new StringBuilder();
    for (String name : new TreeSet<>(classNames)) {
      sb.append(name).append('\n');
    }
    return sb.toString();
  }

  private static String readVersion() {
    try (InputStream in = PolicyGenerator.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "");
      return v.isEmpty() || v.startsWith("$") ? "(development build)" : v;
    } catch (IOException e) {
      return "(development build)";
    }
  }

  /** A rule with its number in its section, which names its decision constant and its place in index tables. */
  private record NumberedRule(int index, CheckedPolicy.Rule<?> rule) {
    String name() {
      return rule.name();
    }

    Span span() {
      return rule.span();
    }

    Cond condition() {
      return rule.condition();
    }
  }

  /** One occurrence of a rule in a list the generated code walks, with its condition compiled for that list. */
  private record Occurrence(NumberedRule rule, JavaExpr test) {}

  /** Which decision constant: rule {@code rule} of a section, or (rule {@link #DEFAULT}) its default. */
  private record DecisionKey(Section section, int rule) {
    static final int DEFAULT = -1;

    static DecisionKey defaultOf(Section section) {
      return new DecisionKey(section, DEFAULT);
    }
  }

  /** The runtime {@code Policy} method a section compiles to, which also names its helper methods. */
  private static String methodName(Section section) {
    return section == Section.CLASSIFY ? "classify" : "conflict";
  }

  /** {@link #methodName} capitalised, for the generated classes' names. */
  private static String title(Section section) {
    return section == Section.CLASSIFY ? "Classify" : "Conflict";
  }

  /** What the section's method returns. */
  private static Class<?> decisionType(Section section) {
    return section == Section.CLASSIFY ? ClassifyDecision.class : ConflictDecision.class;
  }

  private static final class Generator {
    private final CheckedPolicy policy;
    private final String sourceHash;
    private final int apiVersion;
    private final ClassName self;
    private final boolean large;
    private final TypeSpec.Builder type;
    /**
     * The names of the decision constants. They are read inside the {@code …Index} classes too, where
     * that class's members would hide a constant of the same name, so those names are taken first.
     */
    private final NameAllocator fieldNames = new NameAllocator();
    private final Set<String> typeNames = new TreeSet<>();
    private final EnumSet<Helper> helpers = EnumSet.noneOf(Helper.class);
    private final PredicateMethods predicates = new PredicateMethods(helpers);
    private final List<TypeSpec> nested = new ArrayList<>();
    private final Map<DecisionKey, CodeBlock> decisionRefs = new LinkedHashMap<>();
    /** Decision holder classes of a large policy that fill an indexed section's decision array. */
    private final List<String> classifyFillers = new ArrayList<>();
    private final List<String> conflictFillers = new ArrayList<>();
    private final Tuning tuning;
    private final boolean classifyIndexed;
    private final boolean conflictIndexed;
    private int chunks;

    Generator(CheckedPolicy policy, String sourceHash, int apiVersion, Tuning tuning) {
      this.policy = policy;
      this.tuning = tuning;
      this.sourceHash = sourceHash;
      this.apiVersion = apiVersion;
      this.classifyIndexed = policy.classifyRules().size() >= tuning.indexThreshold();
      this.conflictIndexed = policy.conflictRules().size() >= tuning.indexThreshold();
      this.self = ClassName.get(policy.packageName(), policy.simpleName());
      this.large = policy.classifyRules().size() + policy.conflictRules().size() > LARGE_POLICY;
      this.type = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
          .addSuperinterface(Policy.class);
      typeNames.add(policy.simpleName());
      fieldNames.newName(UNINDEXED);
      fieldNames.newName(DECISIONS);
      for (IndexPlan.IndexField f : IndexPlan.IndexField.values()) {
        fieldNames.newName(f.constant());
      }
    }

    JavaFile file() {
      type.addJavadoc("The policy {@code $L}, compiled to Java: immutable, thread-safe, allocation-free per call.\n",
          policy.name());
      decisions();
      type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC).build());
      type.addMethod(MethodSpec.methodBuilder("name").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .returns(String.class).addStatement("return $L", JavaText.string(policy.name())).build());
      type.addMethod(MethodSpec.methodBuilder("apiVersion").addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC).returns(int.class)
          .addComment("$T.API_VERSION of the runtime this class was generated against", Policy.class)
          .addStatement("return $L", apiVersion).build());

      List<MethodSpec> chunkMethods = new ArrayList<>();
      for (Section section : Section.values()) {
        List<NumberedRule> rules = new ArrayList<>();
        for (CheckedPolicy.Rule<?> r : policy.rules(section)) {
          rules.add(new NumberedRule(rules.size(), r));
        }
        type.addMethod(section(section, rules, chunkMethods));
      }
      chunkMethods.forEach(type::addMethod);
      predicates.specs().forEach(type::addMethod);
      helpers();
      nested.forEach(type::addType);

      String header = "Generated by resvc " + version() + " from " + policy.file() + ", source sha256 "
          + sourceHash + ". Do not edit.";
      return JavaFile.builder(self.packageName(), type.build())
          .addFileComment("$L", JavaText.comment(header))
          // Import java.lang types too: a single-type import shadows a policy class of the same package
          // (x.Long beside x.Foo), where java.lang's implicit import would not.
          .skipJavaLangImports(false)
          .indent("  ")
          .build();
    }

    // ---------------------------------------------------------------------------------------------
    // Decisions

    private void decisions() {
      List<FieldSpec> fields = new ArrayList<>();
      String classifyDefault = fieldName("CLASSIFY_DEFAULT");
      String conflictDefault = fieldName("CONFLICT_DEFAULT");
      FieldSpec cd = constant(ClassifyDecision.class, classifyDefault, classifyInit(policy.classifyDefault()));
      FieldSpec xd = constant(ConflictDecision.class, conflictDefault, conflictInit(policy.conflictDefault()));
      type.addField(cd);
      type.addField(xd);
      decisionRefs.put(DecisionKey.defaultOf(Section.CLASSIFY), CodeBlock.of("$N", classifyDefault));
      decisionRefs.put(DecisionKey.defaultOf(Section.CONFLICTS), CodeBlock.of("$N", conflictDefault));
      List<DecisionKey> keys = new ArrayList<>();
      for (int i = 0; i < policy.classifyRules().size(); i++) {
        CheckedPolicy.Rule<ClassifyDecision> r = policy.classifyRules().get(i);
        String name = fieldName(ruleFieldName(r.name()));
        fields.add(constant(ClassifyDecision.class, name, classifyInit(r.decision())));
        keys.add(new DecisionKey(Section.CLASSIFY, i));
      }
      for (int i = 0; i < policy.conflictRules().size(); i++) {
        CheckedPolicy.Rule<ConflictDecision> r = policy.conflictRules().get(i);
        String name = fieldName(ruleFieldName(r.name()));
        fields.add(constant(ConflictDecision.class, name, conflictInit(r.decision())));
        keys.add(new DecisionKey(Section.CONFLICTS, i));
      }
      if (!large) {
        for (int i = 0; i < fields.size(); i++) {
          type.addField(fields.get(i));
          decisionRefs.put(keys.get(i), CodeBlock.of("$N", fields.get(i).name()));
        }
        return;
      }
      for (int start = 0; start < fields.size(); start += DECISIONS_PER_CLASS) {
        String holder = typeName("Decisions" + (start / DECISIONS_PER_CLASS));
        TypeSpec.Builder b = TypeSpec.classBuilder(holder)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Decisions $L to $L, in rule order.\n", start,
                Math.min(start + DECISIONS_PER_CLASS, fields.size()) - 1);
        b.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        MethodSpec.Builder fillClassify = MethodSpec.methodBuilder("fillClassify").addModifiers(Modifier.STATIC)
            .addParameter(ClassifyDecision[].class, "decisions")
            .addJavadoc("Puts this class's classify decisions at their rule numbers.\n");
        MethodSpec.Builder fillConflict = MethodSpec.methodBuilder("fillConflict").addModifiers(Modifier.STATIC)
            .addParameter(ConflictDecision[].class, "decisions")
            .addJavadoc("Puts this class's conflicts decisions at their rule numbers.\n");
        boolean anyClassify = false;
        boolean anyConflict = false;
        for (int i = start; i < Math.min(start + DECISIONS_PER_CLASS, fields.size()); i++) {
          b.addField(fields.get(i));
          decisionRefs.put(keys.get(i), CodeBlock.of("$N.$N", holder, fields.get(i).name()));
          int number = keys.get(i).rule();
          if (keys.get(i).section() == Section.CLASSIFY && classifyIndexed) {
            fillClassify.addStatement("decisions[$L] = $N", number, fields.get(i).name());
            anyClassify = true;
          } else if (keys.get(i).section() == Section.CONFLICTS && conflictIndexed) {
            fillConflict.addStatement("decisions[$L] = $N", number, fields.get(i).name());
            anyConflict = true;
          }
        }
        if (anyClassify) {
          b.addMethod(fillClassify.build());
          classifyFillers.add(holder);
        }
        if (anyConflict) {
          b.addMethod(fillConflict.build());
          conflictFillers.add(holder);
        }
        nested.add(b.build());
      }
    }

    private static FieldSpec constant(Class<?> type, String name, CodeBlock init) {
      return FieldSpec.builder(type, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL).initializer(init).build();
    }

    private static CodeBlock provenance(Provenance p) {
      return CodeBlock.of("new $T($L, $L, $L)", Provenance.class, JavaText.string(p.rule()),
          JavaText.string(p.file()), p.line());
    }

    private static CodeBlock classifyInit(ClassifyDecision d) {
      return switch (d.kind()) {
        case KEEP -> CodeBlock.of("$T.keep($L)", ClassifyDecision.class, provenance(d.provenance()));
        case DROP -> CodeBlock.of("$T.drop($L)", ClassifyDecision.class, provenance(d.provenance()));
        case SET_TYPE -> CodeBlock.of("$T.setType($T.$L, $L)", ClassifyDecision.class, RegionType.class,
            d.type().name(), provenance(d.provenance()));
      };
    }

    private static CodeBlock conflictInit(ConflictDecision d) {
      if (d.severity() == Severity.ALLOW) {
        return CodeBlock.of("$T.allow($L)", ConflictDecision.class, provenance(d.provenance()));
      }
      return CodeBlock.of("$T.report($T.$L, $L, $L)", ConflictDecision.class, Severity.class, d.severity().name(),
          JavaText.string(d.message().source()), provenance(d.provenance()));
    }

    /**
     * {@code usb-rmrr} → {@code USB_RMRR}; never a keyword (upper case) nor {@code _}, at most {@link
     * #MAX_FIELD_NAME} characters.
     */
    private static String ruleFieldName(String rule) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < rule.length() && i < MAX_FIELD_NAME - "RULE_".length(); i++) {
        char c = rule.charAt(i);
        sb.append(c < 0x80 && Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
      }
      String s = sb.toString();
      return SourceVersion.isName(s) && !s.startsWith("_") ? s : "RULE_" + s;
    }

    /** {@code base}, or {@code base_}, {@code base__}, … when taken. */
    private String fieldName(String base) {
      return fieldNames.newName(base);
    }

    /** A nested class name distinct from the generated class's own. */
    private String typeName(String base) {
      String name = base;
      while (!typeNames.add(name)) {
        name = name + "_";
      }
      return name;
    }

    // ---------------------------------------------------------------------------------------------
    // classify and conflict

    private MethodSpec section(Section section, List<NumberedRule> rules, List<MethodSpec> chunkMethods) {
      if (section == Section.CLASSIFY ? classifyIndexed : conflictIndexed) {
        return indexedSection(section, rules, chunkMethods);
      }
      String kind = methodName(section);
      Class<?> decisionType = decisionType(section);
      Known known = Known.scopes(EnumSet.complementOf(EnumSet.copyOf(section.scopes())));
      MethodSpec.Builder m = MethodSpec.methodBuilder(kind).addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC).returns(decisionType);
      m.addParameter(TargetKernel.class, "kernel");
      if (section == Section.CLASSIFY) {
        m.addParameter(Device.class, "device").addParameter(int.class, "group").addParameter(Region.class, "region");
      } else {
        m.addParameter(Region.class, "region").addParameter(GuestRange.class, "guest");
      }

      Field dispatch = chooseDispatch(rules, known);
      Set<Local> used = EnumSet.noneOf(Local.class);
      // Each list the generated code walks, keyed by its code, with the field values that walk it.
      Map<String, List<Integer>> valuesByList = new LinkedHashMap<>();
      Map<String, List<Occurrence>> lists = new LinkedHashMap<>();
      // The locals each list reads, so that a switch case reads only what its own rules test.
      Map<String, Set<Local>> usedByList = new LinkedHashMap<>();
      if (dispatch == null) {
        List<Occurrence> list = occurrences(rules, known, used);
        if (!list.isEmpty()) {
          lists.put("", list);
          valuesByList.put("", List.of());
        }
      } else {
        for (int v = 0; v < dispatch.constants().size(); v++) {
          Set<Local> usedHere = EnumSet.noneOf(Local.class);
          List<Occurrence> list = occurrences(rules, known.with(dispatch, v), usedHere);
          if (list.isEmpty()) {
            continue;
          }
          used.addAll(usedHere);
          String key = listKey(list);
          lists.putIfAbsent(key, list);
          usedByList.computeIfAbsent(key, k -> EnumSet.noneOf(Local.class)).addAll(usedHere);
          valuesByList.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
        }
      }
      int occurrences = lists.values().stream().mapToInt(List::size).sum();
      boolean inline = !large && occurrences <= RULES_PER_METHOD;
      Set<Local> locals = Local.closure(used);
      // With a switch and the rules inline, each case reads the fields its rules test, after the
      // switch has decided: a region whose case has no rule, or needs fewer fields, reads nothing more.
      boolean perCase = inline && dispatch != null;

      if (!perCase) {
        declare(m, locals);
      }
      if (!inline && !lists.isEmpty()) {
        m.addStatement("$T found", decisionType);
      }
      if (dispatch != null && !lists.isEmpty()) {
        Local dispatchLocal = Local.of(dispatch);
        m.addComment("Only the rules that can hold for this region $L; first match wins, in source order.",
            dispatch.fieldName());
        m.beginControlFlow("switch ($L.ordinal())",
            !perCase && locals.contains(dispatchLocal) ? dispatchLocal.javaName() : dispatch.javaRead().orElseThrow());
      }
      for (Map.Entry<String, List<Occurrence>> e : lists.entrySet()) {
        if (dispatch != null) {
          for (int v : valuesByList.get(e.getKey())) {
            m.addCode("case $L: // $L\n", v, JavaText.comment(dispatch.constants().get(v)));
          }
          m.addCode("$>");
        }
        Set<Local> caseLocals = perCase ? Local.closure(usedByList.get(e.getKey())) : Set.of();
        boolean block = caseLocals.stream().anyMatch(l -> l.init() != null);
        if (block) {
          m.addCode("{\n$>");
          declare(m, caseLocals);
        }
        if (inline) {
          for (Occurrence o : e.getValue()) {
            m.addCode(ruleCode(section, o));
          }
        } else {
          for (int start = 0; start < e.getValue().size(); start += RULES_PER_METHOD) {
            List<Occurrence> chunk = e.getValue().subList(start, Math.min(start + RULES_PER_METHOD, e.getValue().size()));
            m.addCode(chunkCall(section, chunk, locals, chunkMethods));
          }
        }
        if (dispatch != null) {
          m.addStatement("break");
          if (block) {
            m.addCode("$<}\n");
          }
          m.addCode("$<");
        }
      }
      if (dispatch != null && !lists.isEmpty()) {
        m.endControlFlow();
      }
      m.addStatement("return $L", decisionRefs.get(DecisionKey.defaultOf(section)));
      return m.build();
    }

    // ---------------------------------------------------------------------------------------------
    // Indexed sections

    /**
     * A section of many rules: the method looks its candidates up in the tables of a nested {@code
     * …Index} class, tests each candidate's whole condition in a {@code switch} on its rule number, and
     * returns the decision of the lowest-numbered rule that holds.
     */
    private MethodSpec indexedSection(Section section, List<NumberedRule> rules, List<MethodSpec> chunkMethods) {
      String kind = methodName(section);
      String title = title(section);
      Class<?> decisionType = decisionType(section);
      Known known = Known.scopes(EnumSet.complementOf(EnumSet.copyOf(section.scopes())));

      List<Integer> numbers = new ArrayList<>();
      List<Cond> conditions = new ArrayList<>();
      List<NumberedRule> live = new ArrayList<>();
      for (NumberedRule r : rules) {
        Cond c = CondCompiler.simplify(r.condition(), known);
        if (c.isConstant(false)) {
          continue;
        }
        numbers.add(r.index());
        conditions.add(c);
        live.add(r);
      }
      IndexPlan.Plan plan = IndexPlan.plan(numbers, conditions, tuning.minIndexRules());

      // The tables.
      String index = typeName(title + "Index");
      TypeSpec.Builder ix = TypeSpec.classBuilder(index).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("Where {@code $L} finds the rules that can hold: each rule is listed under the values its\n"
              + "condition allows for one field (its most selective), or among the rules tested in turn.\n"
              + "Rules are numbered from 0 in source order; a table line reads {@code VALUE: RULE RULE ...}.\n", kind);
      ix.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
      for (Map.Entry<IndexPlan.IndexField, SortedMap<Long, List<Integer>>> e : plan.keyTables().entrySet()) {
        List<String> lines = new ArrayList<>();
        int entries = 0;
        for (Map.Entry<Long, List<Integer>> k : e.getValue().entrySet()) {
          lines.add("0x" + Long.toHexString(k.getKey()) + ": " + joinNumbers(k.getValue()));
          entries += k.getValue().size();
        }
        ix.addField(FieldSpec.builder(KeyIndex.class, e.getKey().constant(), Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Rules by $L: $L values, $L entries.\n", e.getKey().description, lines.size(), entries)
            .initializer(tableCall(CodeBlock.of("$T.parse", KeyIndex.class), lines)).build());
      }
      for (Map.Entry<IndexPlan.IndexField, SortedMap<IndexPlan.Window, List<Integer>>> e
          : plan.windowTables().entrySet()) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<IndexPlan.Window, List<Integer>> w : e.getValue().entrySet()) {
          lines.add("0x" + Long.toHexString(w.getKey().lo()) + "..0x" + Long.toHexString(w.getKey().hi()) + ": "
              + joinNumbers(w.getValue()));
        }
        ix.addField(FieldSpec.builder(WindowIndex.class, e.getKey().constant(), Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Rules by the window holding $L: $L windows.\n", e.getKey().description, lines.size())
            .initializer(tableCall(CodeBlock.of("$T.parse", WindowIndex.class), lines)).build());
      }
      if (!plan.unindexed().isEmpty()) {
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < plan.unindexed().size(); start += 32) {
          lines.add(joinNumbers(plan.unindexed().subList(start, Math.min(start + 32, plan.unindexed().size()))));
        }
        ix.addField(FieldSpec.builder(int[].class, UNINDEXED, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The rules no table holds: $L, tested in turn.\n", plan.unindexed().size())
            .initializer(tableCall(CodeBlock.of("$T.parseList", KeyIndex.class), lines)).build());
      }
      ix.addField(FieldSpec.builder(ArrayTypeName.of(decisionType), DECISIONS, Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("The decision of each rule, by rule number.\n")
          .initializer(decisionsArray(ix, section, rules.size(), decisionType)).build());
      nested.add(ix.build());

      // The rule tests, by rule number.
      List<ParameterSpec> params = new ArrayList<>();
      List<String> args = new ArrayList<>();
      params.add(ParameterSpec.builder(TargetKernel.class, "kernel").build());
      args.add("kernel");
      if (section == Section.CLASSIFY) {
        params.add(ParameterSpec.builder(Device.class, "device").build());
        params.add(ParameterSpec.builder(int.class, "group").build());
        params.add(ParameterSpec.builder(Region.class, "region").build());
        args.addAll(List.of("device", "group", "region"));
      } else {
        params.add(ParameterSpec.builder(Region.class, "region").build());
        params.add(ParameterSpec.builder(GuestRange.class, "guest").build());
        args.addAll(List.of("region", "guest"));
      }
      String argList = String.join(", ", args);
      MethodSpec holds = holdsMethods(section, live, conditions, params, argList, chunkMethods);
      chunkMethods.add(holds);
      MethodSpec first = MethodSpec.methodBuilder(kind + "First").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .addJavadoc("The first of {@code rules} (ascending) below {@code limit} whose condition holds, else\n"
              + "{@code limit}.\n")
          .returns(int.class).addParameter(int[].class, "rules").addParameter(int.class, "limit").addParameters(params)
          .beginControlFlow("for (int i = 0; i < rules.length; i++)")
          .addStatement("int rule = rules[i]")
          .addStatement("if (rule >= limit) return limit")
          .addStatement("if ($N(rule, $L)) return rule", holds, argList)
          .endControlFlow()
          .addStatement("return limit")
          .build();
      chunkMethods.add(first);

      // The method.
      MethodSpec.Builder m = MethodSpec.methodBuilder(kind).addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC).returns(decisionType).addParameters(params);
      Set<Local> lookups = EnumSet.noneOf(Local.class);
      for (IndexPlan.IndexField f : plan.fields()) {
        lookups.add(f.local);
        if (f == IndexPlan.IndexField.OVERLAP) {
          lookups.add(Local.START);
          lookups.add(Local.END);
        }
      }
      declare(m, Local.closure(lookups));
      m.addComment("$L rules: look up the few that can hold, keep the first in source order that does.", rules.size());
      m.addStatement("int first = $T.MAX_VALUE", Integer.class);
      for (IndexPlan.IndexField f : plan.fields()) {
        if (f == IndexPlan.IndexField.OVERLAP) {
          m.beginControlFlow("if (covers)");
          m.addStatement("int s = $N.$L.segment(start)", index, f.constant());
          m.beginControlFlow("for (int last = $N.$L.segment(s, end); s <= last; s++)", index, f.constant());
          m.addStatement("first = $N($N.$L.rules(s), first, $L)", first, index, f.constant(), argList);
          m.endControlFlow();
          m.endControlFlow();
        } else if (f.windows()) {
          m.addStatement("first = $N($N.$L.rulesAt($L), first, $L)", first, index, f.constant(), f.lookup, argList);
        } else {
          m.addStatement("first = $N($N.$L.rules($L), first, $L)", first, index, f.constant(), f.lookup, argList);
        }
      }
      if (!plan.unindexed().isEmpty()) {
        m.addStatement("first = $N($N.$N, first, $L)", first, index, UNINDEXED, argList);
      }
      m.addStatement("return first == $T.MAX_VALUE ? $L : $N.$N[first]", Integer.class,
          decisionRefs.get(DecisionKey.defaultOf(section)), index, DECISIONS);
      return m.build();
    }

    /** {@code 3 17 20}. */
    private static String joinNumbers(List<Integer> numbers) {
      StringBuilder sb = new StringBuilder();
      for (int n : numbers) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(n);
      }
      return sb.toString();
    }

    /**
     * {@code parse("""…""", …)}: the table as text blocks, one table line per source line, a block per
     * {@link #TABLE_LINES_PER_BLOCK} lines (a string constant holds at most 65,535 bytes). Table lines
     * hold only hex digits, decimal digits, {@code x}, {@code :}, {@code .} and spaces.
     */
    private static CodeBlock tableCall(CodeBlock method, List<String> lines) {
      CodeBlock.Builder b = CodeBlock.builder().add("$L(", method);
      for (int start = 0; start < lines.size(); start += TABLE_LINES_PER_BLOCK) {
        b.add(start == 0 ? "\n$>$>\"\"\"\n" : ",\n\"\"\"\n");
        for (String line : lines.subList(start, Math.min(start + TABLE_LINES_PER_BLOCK, lines.size()))) {
          b.add("$L\n", line);
        }
        b.add("\"\"\"");
      }
      return b.add(lines.isEmpty() ? ")" : ")$<$<").build();
    }

    /** The decision array of an indexed section: inline, or filled by the decision holders of a large policy. */
    private CodeBlock decisionsArray(TypeSpec.Builder ix, Section section, int count, Class<?> decisionType) {
      if (!large) {
        CodeBlock.Builder b = CodeBlock.builder().add("{\n$>$>");
        for (int i = 0; i < count; i++) {
          b.add(i == 0 ? "$L" : ",\n$L", decisionRefs.get(new DecisionKey(section, i)));
        }
        return b.add("$<$<}").build();
      }
      // A large policy's decisions live in holder classes; each fills in its own.
      MethodSpec.Builder fill = MethodSpec.methodBuilder("decisions").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(ArrayTypeName.of(decisionType))
          .addStatement("$T[] decisions = new $T[$L]", decisionType, decisionType, count);
      for (String holder : section == Section.CLASSIFY ? classifyFillers : conflictFillers) {
        fill.addStatement("$N.$N(decisions)", holder, "fill" + title(section));
      }
      ix.addMethod(fill.addStatement("return decisions").build());
      return CodeBlock.of("decisions()");
    }

    /**
     * {@code KIND + "Holds"}: whether rule {@code rule}'s condition holds, as a {@code switch} over
     * rule numbers, split into methods of {@link #HOLDS_PER_METHOD} rules (nested classes in a large
     * policy) with a dispatch on {@code rule / HOLDS_PER_METHOD} when there are several.
     */
    private MethodSpec holdsMethods(Section section, List<NumberedRule> live, List<Cond> conditions,
        List<ParameterSpec> params, String argList, List<MethodSpec> chunkMethods) {
      String kind = methodName(section);
      TreeMap<Integer, List<Integer>> byChunk = new TreeMap<>();
      for (int i = 0; i < live.size(); i++) {
        byChunk.computeIfAbsent(live.get(i).index() / HOLDS_PER_METHOD, k -> new ArrayList<>()).add(i);
      }
      MethodSpec.Builder top = MethodSpec.methodBuilder(kind + "Holds").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(boolean.class).addParameter(int.class, "rule").addParameters(params);
      if (byChunk.size() <= 1) {
        top.addJavadoc("Whether the condition of rule number {@code rule} holds.\n");
        holdsSwitch(top, kind, live, conditions, byChunk.isEmpty() ? List.of() : byChunk.firstEntry().getValue());
        return top.build();
      }
      top.addJavadoc("Whether the condition of rule number {@code rule} holds: asks the method for its $L rules.\n",
          HOLDS_PER_METHOD);
      top.beginControlFlow("switch (rule / $L)", HOLDS_PER_METHOD);
      for (Map.Entry<Integer, List<Integer>> e : byChunk.entrySet()) {
        int from = e.getKey() * HOLDS_PER_METHOD;
        MethodSpec.Builder chunk = MethodSpec.methodBuilder(large ? "holds" : kind + "Holds" + e.getKey())
            .addModifiers(large ? new Modifier[] {Modifier.STATIC} : new Modifier[] {Modifier.PRIVATE, Modifier.STATIC})
            .returns(boolean.class).addParameter(int.class, "rule").addParameters(params)
            .addJavadoc("Rules $L to $L.\n", from, from + HOLDS_PER_METHOD - 1);
        holdsSwitch(chunk, kind, live, conditions, e.getValue());
        CodeBlock target;
        if (large) {
          String holder = typeName(title(section) + "Rules" + e.getKey());
          nested.add(TypeSpec.classBuilder(holder).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
              .addMethod(chunk.build()).build());
          target = CodeBlock.of("$N.holds", holder);
        } else {
          MethodSpec method = chunk.build();
          chunkMethods.add(method);
          target = CodeBlock.of("$N", method.name());
        }
        top.addCode("case $L:\n$>", e.getKey());
        top.addStatement("return $L(rule, $L)", target, argList);
        top.addCode("$<");
      }
      top.addCode("default:\n$>");
      top.addStatement("throw new $T($S + rule)", IllegalArgumentException.class, "no " + kind + " rule number ");
      top.addCode("$<");
      top.endControlFlow();
      return top.build();
    }

    /** A {@code switch (rule)} with a case per rule of {@code which} (positions in {@code live}). */
    private void holdsSwitch(MethodSpec.Builder m, String kind, List<NumberedRule> live, List<Cond> conditions,
        List<Integer> which) {
      m.beginControlFlow("switch (rule)");
      for (int i : which) {
        NumberedRule r = live.get(i);
        Set<Local> used = EnumSet.noneOf(Local.class);
        JavaExpr test = CondCompiler.compile(conditions.get(i), used, helpers, predicates);
        String comment = "rule " + r.name() + " (" + r.span().file() + ":" + r.span().line() + "): "
            + CondPrinter.print(r.condition());
        m.addCode("// $L\n", JavaText.comment(comment));
        m.addCode("case $L: {\n$>", r.index());
        declare(m, Local.closure(used));
        m.addStatement("return $L", test.code());
        m.addCode("$<}\n");
      }
      m.addCode("default:\n$>");
      m.addStatement("throw new $T($S + rule)", IllegalArgumentException.class, "no " + kind + " rule number ");
      m.addCode("$<");
      m.endControlFlow();
    }

    /** Declares {@code locals} (in their enum order, which puts each after the locals it reads). */
    private static void declare(MethodSpec.Builder m, Set<Local> locals) {
      for (Local l : Local.declared(locals)) {
        if (l.init() != null) {
          m.addStatement("$T $L = $L", l.type(), l.javaName(), l.init());
        }
      }
    }

    /** The rules that can hold where {@code known} holds, each with its condition compiled there. */
    private List<Occurrence> occurrences(List<NumberedRule> rules, Known known, Set<Local> used) {
      List<Occurrence> out = new ArrayList<>();
      for (NumberedRule r : rules) {
        Cond s = CondCompiler.simplify(r.condition(), known);
        if (s.isConstant(false)) {
          continue;
        }
        out.add(new Occurrence(r, CondCompiler.compile(s, used, helpers, predicates)));
      }
      return out;
    }

    private static String listKey(List<Occurrence> list) {
      StringBuilder sb = new StringBuilder();
      for (Occurrence o : list) {
        sb.append(o.rule().index()).append(':').append(o.test().code()).append('\n');
      }
      return sb.toString();
    }

    /**
     * The region enum field whose {@code switch} leaves the fewest rules to test per value on average, or
     * null when neither prunes any rule.
     */
    private static Field chooseDispatch(List<NumberedRule> rules, Known known) {
      Field best = null;
      long bestCount = 0;
      int bestValues = 1;
      for (Field f : Field.of(Scope.REGION)) {
        if (f.kind() != Field.Kind.ENUM) {
          continue;
        }
        int values = f.constants().size();
        long count = 0;
        for (int v = 0; v < values; v++) {
          Known k = known.with(f, v);
          for (NumberedRule r : rules) {
            Cond s = CondCompiler.simplify(r.condition(), k);
            if (!s.isConstant(false)) {
              count++;
            }
          }
        }
        if (count == (long) rules.size() * values) {
          continue;
        }
        if (best == null || count * bestValues < bestCount * values) {
          best = f;
          bestCount = count;
          bestValues = values;
        }
      }
      return best;
    }

    private CodeBlock ruleCode(Section section, Occurrence o) {
      NumberedRule r = o.rule();
      String comment = "rule " + r.name() + " (" + r.span().file() + ":" + r.span().line() + "): "
          + CondPrinter.print(r.condition());
      CodeBlock test = o.test().code();
      return CodeBlock.builder()
          .add("// $L\n", JavaText.comment(comment))
          .addStatement("if ($L) return $L", test, decisionRefs.get(new DecisionKey(section, r.index())))
          .build();
    }

    private CodeBlock chunkCall(Section section, List<Occurrence> chunk, Set<Local> locals,
        List<MethodSpec> chunkMethods) {
      Class<?> decisionType = decisionType(section);
      List<ParameterSpec> params = new ArrayList<>();
      List<String> args = new ArrayList<>();
      for (Local l : locals) {
        params.add(ParameterSpec.builder(l.type(), l.javaName()).build());
        args.add(l.javaName());
      }
      String first = chunk.get(0).rule().name();
      String last = chunk.get(chunk.size() - 1).rule().name();
      int number = chunks++;
      MethodSpec.Builder b = MethodSpec.methodBuilder(large ? "first" : methodName(section) + number)
          .addModifiers(large ? new Modifier[] {Modifier.STATIC} : new Modifier[] {Modifier.PRIVATE, Modifier.STATIC})
          .returns(decisionType)
          .addParameters(params)
          .addComment("$L rules, $L to $L; null when none holds", chunk.size(), JavaText.comment(first),
              JavaText.comment(last));
      for (Occurrence o : chunk) {
        b.addCode(ruleCode(section, o));
      }
      b.addStatement("return null");
      CodeBlock target;
      if (large) {
        String holder = typeName(title(section) + "Rules" + number);
        MethodSpec method = b.build();
        nested.add(TypeSpec.classBuilder(holder).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
            .addMethod(method).build());
        target = CodeBlock.of("$N.first", holder);
      } else {
        MethodSpec method = b.build();
        chunkMethods.add(method);
        target = CodeBlock.of("$N", method.name());
      }
      return CodeBlock.builder()
          .addStatement("found = $L($L)", target, String.join(", ", args))
          .addStatement("if (found != null) return found")
          .build();
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void helpers() {
      if (helpers.contains(Helper.COMPARE_SIZE)) {
        type.addMethod(MethodSpec.methodBuilder("compareSize").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addJavadoc("{@code region.size} against an unsigned constant: 0 for a region that covers nothing,\n"
                + "2^64 (above every constant) for the whole space.\n")
            .returns(int.class)
            .addParameter(long.class, "start").addParameter(long.class, "end").addParameter(long.class, "value")
            .addStatement("if ($T.compareUnsigned(end, start) < 0) return $T.compareUnsigned(0L, value)", Long.class,
                Long.class)
            .addStatement("if (start == 0L && end == -1L) return 1")
            .addStatement("return $T.compareUnsigned(end - start + 1, value)", Long.class)
            .build());
      }
      if (helpers.contains(Helper.DOWNSTREAM_OF)) {
        type.addMethod(MethodSpec.methodBuilder("downstreamOf").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addJavadoc("True if the bridge with address key {@code bridge} is above the device.\n")
            .returns(boolean.class)
            .addParameter(ParameterizedTypeName.get(List.class, PciAddress.class), "upstream")
            .addParameter(int.class, "bridge")
            .beginControlFlow("for (int i = 0; i < upstream.size(); i++)")
            .addStatement("$T a = upstream.get(i)", PciAddress.class)
            .addStatement("if ((a.segment() << 16 | a.requesterId()) == bridge) return true")
            .endControlFlow()
            .addStatement("return false")
            .build());
      }
    }
  }

}
