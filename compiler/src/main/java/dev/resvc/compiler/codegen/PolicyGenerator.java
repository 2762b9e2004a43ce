package dev.resvc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.CondPrinter;
import dev.resvc.compiler.check.EnumField;
import dev.resvc.compiler.check.Scope;
import dev.resvc.compiler.codegen.CondCompiler.Helper;
import dev.resvc.compiler.codegen.CondCompiler.J;
import dev.resvc.compiler.codegen.CondCompiler.Known;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  /** Above this many rules, decisions and rule methods move into nested classes. */
  static final int LARGE_POLICY = 1000;

  /** Decision constants per nested holder class of a large policy. */
  static final int DECISIONS_PER_CLASS = 500;

  private static final String VERSION = readVersion();

  private PolicyGenerator() {}

  /** The version of resvc this generator belongs to, as stamped in generated headers. */
  public static String version() {
    return VERSION;
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
    return new Generator(policy, sourceHash, apiVersion).file();
  }

  /** The fully qualified name of the class generated for {@code policy}. */
  public static String className(CheckedPolicy policy) {
    return policy.name();
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

  /** One rule as the generator sees it, in either section. */
  private record RuleView(int index, String name, Span span, Cond condition) {}

  /** One occurrence of a rule in a list the generated code walks, with its condition compiled for that list. */
  private record Occurrence(RuleView rule, J test) {}

  private static final class Generator {
    private final CheckedPolicy policy;
    private final String sourceHash;
    private final int apiVersion;
    private final ClassName self;
    private final boolean large;
    private final TypeSpec.Builder type;
    private final Set<String> fieldNames = new TreeSet<>();
    private final Set<String> typeNames = new TreeSet<>();
    private final EnumSet<Helper> helpers = EnumSet.noneOf(Helper.class);
    private final List<TypeSpec> nested = new ArrayList<>();
    private final Map<String, CodeBlock> decisionRefs = new LinkedHashMap<>();
    private int chunks;

    Generator(CheckedPolicy policy, String sourceHash, int apiVersion) {
      this.policy = policy;
      this.sourceHash = sourceHash;
      this.apiVersion = apiVersion;
      this.self = ClassName.get(policy.packageName(), policy.simpleName());
      this.large = policy.classifyRules().size() + policy.conflictRules().size() > LARGE_POLICY;
      this.type = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
          .addSuperinterface(Policy.class);
      typeNames.add(policy.simpleName());
    }

    JavaFile file() {
      type.addJavadoc("The policy {@code $L}, compiled to Java: immutable, thread-safe, allocation-free per call.\n",
          policy.name());
      decisions();
      type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC).build());
      type.addMethod(MethodSpec.methodBuilder("name").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
          .returns(String.class).addStatement("return $L", JavaText.stringLiteral(policy.name())).build());
      type.addMethod(MethodSpec.methodBuilder("apiVersion").addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC).returns(int.class)
          .addComment("$T.API_VERSION of the runtime this class was generated against", Policy.class)
          .addStatement("return $L", apiVersion).build());

      List<RuleView> classify = new ArrayList<>();
      for (int i = 0; i < policy.classifyRules().size(); i++) {
        CheckedPolicy.ClassifyRule r = policy.classifyRules().get(i);
        classify.add(new RuleView(i, r.name(), r.span(), r.condition()));
      }
      List<RuleView> conflicts = new ArrayList<>();
      for (int i = 0; i < policy.conflictRules().size(); i++) {
        CheckedPolicy.ConflictRule r = policy.conflictRules().get(i);
        conflicts.add(new RuleView(i, r.name(), r.span(), r.condition()));
      }
      List<MethodSpec> chunkMethods = new ArrayList<>();
      type.addMethod(section(true, classify, chunkMethods));
      type.addMethod(section(false, conflicts, chunkMethods));
      chunkMethods.forEach(type::addMethod);
      helpers();
      nested.forEach(type::addType);

      String header = "Generated by resvc " + version() + " from " + policy.file() + ", source sha256 "
          + sourceHash + ". Do not edit.";
      return JavaFile.builder(self.packageName(), type.build())
          .addFileComment("$L", JavaText.comment(header))
          .skipJavaLangImports(true)
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
      decisionRefs.put("classify:default", CodeBlock.of("$N", classifyDefault));
      decisionRefs.put("conflict:default", CodeBlock.of("$N", conflictDefault));
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < policy.classifyRules().size(); i++) {
        CheckedPolicy.ClassifyRule r = policy.classifyRules().get(i);
        String name = fieldName(ruleFieldName(r.name()));
        fields.add(constant(ClassifyDecision.class, name, classifyInit(r.decision())));
        keys.add("classify:" + i);
      }
      for (int i = 0; i < policy.conflictRules().size(); i++) {
        CheckedPolicy.ConflictRule r = policy.conflictRules().get(i);
        String name = fieldName(ruleFieldName(r.name()));
        fields.add(constant(ConflictDecision.class, name, conflictInit(r.decision())));
        keys.add("conflict:" + i);
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
        for (int i = start; i < Math.min(start + DECISIONS_PER_CLASS, fields.size()); i++) {
          b.addField(fields.get(i));
          decisionRefs.put(keys.get(i), CodeBlock.of("$N.$N", holder, fields.get(i).name()));
        }
        nested.add(b.build());
      }
    }

    private static FieldSpec constant(Class<?> type, String name, CodeBlock init) {
      return FieldSpec.builder(type, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL).initializer(init).build();
    }

    private static CodeBlock provenance(Provenance p) {
      return CodeBlock.of("new $T($L, $L, $L)", Provenance.class, JavaText.stringLiteral(p.rule()),
          JavaText.stringLiteral(p.file()), p.line());
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
          JavaText.stringLiteral(d.message().source()), provenance(d.provenance()));
    }

    /** {@code usb-rmrr} → {@code USB_RMRR}; never a keyword (upper case) nor {@code _}. */
    private static String ruleFieldName(String rule) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < rule.length(); i++) {
        char c = rule.charAt(i);
        sb.append(c < 0x80 && Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
      }
      String s = sb.toString();
      return SourceVersion.isName(s) && !s.startsWith("_") ? s : "RULE_" + s;
    }

    /** {@code base}, or {@code base_2}, {@code base_3}, … when taken. */
    private String fieldName(String base) {
      String name = base;
      for (int n = 2; !fieldNames.add(name); n++) {
        name = base + "_" + n;
      }
      return name;
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

    private MethodSpec section(boolean classify, List<RuleView> rules, List<MethodSpec> chunkMethods) {
      String kind = classify ? "classify" : "conflict";
      Class<?> decisionType = classify ? ClassifyDecision.class : ConflictDecision.class;
      Known known = Known.scopes(classify ? EnumSet.of(Scope.GUEST) : EnumSet.of(Scope.DEVICE));
      MethodSpec.Builder m = MethodSpec.methodBuilder(kind).addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC).returns(decisionType);
      if (classify) {
        m.addParameter(PciDevice.class, "device").addParameter(int.class, "group").addParameter(Region.class, "region");
      } else {
        m.addParameter(Region.class, "region").addParameter(GuestRange.class, "guest");
      }

      EnumField dispatch = chooseDispatch(rules, known);
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
        Local dispatchLocal = dispatch == EnumField.REGION_TYPE ? Local.REGION_TYPE : Local.REGION_SOURCE;
        String accessor = dispatch == EnumField.REGION_TYPE ? "type" : "source";
        m.addComment("Only the rules that can hold for this region $L; first match wins, in source order.", accessor);
        m.beginControlFlow("switch ($L.ordinal())",
            !perCase && locals.contains(dispatchLocal) ? dispatchLocal.javaName() : "region." + accessor + "()");
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
            m.addCode(ruleCode(classify, o));
          }
        } else {
          for (int start = 0; start < e.getValue().size(); start += RULES_PER_METHOD) {
            List<Occurrence> chunk = e.getValue().subList(start, Math.min(start + RULES_PER_METHOD, e.getValue().size()));
            m.addCode(chunkCall(classify, chunk, locals, chunkMethods));
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
      m.addStatement("return $L", decisionRefs.get(kind + ":default"));
      return m.build();
    }

    /** Declares {@code locals} (in their enum order, which puts each after the locals it reads). */
    private static void declare(MethodSpec.Builder m, Set<Local> locals) {
      for (Local l : locals) {
        if (l.init() != null) {
          m.addStatement("$T $L = $L", l.type(), l.javaName(), l.init());
        }
      }
    }

    /** The rules that can hold where {@code known} holds, each with its condition compiled there. */
    private List<Occurrence> occurrences(List<RuleView> rules, Known known, Set<Local> used) {
      List<Occurrence> out = new ArrayList<>();
      for (RuleView r : rules) {
        Cond s = CondCompiler.simplify(r.condition(), known);
        if (s instanceof Cond.Bool b && !b.value()) {
          continue;
        }
        out.add(new Occurrence(r, CondCompiler.compile(s, used, helpers)));
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
     * The region field whose {@code switch} leaves the fewest rules to test per value on average, or
     * null when neither prunes any rule.
     */
    private static EnumField chooseDispatch(List<RuleView> rules, Known known) {
      EnumField best = null;
      long bestCount = 0;
      int bestValues = 1;
      for (EnumField f : List.of(EnumField.REGION_TYPE, EnumField.REGION_SOURCE)) {
        int values = f.constants().size();
        long count = 0;
        for (int v = 0; v < values; v++) {
          Known k = known.with(f, v);
          for (RuleView r : rules) {
            Cond s = CondCompiler.simplify(r.condition(), k);
            if (!(s instanceof Cond.Bool b && !b.value())) {
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

    private CodeBlock ruleCode(boolean classify, Occurrence o) {
      RuleView r = o.rule();
      String comment = "rule " + r.name() + " (" + r.span().file() + ":" + r.span().line() + "): "
          + CondPrinter.print(r.condition());
      CodeBlock test = o.test().code();
      return CodeBlock.builder()
          .add("// $L\n", JavaText.comment(comment))
          .addStatement("if ($L) return $L", test, decisionRefs.get((classify ? "classify:" : "conflict:") + r.index()))
          .build();
    }

    private CodeBlock chunkCall(boolean classify, List<Occurrence> chunk, Set<Local> locals,
        List<MethodSpec> chunkMethods) {
      Class<?> decisionType = classify ? ClassifyDecision.class : ConflictDecision.class;
      List<ParameterSpec> params = new ArrayList<>();
      List<String> args = new ArrayList<>();
      for (Local l : locals) {
        params.add(ParameterSpec.builder(l.type(), l.javaName()).build());
        args.add(l.javaName());
      }
      String first = chunk.get(0).rule().name();
      String last = chunk.get(chunk.size() - 1).rule().name();
      int number = chunks++;
      MethodSpec.Builder b = MethodSpec.methodBuilder(large ? "first" : (classify ? "classify" : "conflict") + number)
          .addModifiers(large ? new Modifier[] {Modifier.STATIC} : new Modifier[] {Modifier.PRIVATE, Modifier.STATIC})
          .returns(decisionType)
          .addParameters(params)
          .addComment("$L rules, $L to $L; null when none holds", chunk.size(), JavaText.comment(first),
              JavaText.comment(last));
      for (Occurrence o : chunk) {
        b.addCode(ruleCode(classify, o));
      }
      b.addStatement("return null");
      CodeBlock target;
      if (large) {
        String holder = typeName((classify ? "ClassifyRules" : "ConflictRules") + number);
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
            .addStatement("if (Long.compareUnsigned(end, start) < 0) return Long.compareUnsigned(0L, value)")
            .addStatement("if (start == 0L && end == -1L) return 1")
            .addStatement("return Long.compareUnsigned(end - start + 1, value)")
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
