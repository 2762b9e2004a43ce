package dev.resvc.runtime.testing;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Feeds damaged ACPI tables to a reader: every truncation, every single-byte change, random edits. The
 * reader (and whatever consumes its result) must only ever produce a table or an {@link
 * InputException} whose offset lies inside the data; an unchecked exception is a bug.
 */
public final class TableFuzz {
  private TableFuzz() {}

  /** Decodes {@code data} and uses the result; {@code json} also prints the (slow) JSON form. */
  public interface Decoder {
    void decode(byte[] data, boolean strict, boolean json, List<InputNote> notes) throws InputException;
  }

  public static void everyTruncation(List<byte[]> tables, Decoder decoder) {
    for (byte[] table : tables) {
      for (int n = 0; n <= table.length; n++) {
        byte[] cut = Arrays.copyOf(table, n);
        survives(cut, true, decoder);
        survives(withLength(cut), true, decoder);
      }
    }
  }

  public static void everySingleByteChange(List<byte[]> tables, Decoder decoder) {
    int[] masks = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80};
    for (byte[] table : tables) {
      for (int i = 0; i < table.length; i++) {
        byte original = table[i];
        byte[] copy = table.clone();
        for (int mask : masks) {
          copy[i] = (byte) (original ^ mask);
          survives(copy, false, decoder);
        }
        copy[i] = 0;
        survives(copy, false, decoder);
        copy[i] = (byte) 0xff;
        survives(copy, false, decoder);
      }
    }
  }

  /**
   * One to six random edits (overwrites, overwrites with {@code interesting} values such as type and
   * length bytes, insertions, deletions, truncation), with the header length sometimes repaired.
   */
  public static void randomEdits(byte[] table, long seed, int[] interesting, Decoder decoder) {
    Random random = new Random(seed);
    byte[] data = table.clone();
    int edits = 1 + random.nextInt(6);
    for (int e = 0; e < edits; e++) {
      data = mutate(data, random, interesting);
    }
    if (random.nextBoolean()) {
      data = withLength(data);
    }
    survives(data, true, decoder);
  }

  private static byte[] mutate(byte[] data, Random random, int[] interesting) {
    if (data.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    int at = random.nextInt(data.length);
    switch (random.nextInt(5)) {
      case 0 -> data[at] = (byte) random.nextInt(256);
      case 1 -> data[at] = (byte) interesting[random.nextInt(interesting.length)];
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

  /** {@code data} with its ACPI header length set to its size and a correct checksum. */
  public static byte[] withLength(byte[] data) {
    byte[] t = data.clone();
    if (t.length >= 10) {
      int n = t.length;
      t[4] = (byte) n;
      t[5] = (byte) (n >>> 8);
      t[6] = (byte) (n >>> 16);
      t[7] = (byte) (n >>> 24);
      int sum = 0;
      for (int i = 0; i < n; i++) {
        if (i != 9) {
          sum += t[i] & 0xff;
        }
      }
      t[9] = (byte) -sum;
    }
    return t;
  }

  /** Decodes leniently and strictly; fails on an unchecked exception or a position outside the data. */
  public static void survives(byte[] data, boolean json, Decoder decoder) {
    for (boolean strict : new boolean[] {false, true}) {
      List<InputNote> notes = new ArrayList<>();
      try {
        decoder.decode(data, strict, json, notes);
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
