package dev.resvc.runtime.guest;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import java.time.Duration;

class GuestLayoutParserTest {
  private static final String LAYOUT = """
      # a small custom guest
      layout tiny
      ram   low-ram   0x0         0x7fffffff
      mmio  pci-hole  0x80000000  0xfebfffff   # 32-bit BARs
      ram   high-ram  0x100000000 0x17fffffff
      """;

  @Test
  void readsALayout() throws InputException {
    GuestLayout layout = GuestLayoutParser.parse(LAYOUT, "tiny.layout");
    assertThat(layout.name()).isEqualTo("tiny");
    assertThat(layout.ranges()).hasSize(3);
    assertThat(layout.ramSize().longValue()).isEqualTo(4L << 30);
  }

  @Test
  void errorsNameTheLine() {
    InputException e = assertThrows(InputException.class,
        () -> GuestLayoutParser.parse("ram a 0x0 0xfff\nram b 0x800 0x1fff\n", "g.layout"));
    assertThat(e).hasMessageThat().isEqualTo("g.layout:2: range 'b' overlaps 'a' from line 1");
    e = assertThrows(InputException.class, () -> GuestLayoutParser.parse("ram a 0x0\n", "g.layout"));
    assertThat(e).hasMessageThat().startsWith("g.layout:1: expected '<kind> <name> <start> <end>'");
    e = assertThrows(InputException.class, () -> GuestLayoutParser.parse("dram a 0 1\n", "g.layout"));
    assertThat(e).hasMessageThat().contains("unknown range kind 'dram'");
    e = assertThrows(InputException.class,
        () -> GuestLayoutParser.parse("ram a 0x0 0x10000000000000000\n", "g.layout"));
    assertThat(e).hasMessageThat().contains("does not fit in 64 bits");
    e = assertThrows(InputException.class, () -> GuestLayoutParser.parse("ram a 0x2000 0x1000\n", "g.layout"));
    assertThat(e).hasMessageThat().contains("lies below start");
    e = assertThrows(InputException.class, () -> GuestLayoutParser.parse("# nothing\n", "g.layout"));
    assertThat(e).hasMessageThat().isEqualTo("g.layout: the layout defines no range");
  }

  @Test
  void conflictsListEveryRegionAndGuestRangePairInOrder() throws InputException {
    GuestLayout layout = GuestLayoutParser.parse(LAYOUT, "tiny.layout");
    Region straddling = Region.ofInclusive(0x7fff0000L, 0x8000ffffL, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR);
    Region msi = Region.ofInclusive(0xfee00000L, 0xfeefffffL, RegionType.MSI, Prot.NONE, RegionSource.MSI_WINDOW);
    Region zero = new Region(0x1000, 0, RegionType.DIRECT, Prot.NONE, RegionSource.RMRR);
    List<GuestConflicts.Overlap> overlaps = GuestConflicts.find(List.of(straddling, msi, zero), layout);
    assertThat(overlaps).containsExactly(
        new GuestConflicts.Overlap(straddling, layout.range("low-ram").get(), new AddressRange(0x7fff0000L, 0x7fffffffL)),
        new GuestConflicts.Overlap(straddling, layout.range("pci-hole").get(), new AddressRange(0x80000000L, 0x8000ffffL)))
        .inOrder();
  }

  @Test
  void manyRangesReadInBoundedTime() throws InputException {
    // Each range used to be compared with every earlier one: 200,000 ranges took minutes.
    StringBuilder text = new StringBuilder();
    for (long i = 0; i < 200_000; i++) {
      text.append("ram r").append(i).append(" 0x").append(Long.toHexString(i << 12))
          .append(" 0x").append(Long.toHexString((i << 12) + 0xfff)).append('\n');
    }
    GuestLayout layout = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> GuestLayoutParser.parse(text.toString(), "many.layout"));
    assertThat(layout.ranges()).hasSize(200_000);
  }

  @Test
  void anOverlapNamesTheEarliestRangeInFileOrder() {
    // c covers both b (defined first, higher up) and a (lower down): the message names b, line 1.
    String text = "ram b 0x2000 0x2fff\nram a 0x0 0xfff\nram c 0x0 0xffffffffffffffff\n";
    InputException e = assertThrows(InputException.class, () -> GuestLayoutParser.parse(text, "g.layout"));
    assertThat(e).hasMessageThat().isEqualTo("g.layout:3: range 'c' overlaps 'b' from line 1");
    String touching = "ram a 0x1000 0x1fff\nram b 0x0 0x1000\n";
    e = assertThrows(InputException.class, () -> GuestLayoutParser.parse(touching, "g.layout"));
    assertThat(e).hasMessageThat().isEqualTo("g.layout:2: range 'b' overlaps 'a' from line 1");
    String top = "ram a 0xfffffffffffff000 0xffffffffffffffff\nram b 0x8000000000000000 0xfffffffffffff000\n";
    e = assertThrows(InputException.class, () -> GuestLayoutParser.parse(top, "g.layout"));
    assertThat(e).hasMessageThat().isEqualTo("g.layout:2: range 'b' overlaps 'a' from line 1");
  }

  @Test
  void aLongLineIsQuotedCut() {
    String text = "ram " + "x".repeat(1 << 20) + "\n";
    InputException e = assertThrows(InputException.class, () -> GuestLayoutParser.parse(text, "g.layout"));
    assertThat(e.getMessage().length()).isLessThan(200);
  }
}
