package dev.resvc.runtime.firmware;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.kernel.ArmRegionBuilder;
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
 * Whatever the bytes, the reader yields a table or an {@link InputException} with a position inside
 * the data: never an unchecked exception. The region builder must cope with whatever table the reader
 * accepts, too.
 */
class IortRobustnessTest {
  private static final List<byte[]> TABLES =
      Corpus.machines(Corpus.iortDir()).stream().map(d -> Corpus.read(d.resolve("IORT.bin"))).toList();

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
  void randomlyMutatedCorpusTables(@ForAll @IntRange(min = 0, max = 0) int machine, @ForAll long seed) {
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
        // length, count and offset fields are the interesting targets: small values, 0, 0xff
        int[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x18, 0x7f, 0xff};
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
        IortTable table = IortReader.read(data, "fuzz.bin", strict, notes);
        IortFormat.text(table);
        if (json) {
          IortFormat.json(table).toString();
        }
        exercise(table, notes);
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

  /** Runs the region builder over every SMMU node with a few stream IDs and every root complex. */
  private static void exercise(IortTable table, List<InputNote> notes) {
    ArmRegionBuilder b = ArmRegionBuilder.of(table, "fuzz.bin", notes);
    for (IortNode n : table.nodes()) {
      if (n instanceof IortNode.SmmuV3 || n instanceof IortNode.Smmu) {
        b.regionsForStreams(n.offset(), List.of(0L, 6L, 0x100L, 0xffffffffL));
      } else if (n instanceof IortNode.NamedComponent c) {
        b.streamsForNamedComponent(c.deviceName());
      } else if (n instanceof IortNode.RootComplex r) {
        b.streamsForPci(PciAddress.of((int) (r.pciSegment() & 0xffff), 1, 0, 0));
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
