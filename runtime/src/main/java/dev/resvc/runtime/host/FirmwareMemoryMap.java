package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.range.U64;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The firmware memory map as {@code /sys/firmware/memmap} shows it (drivers/firmware/memmap.c), which
 * on x86 is the E820 table: {@code e820__reserve_resources} hands each entry of the (kexec copy of the)
 * table, in address order, to {@code firmware_map_add_early(addr, addr + size, e820_type_to_string(entry))},
 * and the entries appear as directories {@code 0}, {@code 1}, ... in that order, each with {@code start}
 * and {@code end} printed {@code "0x%llx\n"} ({@code end} inclusive: {@code firmware_map_add_entry}
 * stores {@code end - 1}) and {@code type} printed {@code "%s\n"}: "System RAM", "Reserved", "ACPI
 * Tables", "ACPI Non-volatile Storage", "Unusable memory", "Persistent Memory", ...
 *
 * <p>The Intel driver checks RMRRs against the E820 table ({@code arch_rmrr_sanity_check},
 * arch/x86/include/asm/iommu.h; {@link RmrrSanityCheck}); this map is the nearest copy of that table
 * userspace can read. Snapshots keep it under {@link #DIR}.
 *
 * @param entries in the kernel's order (by directory number)
 */
public record FirmwareMemoryMap(List<Entry> entries) {
  /** Where the map lives below a sysfs root. */
  public static final String DIR = "firmware/memmap";
  /** {@code e820_type_to_string(E820_TYPE_RESERVED)}. */
  public static final String RESERVED = "Reserved";
  /** {@code e820_type_to_string(E820_TYPE_NVS)}. */
  public static final String ACPI_NVS = "ACPI Non-volatile Storage";
  /**
   * The most entries read: E820 tables hold at most {@code E820_MAX_ENTRIES} (128 + 3 per NUMA node)
   * entries, far below this; a directory with more is not a firmware memory map.
   */
  public static final int MAX_ENTRIES = 4096;
  /** The longest type name accepted; the kernel's are under 30 characters. */
  private static final int MAX_TYPE = 64;
  private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-f]{1,16}");
  private static final Pattern TYPE = Pattern.compile("[\\x20-\\x7e]{1," + MAX_TYPE + "}");

  /**
   * One entry.
   *
   * @param index its directory number
   * @param start the first byte
   * @param end the last byte; {@code start - 1} for an empty entry (the kernel allows {@code start == end}
   *     in {@code firmware_map_add_entry})
   */
  public record Entry(int index, long start, long end, String type) {
    public Entry {
      Objects.requireNonNull(type, "type");
    }

    /** {@code addr + size} of the E820 entry: one past the last byte, wrapping as the kernel's u64 does. */
    long endExclusive() {
      return end + 1;
    }
  }

  public FirmwareMemoryMap {
    entries = List.copyOf(entries);
  }

  /**
   * {@code __e820__mapped_all(start, end, type)} (arch/x86/kernel/e820.c): walks the entries in order,
   * skipping those {@code counts} rejects and those not overlapping {@code [start, end)}; an entry that
   * begins at or before {@code start} moves {@code start} to its end; the entry after which {@code
   * start} reaches {@code end} is returned. Coverage may chain several entries, but a gap, or an entry
   * that begins inside the rest of the range, leaves it uncovered.
   *
   * @param end exclusive, as the kernel computes it ({@code end_address + 1}, wrapping)
   */
  public Optional<Entry> mappedAll(long start, long end, Predicate<Entry> counts) {
    for (Entry e : entries) {
      if (!counts.test(e)) {
        continue;
      }
      if (U64.compare(e.start(), end) >= 0 || U64.lessOrEqual(e.endExclusive(), start)) {
        continue;
      }
      if (U64.lessOrEqual(e.start(), start)) {
        start = e.endExclusive();
      }
      if (U64.compare(start, end) >= 0) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The map at {@code root} (the live {@code /sys} or a snapshot), or empty when it has none. */
  public static Optional<FirmwareMemoryMap> read(Path root) throws InputException {
    return read(SysfsTree.open(root)).map(Files::map);
  }

  /** The map with the bytes of every file read, keyed by its path below the root, for {@link SnapshotWriter}. */
  record Files(FirmwareMemoryMap map, Map<String, byte[]> files) {
    Files {
      files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }
  }

  /**
   * Reads {@link #DIR} of {@code tree}.
   *
   * @throws InputException naming the file for a directory that is not an entry number, a missing
   *     file, a value the kernel would not print (not {@code 0x} and lowercase hex digits, more than 64
   *     bits, an end below the start less one, a type with control characters or over {@value
   *     #MAX_TYPE} characters), or more than {@value #MAX_ENTRIES} entries
   */
  static Optional<Files> read(SysfsTree tree) throws InputException {
    Optional<Path> dir = tree.findDirectory(DIR);
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    List<String> names = tree.list(DIR, dir.get());
    if (names.size() > MAX_ENTRIES) {
      throw new InputException(tree.name(DIR), Position.whole(), names.size() + " entries; a firmware memory map"
          + " has far fewer (at most " + MAX_ENTRIES + " are read)");
    }
    List<String> sorted = new ArrayList<>();
    for (String name : names) {
      if (!INDEX.matcher(name).matches()) {
        throw new InputException(tree.name(DIR + "/" + name), Position.whole(),
            "is not an entry number (the kernel names them 0, 1, 2, ...)");
      }
      sorted.add(name);
    }
    sorted.sort(Comparator.comparingInt(Integer::parseInt));
    Map<String, byte[]> files = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (String name : sorted) {
      String rel = DIR + "/" + name;
      long start = hex(tree, rel + "/start", files);
      long end = hex(tree, rel + "/end", files);
      // firmware_map_add_entry(start, end + 1) has BUG_ON(start > end + 1), in wrapping u64 arithmetic.
      if (U64.lessThan(end + 1, start)) {
        throw new InputException(tree.name(rel + "/end"), Position.whole(), U64.hex(end)
            + " does not follow the start " + U64.hex(start) + "; the kernel refuses such an entry"
            + " (firmware_map_add_entry: BUG_ON(start > end))");
      }
      String type = line(tree, rel + "/type", files);
      if (!TYPE.matcher(type).matches()) {
        throw new InputException(tree.name(rel + "/type"), Position.whole(), MessageText.quote(type)
            + " is not a memory type name (one line of printable characters, at most " + MAX_TYPE + ")");
      }
      entries.add(new Entry(Integer.parseInt(name), start, end, type));
    }
    return Optional.of(new Files(new FirmwareMemoryMap(entries), files));
  }

  private static long hex(SysfsTree tree, String rel, Map<String, byte[]> files) throws InputException {
    String text = line(tree, rel, files);
    if (!HEX.matcher(text).matches()) {
      throw new InputException(tree.name(rel), Position.whole(), MessageText.quote(text)
          + " is not an address as the kernel prints it (0x and up to 16 lowercase hex digits)");
    }
    return Long.parseUnsignedLong(text.substring(2), 16);
  }

  /** The file's one line, without its newline. */
  private static String line(SysfsTree tree, String rel, Map<String, byte[]> files) throws InputException {
    Optional<Path> real = tree.find(rel);
    if (real.isEmpty()) {
      throw new InputException(tree.name(rel), Position.whole(), "missing (every memmap entry has start, end and type)");
    }
    byte[] bytes = tree.read(rel, real.get(), InputLimits.SYSFS_FILE);
    files.put(rel, bytes);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
