package dev.resvc.compiler.check;

import dev.resvc.compiler.diag.Code;
import dev.resvc.runtime.input.MessageText;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.SourceVersion;

/**
 * Which {@code policy} names can be the generated Java class (docs/codegen.md, "Names"). A policy
 * name is also the class's fully qualified name, so it must be one javac compiles and a JVM loads: its
 * segments Java identifiers that are not keywords at the release generated code targets ({@link
 * SourceVersion} decides, not a list of ours), its class name a type identifier, its package not the
 * platform's or the resvc runtime's, and short enough to be file and directory names.
 */
final class JavaNames {
  private JavaNames() {}

  /** The release generated classes are compiled for ({@code InMemoryJavaCompiler}'s {@code --release 17}). */
  static final SourceVersion RELEASE = SourceVersion.RELEASE_17;

  /**
   * The most characters between two dots: each segment becomes a directory or a file name (with
   * {@code $ConflictRules12.class} after the class name), and file systems take 255 bytes.
   */
  static final int MAX_SEGMENT = 200;

  /** The most characters of the whole name, so that its path fits in 4,096 bytes with room for the output directory. */
  static final int MAX_NAME = 1000;

  /**
   * JLS §3.9: identifiers that are no keyword but cannot name a type ({@code class var {}} does not
   * compile). {@link SourceVersion} has no query for them.
   */
  private static final Set<String> RESTRICTED_TYPE_IDENTIFIERS = Set.of("var", "yield", "record", "sealed", "permits");

  /** The package prefix of the resvc runtime, which generated classes import from. */
  private static final String RUNTIME_PACKAGE = "dev.resvc.runtime";

  /** Why {@code name} cannot name the generated class: a diagnostic code and its message. */
  record Problem(Code code, String message) {}

  /** The first reason {@code qualifiedName} cannot be the generated class, or empty when it can. */
  static Optional<Problem> problem(String qualifiedName) {
    String shown = "`" + MessageText.clean(qualifiedName) + "`";
    String[] segments = qualifiedName.split("\\.", -1);
    int longest = 0;
    for (String s : segments) {
      longest = Math.max(longest, s.length());
    }
    if (qualifiedName.length() > MAX_NAME || longest > MAX_SEGMENT) {
      return Optional.of(new Problem(Code.POLICY_NAME_TOO_LONG, shown + " is too long to name a Java class: it becomes directory and"
          + " file names, so it may have at most " + MAX_NAME + " characters, and at most " + MAX_SEGMENT
          + " between dots (this one has " + qualifiedName.length() + ", the longest part " + longest + ")"));
    }
    for (String s : segments) {
      if (!SourceVersion.isIdentifier(s)) {
        return Optional.of(new Problem(Code.BAD_POLICY_NAME, shown + " cannot name a Java class: `" + MessageText.clean(s)
            + "` is not a Java identifier (letters, digits, `_`, not starting with a digit)"));
      }
      if (SourceVersion.isKeyword(s, RELEASE)) {
        return Optional.of(new Problem(Code.BAD_POLICY_NAME, shown + " cannot name a Java class: `" + s
            + "` is a Java keyword; choose another word"));
      }
    }
    String simple = segments[segments.length - 1];
    if (RESTRICTED_TYPE_IDENTIFIERS.contains(simple)) {
      return Optional.of(new Problem(Code.BAD_POLICY_NAME, shown + " cannot name a Java class: Java does not allow `" + simple
          + "` as a class name; choose another word for the last part"));
    }
    if (segments.length == 1) {
      return Optional.empty();
    }
    String pkg = qualifiedName.substring(0, qualifiedName.lastIndexOf('.'));
    String fix = "; choose a package of your own (e.g. `policies." + MessageText.clean(simple) + "`)";
    if (segments[0].equals("java")) {
      return Optional.of(new Problem(Code.RESERVED_PACKAGE, shown + " cannot be compiled: packages under `java` belong to the Java"
          + " platform, and the JVM loads no other class into them" + fix));
    }
    if (qualifiedName.equals(RUNTIME_PACKAGE) || qualifiedName.startsWith(RUNTIME_PACKAGE + ".")) {
      return Optional.of(new Problem(Code.RESERVED_PACKAGE, shown + " cannot be compiled: `" + RUNTIME_PACKAGE + "` and the packages"
          + " under it belong to the resvc runtime, whose classes the generated one uses" + fix));
    }
    String module = PlatformPackages.MODULES.get(pkg);
    if (module != null) {
      return Optional.of(new Problem(Code.RESERVED_PACKAGE, shown + " cannot be compiled: package `" + MessageText.clean(pkg)
          + "` belongs to the Java platform (module " + module + "), which no other class may join" + fix));
    }
    return Optional.empty();
  }

  /** The packages of this JDK's modules, by package, read once when first needed. */
  private static final class PlatformPackages {
    static final Map<String, String> MODULES = read();

    private static Map<String, String> read() {
      Map<String, String> out = new TreeMap<>();
      for (ModuleReference ref : ModuleFinder.ofSystem().findAll()) {
        ModuleDescriptor d = ref.descriptor();
        d.packages().forEach(p -> out.putIfAbsent(p, d.name()));
      }
      return Map.copyOf(out);
    }
  }
}
