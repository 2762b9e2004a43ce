package dev.resvc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.CondPrinter;
import dev.resvc.compiler.check.Scope;
import dev.resvc.compiler.codegen.CondCompiler.Helper;
import dev.resvc.compiler.codegen.CondCompiler.JavaExpr;
import dev.resvc.compiler.codegen.CondCompiler.Known;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The private static method of each predicate a generated class uses, made on first use: every use
 * calls it, so a predicate that uses another several times costs one call each, and the size of the
 * generated code stays linear in the size of the policy (writing predicates out in place multiplies
 * it at each level). A method takes the {@link Local}s its condition reads, its own and those of the
 * predicates it calls.
 */
final class PredicateMethods {
  /** A predicate's method: its name and the locals it takes, in {@link Local} order. */
  record Method(String name, Set<Local> params) {}

  private final Set<Helper> helpers;
  /** By predicate name, in the order the methods were first asked for. */
  private final Map<String, Method> methods = new LinkedHashMap<>();
  private final Map<String, MethodSpec> specs = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();

  /** @param helpers where the static helpers the methods call are recorded */
  PredicateMethods(Set<Helper> helpers) {
    this.helpers = helpers;
  }

  /**
   * The method of the predicate {@code p} uses, generated (with those of the predicates it uses) the
   * first time. Recursion follows the chain of predicates, which the checker bounds
   * ({@link dev.resvc.compiler.check.Checker#MAX_DEPTH}).
   */
  Method method(Cond.PredicateRef p) {
    Method known = methods.get(p.name());
    if (known != null) {
      return known;
    }
    String name = methodName(p.name());
    // Nothing is known of where a predicate is called from, so its condition is simplified for no
    // context: the checker keeps each predicate to the scopes of the sections that use it (E108).
    Cond body = CondCompiler.simplify(p.body(), Known.scopes(EnumSet.noneOf(Scope.class)));
    Set<Local> used = EnumSet.noneOf(Local.class);
    JavaExpr test = CondCompiler.compile(body, used, helpers, this);
    // The code reads some locals through others' names (covers: start and end), so it takes the closure.
    Set<Local> params = Local.closure(used);
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(boolean.class);
    for (Local l : params) {
      m.addParameter(l.type(), l.javaName());
    }
    String comment = "predicate " + p.name() + " (" + p.body().span().file() + ":" + p.body().span().line() + "): "
        + CondPrinter.print(p.body());
    m.addCode("// $L\n", JavaText.comment(comment));
    m.addStatement("return $L", test.code());
    Method out = new Method(name, params);
    methods.put(p.name(), out);
    specs.put(p.name(), m.build());
    return out;
  }

  /** A call of {@code method} with the caller's locals of the same names. */
  static CodeBlock call(Method method) {
    return CodeBlock.of("$L($L)", method.name(),
        String.join(", ", method.params().stream().map(Local::javaName).toList()));
  }

  /** The methods made so far, the predicates a method calls before it. */
  List<MethodSpec> specs() {
    return List.copyOf(specs.values());
  }

  /**
   * {@code usb_rmrr} → {@code isUsbRmrr}: {@code is} and a capital keep it clear of keywords and of
   * the other generated methods; a second predicate with the same spelling gets {@code _2}.
   */
  private String methodName(String predicate) {
    StringBuilder sb = new StringBuilder("is");
    boolean upper = true;
    for (int i = 0; i < predicate.length(); i++) {
      char c = predicate.charAt(i);
      if (c < 0x80 && Character.isLetterOrDigit(c)) {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      } else {
        upper = true;
      }
    }
    String base = sb.toString();
    String name = base;
    for (int n = 2; !names.add(name); n++) {
      name = base + "_" + n;
    }
    return name;
  }
}
