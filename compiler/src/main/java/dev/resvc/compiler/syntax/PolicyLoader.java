package dev.resvc.compiler.syntax;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a policy file and its imports. Imports resolve relative to the importing file; each file is
 * parsed once however often it is imported. File names in spans are the root path as given and, for
 * imports, the import path joined to the importer's directory and normalized.
 */
public final class PolicyLoader {
  private final Diagnostics diags;
  /** Normalized absolute path to the parsed file (null while it is being loaded). */
  private final Map<Path, PolicyFile> done = new HashMap<>();
  /** The chain of files being loaded, absolute path to display name, for cycle messages. */
  private final LinkedHashMap<Path, String> loading = new LinkedHashMap<>();
  private final List<PolicyFile> order = new ArrayList<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  private PolicyLoader(Diagnostics diags) {
    this.diags = diags;
  }

  public static LoadedPolicy load(Path file, Diagnostics diags) {
    return load(file, file.toString(), diags);
  }

  /**
   * As {@link #load(Path, Diagnostics)}, reading {@code file} but naming it {@code name} in spans and
   * sources; imports are named by joining their path to the directory of their importer's name. A
   * build tool passes a name relative to its project so that generated code never holds the absolute
   * path of the machine that built it.
   */
  public static LoadedPolicy load(Path file, String name, Diagnostics diags) {
    PolicyLoader loader = new PolicyLoader(diags);
    PolicyFile root = loader.loadFile(file, name, Span.none(name));
    if (root == null) {
      root = new PolicyFile(name, List.of(), List.of());
    }
    List<PolicyFile> imports = new ArrayList<>(loader.order);
    imports.remove(root);
    return new LoadedPolicy(root, imports, loader.sources);
  }

  /** Parses {@code path} and its imports; null when it cannot be read (reported at {@code from}). */
  private PolicyFile loadFile(Path path, String name, Span from) {
    Path key = path.toAbsolutePath().normalize();
    String text = read(path, name, from);
    if (text == null) {
      return null;
    }
    sources.put(name, text);
    PolicyFile parsed = PolicyParser.parse(text, name, diags);
    loading.put(key, name);
    done.put(key, null);
    Path dir = path.getParent();
    Path nameDir = Path.of(name).getParent();
    for (Item item : parsed.items()) {
      if (item instanceof Item.Import imp) {
        importFile(dir, nameDir, imp);
      }
    }
    loading.remove(key);
    done.put(key, parsed);
    order.add(parsed);
    return parsed;
  }

  private void importFile(Path dir, Path nameDir, Item.Import imp) {
    Span at = imp.path().span();
    Path target;
    Path targetName;
    try {
      target = (dir == null ? Path.of(imp.path().value()) : dir.resolve(imp.path().value())).normalize();
      targetName = (nameDir == null ? Path.of(imp.path().value()) : nameDir.resolve(imp.path().value())).normalize();
    } catch (InvalidPathException e) {
      diags.add(Diagnostic.error(Codes.IMPORT_MISSING, at, "cannot import \"" + imp.path().value()
          + "\": not a valid path"));
      return;
    }
    Path key = target.toAbsolutePath().normalize();
    if (loading.containsKey(key)) {
      List<String> chain = new ArrayList<>();
      boolean inCycle = false;
      for (Map.Entry<Path, String> e : loading.entrySet()) {
        inCycle |= e.getKey().equals(key);
        if (inCycle) {
          chain.add(e.getValue());
        }
      }
      chain.add(loading.get(key));
      diags.add(Diagnostic.error(Codes.IMPORT_CYCLE, at, "import cycle: " + String.join(" -> ", chain)));
      return;
    }
    if (done.containsKey(key)) {
      return;
    }
    if (!Files.exists(target)) {
      diags.add(Diagnostic.error(Codes.IMPORT_MISSING, at, "imported file " + target + " does not exist"));
      return;
    }
    loadFile(target, targetName.toString(), at);
  }

  /** The file's text, or null after reporting E012 (or E010 for a missing root) at {@code from}. */
  private String read(Path path, String name, Span from) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      diags.add(Diagnostic.error(Codes.IMPORT_MISSING, from, "file " + name + " does not exist"));
      return null;
    } catch (IOException | SecurityException e) {
      diags.add(Diagnostic.error(Codes.UNREADABLE, from, "cannot read " + name + ": " + reason(e)));
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      diags.add(Diagnostic.error(Codes.UNREADABLE, from, name + " is not UTF-8 text (invalid byte at offset "
          + firstBadByte(bytes) + ")"));
      return null;
    }
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
        .toLowerCase(java.util.Locale.ROOT) + (m == null ? "" : " (" + m + ")");
  }

  private static int firstBadByte(byte[] bytes) {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    var out = java.nio.CharBuffer.allocate(bytes.length + 1);
    var result = decoder.decode(in, out, true);
    return result.isError() ? in.position() : bytes.length;
  }
}
