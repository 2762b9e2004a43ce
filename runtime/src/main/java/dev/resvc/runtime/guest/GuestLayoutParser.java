package dev.resvc.runtime.guest;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a custom guest layout file, for guests that no preset describes:
 *
 * <pre>
 * # kind  name       start        end (inclusive)
 * layout  my-guest
 * ram     low-ram    0x0          0x7fffffff
 * mmio    pci-hole   0x80000000   0xfebfffff
 * ram     high-ram   0x100000000  0x47fffffff
 * </pre>
 *
 * <p>{@code #} starts a comment; the optional {@code layout NAME} line names the layout (the file
 * name otherwise). Kinds: {@code ram}, {@code mmio}, {@code rom}, {@code reserved}. Range names must
 * be unique, and ranges must not overlap.
 */
public final class GuestLayoutParser {
  private GuestLayoutParser() {}

  public static GuestLayout parse(String text, String sourceName) throws InputException {
    Optional<String> layoutName = Optional.empty();
    List<GuestRange> ranges = new ArrayList<>();
    Map<String, Integer> nameLines = new HashMap<>();
    List<Integer> rangeLines = new ArrayList<>();
    // The ranges so far by unsigned start, to indices in ranges: a new range is checked against its
    // neighbours, not all of them, so a file of many ranges reads in O(n log n).
    TreeMap<Long, Integer> byStart = new TreeMap<>(Long::compareUnsigned);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      String[] f = line.strip().split("\\s+");
      if (line.isBlank()) {
        continue;
      }
      if (f[0].equals("layout")) {
        if (f.length != 2) {
          throw new InputException(sourceName, Position.line(lineNo), "expected 'layout NAME'");
        }
        if (layoutName.isPresent() || !ranges.isEmpty()) {
          throw new InputException(sourceName, Position.line(lineNo), "the 'layout NAME' line must come first, once");
        }
        layoutName = Optional.of(f[1]);
        continue;
      }
      if (f.length != 4) {
        throw new InputException(sourceName, Position.line(lineNo),
            "expected '<kind> <name> <start> <end>' (4 fields), found " + f.length + ": " + MessageText.quote(line.strip()));
      }
      Optional<GuestKind> kind = GuestKind.byResvName(f[0]);
      if (kind.isEmpty()) {
        throw new InputException(sourceName, Position.line(lineNo),
            "unknown range kind " + MessageText.quote(f[0]) + " (expected ram, mmio, rom or reserved)");
      }
      Integer previous = nameLines.putIfAbsent(f[1], lineNo);
      if (previous != null) {
        throw new InputException(sourceName, Position.line(lineNo),
            "range name " + MessageText.quote(f[1]) + " is already used on line " + previous);
      }
      long start;
      long end;
      try {
        start = U64.parse(f[2]);
        end = U64.parse(f[3]);
      } catch (NumberFormatException e) {
        throw new InputException(sourceName, Position.line(lineNo), e.getMessage());
      }
      if (U64.lessThan(end, start)) {
        throw new InputException(sourceName, Position.line(lineNo),
            "end " + U64.hex16(end) + " lies below start " + U64.hex16(start) + " (the end is inclusive)");
      }
      GuestRange range = new GuestRange(f[1], kind.get(), new AddressRange(start, end));
      Optional<Integer> clash = firstOverlap(byStart, ranges, range.range());
      if (clash.isPresent()) {
        int j = clash.get();
        throw new InputException(sourceName, Position.line(lineNo),
            "range " + MessageText.quote(range.name()) + " overlaps "
            + MessageText.quote(ranges.get(j).name()) + " from line " + rangeLines.get(j));
      }
      byStart.put(start, ranges.size());
      ranges.add(range);
      rangeLines.add(lineNo);
    }
    if (ranges.isEmpty()) {
      throw new InputException(sourceName, Position.whole(), "the layout defines no range");
    }
    return new GuestLayout(layoutName.orElse(sourceName), ranges);
  }

  /**
   * The index of the earliest range in file order that overlaps {@code range}, among {@code ranges}
   * (pairwise disjoint, indexed by start in {@code byStart}). Only the range starting at or below
   * {@code range}'s start and those starting inside it can overlap it.
   */
  private static Optional<Integer> firstOverlap(TreeMap<Long, Integer> byStart, List<GuestRange> ranges,
      AddressRange range) {
    Optional<Integer> first = Optional.empty();
    Map.Entry<Long, Integer> below = byStart.floorEntry(range.start());
    if (below != null && ranges.get(below.getValue()).range().overlaps(range)) {
      first = Optional.of(below.getValue());
    }
    for (int j : byStart.subMap(range.start(), false, range.end(), true).values()) {
      if (first.isEmpty() || j < first.get()) {
        first = Optional.of(j);
      }
    }
    return first;
  }
}
