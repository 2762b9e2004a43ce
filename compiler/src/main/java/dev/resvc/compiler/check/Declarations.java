package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The symbol table: every {@code const} and {@code predicate} of a policy and its imports by name, and
 * the path of definitions being resolved, so that the constant folder and the predicate resolver both
 * report a definition that reaches itself (E117) the same way.
 */
final class Declarations {
  private final Reporter report;
  private final Map<String, Item.Const> consts = new LinkedHashMap<>();
  private final Map<String, Item.Predicate> predicates = new LinkedHashMap<>();

  /** The constants and predicates being resolved, outermost first, as "const X" / "predicate p". */
  private final Set<String> resolving = new LinkedHashSet<>();

  Declarations(Reporter report) {
    this.report = report;
  }

  void declare(Item.Const c) {
    if (isNew(c.name(), c.nameSpan(), "constant")) {
      consts.put(c.name(), c);
    }
  }

  void declare(Item.Predicate p) {
    if (isNew(p.name(), p.nameSpan(), "predicate")) {
      predicates.put(p.name(), p);
    }
  }

  /** Whether {@code name} may be defined: it hides no built-in name and is not defined yet (E102 if not). */
  private boolean isNew(String name, Span at, String what) {
    Optional<String> builtIn = builtIn(name);
    if (builtIn.isPresent()) {
      report.error(
          Code.DUPLICATE_NAME,
          at,
          "`"
              + name
              + "` is already "
              + builtIn.get()
              + "; a "
              + what
              + " of that name would hide it, so choose another name");
      return false;
    }
    Span previous =
        consts.containsKey(name)
            ? consts.get(name).nameSpan()
            : predicates.containsKey(name) ? predicates.get(name).nameSpan() : null;
    if (previous != null) {
      report.error(
          Code.DUPLICATE_NAME,
          at,
          "`" + name + "` is already defined",
          Diagnostic.note("first defined here", previous));
      return false;
    }
    return true;
  }

  /** What a bare name already means wherever a field meets it, or empty: constants and predicates must not hide these. */
  private static Optional<String> builtIn(String name) {
    for (Field f : Field.of(Field.Kind.ENUM)) {
      if (f.constants().contains(name)) {
        return Optional.of("a value of " + f.spelling());
      }
    }
    if (ConditionTyper.PROT_FLAGS.containsKey(name)) {
      return Optional.of("a protection flag (region.prot has " + name + ")");
    }
    if (List.of("device", "region", "guest").contains(name)) {
      return Optional.of("the `" + name + "` a condition looks at");
    }
    return Optional.empty();
  }

  boolean isConst(String name) {
    return consts.containsKey(name);
  }

  boolean isPredicate(String name) {
    return predicates.containsKey(name);
  }

  Item.Const constant(String name) {
    return consts.get(name);
  }

  Item.Predicate predicate(String name) {
    return predicates.get(name);
  }

  /** Constant names in declaration order. */
  Set<String> constNames() {
    return consts.keySet();
  }

  /** Predicate names in declaration order. */
  Set<String> predicateNames() {
    return predicates.keySet();
  }

  /** Starts resolving {@code key} ("const X", "predicate p"); false when it is being resolved already (a cycle). */
  boolean enter(String key) {
    return resolving.add(key);
  }

  void leave(String key) {
    resolving.remove(key);
  }

  /** {@code : a -> b -> a} for a definition that reaches itself through others; empty when it names itself directly. */
  String cycle(String key) {
    List<String> chain = new ArrayList<>();
    boolean in = false;
    for (String r : resolving) {
      in |= r.equals(key);
      if (in) {
        chain.add(r.substring(r.indexOf(' ') + 1));
      }
    }
    if (chain.size() < 2) {
      return "";
    }
    chain.add(chain.get(0));
    return " through " + String.join(" -> ", chain) + "; a definition cannot depend on itself";
  }
}
