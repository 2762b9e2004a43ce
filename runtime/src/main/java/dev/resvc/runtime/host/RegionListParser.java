package dev.resvc.runtime.host;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads region lists in the {@code reserved_regions} format: one region per line, {@code <start>
 * <end> <type>}, the end inclusive; a region file may add the kernel's protection flags as a fourth
 * field, {@code prot=read|write} ({@link Prot}; the kernel's file never prints them, so its lines get
 * {@link Prot#NONE}).
 *
 * <p>A line is the exact inverse of the kernel's print: it stands for the kernel pair (start, length
 * = end - start + 1 mod 2^64). So {@code end = start - 1} is a zero-length region, which the kernel
 * can hold and print (accepted, with a warning), and an end further below the start cannot come from
 * the kernel (an error).
 */
public final class RegionListParser {
  /** What a parsed list holds: the regions in file order and, for IOVA input, an optional aperture. */
  public record RegionList(Optional<AddressRange> aperture, List<Region> regions, List<Integer> lines) {
    public RegionList {
      regions = List.copyOf(regions);
      lines = List.copyOf(lines);
    }
  }

  /** Which spelling of the lines to accept. */
  public enum Dialect {
    /**
     * Hand-written region files: {@code 0x} hex or decimal numbers, resvc type names (so {@code
     * sw-msi} can be told from {@code msi}), blank lines and {@code #} comments, an optional first
     * line {@code aperture <lo> <hi>} where apertures are allowed.
     */
    REGION_FILE,
    /** The kernel's own file: {@code 0x%016llx 0x%016llx %s}; {@code msi} reads as {@link RegionType#MSI}. */
    SYSFS
  }

  private RegionListParser() {}

  /**
   * The regions of {@code text}, with a warning note for each zero-length region.
   *
   * @param allowAperture whether an {@code aperture} line may start a {@link Dialect#REGION_FILE}
   */
  public static Read<RegionList> parse(String text, String sourceName, Dialect dialect, boolean allowAperture)
      throws InputException {
    List<InputNote> notes = new ArrayList<>();
    List<Region> regions = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    Optional<AddressRange> aperture = Optional.empty();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNo = i + 1;
      String raw = lines[i];
      if (raw.endsWith("\r")) {
        raw = raw.substring(0, raw.length() - 1);
      }
      String line = raw;
      if (dialect == Dialect.REGION_FILE) {
        int hash = line.indexOf('#');
        if (hash >= 0) {
          line = line.substring(0, hash);
        }
      }
      if (line.isBlank()) {
        if (dialect == Dialect.SYSFS && i < lines.length - 1) {
          throw new InputException(sourceName, Position.line(lineNo), "empty line; the kernel never writes one");
        }
        continue;
      }
      List<Token> tokens = tokenize(line);
      if (dialect == Dialect.REGION_FILE && tokens.get(0).text.equals("aperture")) {
        if (!allowAperture) {
          throw new InputException(sourceName, Position.line(lineNo, tokens.get(0).column),
              "an 'aperture' line is only meaningful for 'resvc iova'");
        }
        if (!regions.isEmpty() || aperture.isPresent()) {
          throw new InputException(sourceName, Position.line(lineNo, tokens.get(0).column),
              "the 'aperture' line must come first, before any region");
        }
        if (tokens.size() != 3) {
          throw new InputException(sourceName, Position.line(lineNo, tokens.get(0).column),
              "expected 'aperture <start> <end>', e.g. 'aperture 0x0 0xffffffffffff'");
        }
        long lo = number(tokens.get(1), sourceName, lineNo, dialect, "aperture start");
        long hi = number(tokens.get(2), sourceName, lineNo, dialect, "aperture end");
        if (U64.lessThan(hi, lo)) {
          throw new InputException(sourceName, Position.line(lineNo, tokens.get(2).column),
              "aperture end " + U64.hex16(hi) + " lies below its start " + U64.hex16(lo));
        }
        aperture = Optional.of(new AddressRange(lo, hi));
        continue;
      }
      int fields = dialect == Dialect.REGION_FILE && tokens.size() == 4 && tokens.get(3).text.startsWith(PROT)
          ? 4 : 3;
      if (tokens.size() != fields) {
        throw new InputException(sourceName, Position.line(lineNo, tokens.size() > 3 ? tokens.get(3).column : 1),
            (dialect == Dialect.REGION_FILE ? "expected '<start> <end> <type> [prot=<flags>]' (3 or 4 fields)"
                : "expected '<start> <end> <type>' (3 fields)") + ", found " + tokens.size() + ": "
                + MessageText.quote(raw.strip()));
      }
      Prot prot = fields == 4 ? prot(tokens.get(3), sourceName, lineNo) : Prot.NONE;
      long start = number(tokens.get(0), sourceName, lineNo, dialect, "start");
      long end = number(tokens.get(1), sourceName, lineNo, dialect, "end");
      Token typeToken = tokens.get(2);
      Optional<RegionType> type = dialect == Dialect.SYSFS
          ? RegionType.bySysfsName(typeToken.text).or(() -> RegionType.byResvName(typeToken.text))
          : RegionType.byResvName(typeToken.text);
      if (type.isEmpty()) {
        throw new InputException(sourceName, Position.line(lineNo, typeToken.column),
            "unknown region type " + MessageText.quote(typeToken.text) + " (expected direct, direct-relaxable, reserved, msi or sw-msi)");
      }
      if (end == start - 1) {
        notes.add(InputNote.warning(sourceName, Position.line(lineNo, tokens.get(1).column),
            "end " + U64.hex16(end) + " is one below the start: a zero-length region (the kernel keeps"
                + " and prints such regions, but they cover nothing)"));
      } else if (U64.lessThan(end, start)) {
        throw new InputException(sourceName, Position.line(lineNo, tokens.get(1).column),
            "end " + U64.hex16(end) + " lies below start " + U64.hex16(start)
                + " (only end = start - 1, a zero-length region, can come from the kernel)");
      }
      // Neither format attributes a region to firmware, so every line has source sysfs.
      regions.add(Region.ofInclusive(start, end, type.get(), prot, RegionSource.SYSFS));
      lineNumbers.add(lineNo);
    }
    return new Read<>(new RegionList(aperture, regions, lineNumbers), notes);
  }

  private static final String PROT = "prot=";

  /** A {@code prot=} field: {@link Prot#parse} of what follows. */
  private static Prot prot(Token token, String source, int line) throws InputException {
    return Prot.parse(token.text.substring(PROT.length())).orElseThrow(() -> new InputException(source,
        Position.line(line, token.column), "unknown protection " + MessageText.quote(token.text)
            + " (expected prot=none or flags joined by '|' from read, write, cache, noexec, mmio, priv)"));
  }

  private record Token(String text, int column) {}

  private static List<Token> tokenize(String line) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && Character.isWhitespace(line.charAt(i))) i++;
      int startCol = i;
      while (i < line.length() && !Character.isWhitespace(line.charAt(i))) i++;
      if (i > startCol) {
        tokens.add(new Token(line.substring(startCol, i), startCol + 1));
      }
    }
    return tokens;
  }

  private static long number(Token token, String source, int line, Dialect dialect, String what)
      throws InputException {
    if (dialect == Dialect.SYSFS && !token.text.startsWith("0x")) {
      throw new InputException(source, Position.line(line, token.column),
          what + " " + MessageText.quote(token.text) + " is not 0x-prefixed hex as the kernel prints it");
    }
    try {
      return U64.parse(token.text);
    } catch (NumberFormatException e) {
      throw new InputException(source, Position.line(line, token.column), what + ": " + e.getMessage());
    }
  }
}
