package dev.resvc.runtime.policy.index;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyIndexTest {
  @Test
  void findsTheRulesOfAKey() {
    KeyIndex index = KeyIndex.parse("0x8086: 0 6 12\n0x10de: 3\n", "0xffffffffffffffff: 9\n0x0: 1\n");
    assertThat(index.rules(0x8086)).asList().containsExactly(0, 6, 12).inOrder();
    assertThat(index.rules(0x10de)).asList().containsExactly(3);
    assertThat(index.rules(-1L)).asList().containsExactly(9);
    assertThat(index.rules(0)).asList().containsExactly(1);
    assertThat(index.rules(0x1002)).isEmpty();
    assertThat(index.size()).isEqualTo(4);
  }

  @Test
  void agreesWithAMapOnManyKeys() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 50; round++) {
      Map<Long, Integer> expected = new HashMap<>();
      StringBuilder table = new StringBuilder();
      int n = random.nextInt(2000);
      for (int i = 0; i < n; i++) {
        long key = random.nextBoolean() ? random.nextInt(0x10000) : random.nextLong();
        if (expected.putIfAbsent(key, i) == null) {
          table.append("0x").append(Long.toHexString(key)).append(": ").append(i).append('\n');
        }
      }
      KeyIndex index = KeyIndex.parse(table.toString());
      for (Map.Entry<Long, Integer> e : expected.entrySet()) {
        assertThat(index.rules(e.getKey())).asList().containsExactly(e.getValue());
      }
      for (int probe = 0; probe < 500; probe++) {
        long key = random.nextInt(0x10000);
        assertThat(index.rules(key).length).isEqualTo(expected.containsKey(key) ? 1 : 0);
      }
    }
  }

  @Test
  void readsTheUnindexedList() {
    assertThat(KeyIndex.parseList("1 2 ", "5 9")).asList().containsExactly(1, 2, 5, 9).inOrder();
    assertThat(KeyIndex.parseList("")).isEmpty();
  }

  @Test
  void malformedTablesAreRefusedWithTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyIndex.parse("0x1: 1\n0x1: 2"));
    assertThat(e).hasMessageThat().contains("key repeated");
    assertThrows(IllegalArgumentException.class, () -> KeyIndex.parse("8086: 1"));
    assertThrows(IllegalArgumentException.class, () -> KeyIndex.parse("0x8086 1"));
    assertThrows(IllegalArgumentException.class, () -> KeyIndex.parse("0x8086: one"));
    assertThrows(IllegalArgumentException.class, () -> KeyIndex.parse("0x8086: -1"));
  }
}
