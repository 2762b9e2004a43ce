package dev.resvc.compiler.codegen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes compiled policies as a jar that registers them for {@link java.util.ServiceLoader}:
 * {@code META-INF/MANIFEST.MF}, {@link PolicyGenerator#SERVICE_FILE}, then the class files in name
 * order, every entry stamped 1980-02-01 00:00, so the same classes always give the same bytes.
 */
public final class JarWriter {
  /** The timestamp of every entry: the earliest a zip can hold, as reproducible builds use. */
  static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 2, 1, 0, 0);

  private JarWriter() {}

  /**
   * @param classes class files by binary name
   * @param policyClasses the policy classes to register (binary names)
   */
  public static void write(Path jar, Map<String, byte[]> classes, Collection<String> policyClasses) throws IOException {
    Files.write(jar, toBytes(classes, policyClasses));
  }

  public static byte[] toBytes(Map<String, byte[]> classes, Collection<String> policyClasses) {
    SortedMap<String, byte[]> entries = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : classes.entrySet()) {
      entries.put(e.getKey().replace('.', '/') + ".class", e.getValue());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      String manifest = "Manifest-Version: 1.0\r\nCreated-By: resvc " + PolicyGenerator.version() + "\r\n\r\n";
      put(zip, "META-INF/MANIFEST.MF", manifest.getBytes(StandardCharsets.UTF_8));
      put(zip, PolicyGenerator.SERVICE_FILE,
          PolicyGenerator.serviceFile(policyClasses).getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        put(zip, e.getKey(), e.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setTimeLocal(ENTRY_TIME);
    zip.putNextEntry(entry);
    zip.write(data);
    zip.closeEntry();
  }
}
