package dev.resvc.compiler.format;

import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.Span;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares ASTs while ignoring where things were: two trees are equivalent when they hold the same
 * records with the same values, {@link Span}s aside. The formatter must turn a file into an
 * equivalent one.
 */
public final class AstEquivalence {
  private AstEquivalence() {}

  /** The items of both files are equivalent (file names and comments are not compared). */
  public static boolean sameItems(PolicyFile a, PolicyFile b) {
    return firstDifference(a.items(), b.items(), "items").isEmpty();
  }

  /**
   * Where {@code a} and {@code b} first differ, as a path such as {@code items[4].items[0].condition.left},
   * or empty when they are equivalent.
   */
  public static Optional<String> firstDifference(Object a, Object b, String path) {
    if (a instanceof Span && b instanceof Span) {
      return Optional.empty();
    }
    if (a == null || b == null) {
      return a == b ? Optional.empty() : Optional.of(path);
    }
    if (a.getClass() != b.getClass()) {
      return Optional.of(path + " (" + a.getClass().getSimpleName() + " vs " + b.getClass().getSimpleName() + ")");
    }
    if (a instanceof List<?> la) {
      List<?> lb = (List<?>) b;
      if (la.size() != lb.size()) {
        return Optional.of(path + " (size " + la.size() + " vs " + lb.size() + ")");
      }
      for (int i = 0; i < la.size(); i++) {
        Optional<String> d = firstDifference(la.get(i), lb.get(i), path + "[" + i + "]");
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a instanceof Optional<?> oa) {
      Optional<?> ob = (Optional<?>) b;
      return firstDifference(oa.orElse(null), ob.orElse(null), path);
    }
    if (a.getClass().isRecord()) {
      for (RecordComponent rc : a.getClass().getRecordComponents()) {
        Optional<String> d = firstDifference(get(rc, a), get(rc, b), path + "." + rc.getName());
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    return Objects.equals(a, b) ? Optional.empty() : Optional.of(path + " (" + a + " vs " + b + ")");
  }

  private static Object get(RecordComponent rc, Object record) {
    try {
      return rc.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + rc, e);
    }
  }
}
