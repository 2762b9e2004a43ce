package dev.resvc.compiler.codegen;

import com.palantir.javapoet.JavaFile;
import dev.resvc.runtime.policy.Policy;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources in this process with {@code javax.tools}, against the runtime only,
 * to class files in memory. javac should never reject generated code; when it does, its diagnostics
 * are mapped back to the rule (and {@code .resv} file:line) whose generated code they point at, and
 * reported as an internal error.
 */
public final class InMemoryJavaCompiler {
  private static final Pattern RULE_COMMENT = Pattern.compile("^\\s*// (rule .*?\\(.*?:\\d+\\)):");

  private InMemoryJavaCompiler() {}

  /** Class files by binary name ({@code examples.Foo$ClassifyRules0}), sorted. */
  public static SortedMap<String, byte[]> compile(List<JavaFile> files) {
    Map<String, String> sources = new TreeMap<>();
    for (JavaFile f : files) {
      String name = f.packageName().isEmpty() ? f.typeSpec().name() : f.packageName() + "." + f.typeSpec().name();
      sources.put(name, f.toString());
    }
    return compileSources(sources);
  }

  /**
   * Compiles Java sources given by top-level class name.
   *
   * @throws CodegenException when javac reports an error
   */
  public static SortedMap<String, byte[]> compileSources(Map<String, String> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new CodegenException("no Java compiler in this JVM: run resvc on a JDK, not a JRE", List.of());
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    SortedMap<String, byte[]> out = new TreeMap<>();
    List<JavaFileObject> units = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      units.add(new Source(e.getKey(), e.getValue()));
    }
    List<String> options = List.of("--release", "17", "-proc:none", "-implicit:none", "-g:source,lines",
        "-encoding", "UTF-8", "-Xlint:none", "-classpath", classPath());
    try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
        MemoryFileManager manager = new MemoryFileManager(standard, out)) {
      boolean ok = javac.getTask(null, manager, diagnostics, options, null, units).call();
      List<String> problems = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          problems.add(describe(d, sources));
        }
      }
      if (!ok || !problems.isEmpty()) {
        throw new CodegenException("internal error: javac rejected the generated Java (a bug in resvc; please report"
            + " it with the policy)", problems);
      }
    } catch (java.io.IOException e) {
      throw new CodegenException("internal error: " + e.getMessage(), e);
    }
    return out;
  }

  /** {@code rule usb_rmrr (policy.resv:11): generated line 40: message}. */
  private static String describe(Diagnostic<? extends JavaFileObject> d, Map<String, String> sources) {
    String message = d.getMessage(Locale.ROOT).lines().findFirst().orElse("");
    JavaFileObject source = d.getSource();
    if (source == null) {
      return message;
    }
    String name = source instanceof Source s ? s.className : source.getName();
    String text = sources.get(name);
    long line = d.getLineNumber();
    String rule = "no rule";
    if (text != null && line > 0) {
      String[] lines = text.split("\n", -1);
      for (int i = (int) Math.min(line, lines.length) - 1; i >= 0; i--) {
        Matcher m = RULE_COMMENT.matcher(lines[i]);
        if (m.find()) {
          rule = m.group(1);
          break;
        }
      }
    }
    return rule + ": generated " + name + " line " + line + ": " + message;
  }

  /** The class path of this JVM, plus wherever the runtime's {@link Policy} was loaded from. */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    String cp = System.getProperty("java.class.path", "");
    for (String e : cp.split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    CodeSource cs = Policy.class.getProtectionDomain().getCodeSource();
    if (cs != null && cs.getLocation() != null) {
      try {
        entries.add(Path.of(cs.getLocation().toURI()).toString());
      } catch (URISyntaxException | IllegalArgumentException e) {
        // Not a file location (a custom class loader); the class path above has to do.
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String className;
    private final String text;

    Source(String className, String text) {
      super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.className = className;
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  private static final class ClassOutput extends SimpleJavaFileObject {
    private final String binaryName;
    private final Map<String, byte[]> out;

    ClassOutput(String binaryName, Map<String, byte[]> out) {
      super(URI.create("mem:///" + binaryName.replace('.', '/') + Kind.CLASS.extension), Kind.CLASS);
      this.binaryName = binaryName;
      this.out = out;
    }

    @Override
    public OutputStream openOutputStream() {
      return new ByteArrayOutputStream() {
        @Override
        public void close() {
          out.put(binaryName, toByteArray());
        }
      };
    }
  }

  private static final class MemoryFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, byte[]> out;

    MemoryFileManager(StandardJavaFileManager standard, Map<String, byte[]> out) {
      super(standard);
      this.out = out;
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
        FileObject sibling) {
      if (location == StandardLocation.CLASS_OUTPUT && kind == JavaFileObject.Kind.CLASS) {
        return new ClassOutput(className, out);
      }
      throw new IllegalStateException("javac asked to write " + className + " (" + kind + ") to " + location);
    }
  }
}
