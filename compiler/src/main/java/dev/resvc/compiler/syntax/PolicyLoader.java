package dev.resvc.compiler.syntax;

import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
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
  /**
   * The longest chain of imports followed (the root file is the first). Real policies import a few
   * levels deep; the limit keeps a generated chain of thousands of files from exhausting the stack.
   */
  public static final int MAX_IMPORT_DEPTH = 32;

  /** The most files one load reads, the root included. */
  public static final int MAX_FILES = 1000;

  /** The most bytes of policy text one load reads, over all its files (four files at their own cap). */
  public static final long MAX_TOTAL_BYTES = 4 * InputLimits.POLICY.maxBytes();

  private final Diagnostics diags;
  private int files;
  private long bytes;
  /** Set once a limit of the whole load is reported, so that it is reported once. */
  private boolean exhausted;
  /** Normalized absolute path to the parsed file (null while it is being loaded). */
  private final Map<Path, PolicyFile> done = new HashMap<>();
  /** The chain of files being loaded, absolute path to display name, for cycle messages. */
  private final LinkedHashMap<Path, String> loading = new LinkedHashMap<>();
  private final List<PolicyFile> order = new ArrayList<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  /** The most characters of a file name a message quotes. */
  private static final int MAX_NAME = 200;

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
      diags.add(Diagnostic.error(Code.MISSING_FILE, at, "cannot import \"" + imp.path().value()
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
      diags.add(Diagnostic.error(Code.IMPORT_CYCLE, at, "import cycle: " + String.join(" -> ", chain)));
      return;
    }
    if (done.containsKey(key)) {
      return;
    }
    if (!Files.exists(target)) {
      diags.add(Diagnostic.error(Code.MISSING_FILE, at, "imported file "
          + MessageText.clean(target.toString(), MAX_NAME) + " does not exist"));
      return;
    }
    if (loading.size() >= MAX_IMPORT_DEPTH) {
      diags.add(Diagnostic.error(Code.IMPORTS_TOO_DEEP, at, "imports nested deeper than " + MAX_IMPORT_DEPTH
          + " files (the most resvc follows); " + MessageText.clean(targetName.toString(), MAX_NAME)
          + " was not read"));
      return;
    }
    loadFile(target, targetName.toString(), at);
  }

  /**
   * The file's text, or null after reporting why not at {@code from}: E010 for a missing root, E012
   * for anything that is not a readable regular UTF-8 file within its cap, E014/E015 past the limits
   * of the whole load.
   */
  private String read(Path path, String name, Span from) {
    String shown = MessageText.clean(name, MAX_NAME);
    if (exhausted) {
      return null;
    }
    if (files == MAX_FILES) {
      exhausted = true;
      diags.add(Diagnostic.error(Code.TOO_MANY_FILES, from, "this policy imports more than " + MAX_FILES
          + " files (the most one policy may read); " + shown + " was not read"));
      return null;
    }
    byte[] content;
    try {
      content = InputFiles.read(path, name, InputLimits.POLICY);
    } catch (InputException e) {
      boolean missing = e.getCause() instanceof NoSuchFileException;
      diags.add(Diagnostic.error(missing ? Code.MISSING_FILE : Code.UNREADABLE_FILE, from,
          missing ? "file " + shown + " does not exist" : shown + ": " + e.detail()));
      return null;
    } catch (SecurityException e) {
      diags.add(Diagnostic.error(Code.UNREADABLE_FILE, from, shown + ": cannot read: not permitted"));
      return null;
    }
    files++;
    if (content.length > MAX_TOTAL_BYTES - bytes) {
      exhausted = true;
      diags.add(Diagnostic.error(Code.TOO_MUCH_TEXT, from, "this policy's files hold more than "
          + (MAX_TOTAL_BYTES >> 20) + " MiB of text (the most one policy may read); " + shown + " was not read"));
      return null;
    }
    bytes += content.length;
    try {
      return InputFiles.utf8(content, name);
    } catch (InputException e) {
      diags.add(Diagnostic.error(Code.UNREADABLE_FILE, from, shown + " " + e.detail()));
      return null;
    }
  }
}
