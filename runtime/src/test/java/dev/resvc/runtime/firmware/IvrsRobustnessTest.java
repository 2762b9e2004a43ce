package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.kernel.AmdRegionBuilder;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.testing.Corpus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Whatever the bytes, the IVRS reader yields a table or an {@link InputException} with a position
 * inside the data, and the AMD region builder accepts every table it yields: never an unchecked
 * exception.
 */
class IvrsRobustnessTest {
  private static final List<byte[]> TABLES =
      Corpus.machines(Corpus.ivrsDir()).stream().map(d -> Corpus.read(d.resolve("IVRS.bin"))).toList();

  @Test
  void everyTruncationOfEveryCorpusTable() {
    for (byte[] table : TABLES) {
      for (int n = 0; n <= table.length; n++) {
        byte[] cut = Arrays.copyOf(table, n);
        survives(cut);
        survives(withLength(cut));
      }
    }
  }

  @Test
  void everySingleByteChangeOfEveryCorpusTable() {
    int[] masks = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80};
    for (byte[] table : TABLES) {
      for (int i = 0; i < table.length; i++) {
        byte original = table[i];
        byte[] copy = table.clone();
        for (int mask : masks) {
          copy[i] = (byte) (original ^ mask);
          survives(copy, false);
        }
        copy[i] = 0;
        survives(copy, false);
        copy[i] = (byte) 0xff;
        survives(copy, false);
      }
    }
  }

  /** Several random edits: overwrites, insertions, deletions, with the header length sometimes repaired. */
  @Property(tries = 3000)
  void randomlyMutatedCorpusTables(@ForAll @IntRange(min = 0, max = 4) int machine, @ForAll long seed) {
    Random random = new Random(seed);
    byte[] data = TABLES.get(machine % TABLES.size()).clone();
    int edits = 1 + random.nextInt(6);
    for (int e = 0; e < edits; e++) {
      data = mutate(data, random);
    }
    if (random.nextBoolean()) {
      data = withLength(data);
    }
    survives(data);
  }

  private static byte[] mutate(byte[] data, Random random) {
    if (data.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    int at = random.nextInt(data.length);
    switch (random.nextInt(5)) {
      case 0 -> data[at] = (byte) random.nextInt(256);
      case 1 -> {
        // block and entry types and lengths are the interesting targets
        int[] values = {0, 1, 2, 3, 4, 5, 8, 0x10, 0x11, 0x18, 0x20, 0x21, 0x22, 0x28, 0x40, 0x43, 0x48, 0x51, 0x7f,
          0x80, 0xf0, 0xff};
        data[at] = (byte) values[random.nextInt(values.length)];
      }
      case 2 -> {
        byte[] longer = new byte[data.length + 1 + random.nextInt(8)];
        System.arraycopy(data, 0, longer, 0, at);
        int gap = longer.length - data.length;
        for (int i = 0; i < gap; i++) {
          longer[at + i] = (byte) random.nextInt(256);
        }
        System.arraycopy(data, at, longer, at + gap, data.length - at);
        return longer;
      }
      case 3 -> {
        int n = Math.min(data.length - at, 1 + random.nextInt(8));
        byte[] shorter = new byte[data.length - n];
        System.arraycopy(data, 0, shorter, 0, at);
        System.arraycopy(data, at + n, shorter, at, data.length - at - n);
        return shorter;
      }
      default -> {
        return Arrays.copyOf(data, at);
      }
    }
    return data;
  }

  /** {@code data} with its header length set to its size (when it has a length field) and a fixed checksum. */
  private static byte[] withLength(byte[] data) {
    byte[] t = data.clone();
    if (t.length >= 10) {
      int n = t.length;
      t[4] = (byte) n;
      t[5] = (byte) (n >>> 8);
      t[6] = (byte) (n >>> 16);
      t[7] = (byte) (n >>> 24);
      DmarBuilder.fixChecksum(t);
    }
    return t;
  }

  private static void survives(byte[] data) {
    survives(data, true);
  }

  /** {@code json}: also print the JSON tree (the slow part; skipped in the exhaustive byte-change test). */
  private static void survives(byte[] data, boolean json) {
    for (boolean strict : new boolean[] {false, true}) {
      List<InputNote> notes = new ArrayList<>();
      try {
        IvrsTable table = IvrsReader.read(data, "fuzz.bin", strict, notes);
        IvrsFormat.text(table);
        AmdRegionBuilder amd = AmdRegionBuilder.from(table, false, "fuzz.bin", notes);
        amd.regionsFor(PciAddress.of(0, 0, 0, 0));
        amd.regionsFor(PciAddress.of(0, 0xff, 0x1f, 7));
        if (json) {
          IvrsFormat.json(table).toString();
        }
      } catch (InputException e) {
        if (!inside(e.position(), data.length) || e.detail().isEmpty()) {
          throw new AssertionError("bad error " + e.getMessage() + " for input " + hex(data), e);
        }
      } catch (RuntimeException e) {
        throw new AssertionError("unchecked " + e + " for input " + hex(data), e);
      }
      for (InputNote n : notes) {
        if (!inside(n.position(), data.length)) {
          throw new AssertionError("bad note position " + n.render() + " for input " + hex(data));
        }
      }
    }
  }

  private static boolean inside(Position p, int length) {
    return !(p instanceof Position.Offset o) || (o.offset() >= 0 && o.offset() <= length);
  }

  private static String hex(byte[] data) {
    return HexFormat.of().formatHex(data);
  }

}
