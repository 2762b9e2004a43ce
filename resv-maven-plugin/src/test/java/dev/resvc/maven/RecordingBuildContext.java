package dev.resvc.maven;

import java.io.File;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.codehaus.plexus.util.Scanner;
import org.sonatype.plexus.build.incremental.BuildContext;

/**
 * An IDE's build context as m2e is to the plugin: it says whether the build is incremental and whether
 * anything changed, and records what the plugin tells it. The scanner and stream methods, which the
 * plugin does not call, fail the test if it ever does.
 */
final class RecordingBuildContext implements BuildContext {
  final boolean incremental;
  boolean delta = true;
  final List<String> calls = new ArrayList<>();
  private final Map<String, Object> values = new HashMap<>();

  RecordingBuildContext(boolean incremental) {
    this.incremental = incremental;
  }

  @Override
  public boolean hasDelta(String relpath) {
    return delta;
  }

  @Override
  public boolean hasDelta(File file) {
    return delta;
  }

  @Override
  @SuppressWarnings("rawtypes")
  public boolean hasDelta(List relpaths) {
    return delta;
  }

  @Override
  public void refresh(File file) {
    calls.add("refresh " + file);
  }

  @Override
  public OutputStream newFileOutputStream(File file) {
    throw new AssertionError("the plugin writes its files itself");
  }

  @Override
  public Scanner newScanner(File basedir) {
    throw new AssertionError("the plugin selects its files itself");
  }

  @Override
  public Scanner newDeleteScanner(File basedir) {
    throw new AssertionError("the plugin selects its files itself");
  }

  @Override
  public Scanner newScanner(File basedir, boolean ignoreDelta) {
    throw new AssertionError("the plugin selects its files itself");
  }

  @Override
  public boolean isIncremental() {
    return incremental;
  }

  @Override
  public void setValue(String key, Object value) {
    values.put(key, value);
  }

  @Override
  public Object getValue(String key) {
    return values.get(key);
  }

  @Override
  public void addWarning(File file, int line, int column, String message, Throwable cause) {
    addMessage(file, line, column, message, SEVERITY_WARNING, cause);
  }

  @Override
  public void addError(File file, int line, int column, String message, Throwable cause) {
    addMessage(file, line, column, message, SEVERITY_ERROR, cause);
  }

  @Override
  public void addMessage(File file, int line, int column, String message, int severity, Throwable cause) {
    calls.add((severity == SEVERITY_ERROR ? "error " : "warning ") + file + ":" + line + ":" + column + " " + message);
  }

  @Override
  public void removeMessages(File file) {
    calls.add("clear " + file);
  }

  @Override
  public boolean isUptodate(File target, File source) {
    throw new AssertionError("the plugin decides by content hashes");
  }
}
