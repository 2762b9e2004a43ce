package dev.resvc.compiler.codegen;

import dev.resvc.runtime.policy.Policy;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads generated policy classes from memory (class files by binary name, as {@link
 * InMemoryJavaCompiler} returns them) through a small class loader whose parent is the runtime's, so
 * the classes see the runtime and nothing of the compiler. For tests and {@code --engine compiled}.
 */
public final class CompiledPolicies {
  private CompiledPolicies() {}

  /**
   * The one policy among {@code classes}.
   *
   * @throws CodegenException when there is not exactly one top-level {@link Policy} class
   */
  public static Policy load(Map<String, byte[]> classes) {
    List<Policy> all = loadAll(classes);
    if (all.size() != 1) {
      throw new CodegenException("expected exactly one policy class, found " + all.size(), List.of());
    }
    return all.get(0);
  }

  /** Every top-level class among {@code classes} that implements {@link Policy}, instantiated, by class name. */
  public static List<Policy> loadAll(Map<String, byte[]> classes) {
    MemoryClassLoader loader = new MemoryClassLoader(classes);
    List<Policy> out = new ArrayList<>();
    for (String name : new TreeMap<>(classes).keySet()) {
      if (name.indexOf('$') >= 0) {
        continue;
      }
      Class<?> c = loader.load(name);
      if (Policy.class.isAssignableFrom(c)) {
        out.add(instantiate(c.asSubclass(Policy.class)));
      }
    }
    return out;
  }

  /** The policy class {@code className} (binary name) among {@code classes}. */
  public static Policy load(Map<String, byte[]> classes, String className) {
    Class<?> c = new MemoryClassLoader(classes).load(className);
    if (!Policy.class.isAssignableFrom(c)) {
      throw new CodegenException(className + " does not implement " + Policy.class.getName(), List.of());
    }
    return instantiate(c.asSubclass(Policy.class));
  }

  private static Policy instantiate(Class<? extends Policy> c) {
    try {
      return c.getConstructor().newInstance();
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new CodegenException("cannot instantiate " + c.getName() + ": " + e, e);
    } catch (InvocationTargetException e) {
      throw new CodegenException("initialising " + c.getName() + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** Defines classes from bytes on first use; everything else comes from the runtime's loader. */
  private static final class MemoryClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    MemoryClassLoader(Map<String, byte[]> classes) {
      super("resvc-compiled-policies", Policy.class.getClassLoader());
      this.classes = Map.copyOf(classes);
    }

    Class<?> load(String name) {
      try {
        return loadClass(name);
      } catch (ClassNotFoundException e) {
        throw new CodegenException("class " + name + " is not among the compiled classes", e);
      }
    }

    /**
     * Its own classes first: a policy may share its name with a class the parent sees (in the command
     * line, {@code picocli.CommandLine} or a class of the compiler), and must still be the one loaded.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!classes.containsKey(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
