package dev.resvc.runtime.guest;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expected splits follow QEMU's board code (pc_q35_init, pc_init1, virt base_memmap). */
class GuestPresetsTest {
  private static final long G = 1L << 30;
  private static final long M = 1L << 20;

  private static List<AddressRange> ram(GuestLayout layout) {
    return layout.ranges(GuestKind.RAM).stream().map(GuestRange::range).toList();
  }

  @Test
  void q35SplitsAtTwoGibWhenRamReachesTwoPointSevenFiveGib() {
    assertThat(ram(GuestPresets.q35(4 * G))).containsExactly(
        new AddressRange(0, 0x7fffffffL), new AddressRange(4 * G, 6 * G - 1)).inOrder();
    assertThat(ram(GuestPresets.q35(0xb0000000L))).containsExactly(
        new AddressRange(0, 0x7fffffffL), new AddressRange(4 * G, 4 * G + 0x30000000L - 1)).inOrder();
  }

  @Test
  void q35KeepsSmallRamBelowFourGib() {
    GuestLayout layout = GuestPresets.q35(2 * G);
    assertThat(ram(layout)).containsExactly(new AddressRange(0, 2 * G - 1));
    assertThat(layout.range("pci-hole").get().range()).isEqualTo(new AddressRange(2 * G, 0xafffffffL));
    assertThat(layout.range("pcie-mmconfig").get().range()).isEqualTo(new AddressRange(0xb0000000L, 0xbfffffffL));
  }

  @Test
  void pcUsesThreeGibLowRamForFourGib() {
    // QEMU: "-m 4G" on pc gives 3072 MiB below 4 GiB and 1024 MiB above.
    assertThat(ram(GuestPresets.pc(4 * G))).containsExactly(
        new AddressRange(0, 3 * G - 1), new AddressRange(4 * G, 5 * G - 1)).inOrder();
    assertThat(ram(GuestPresets.pc(3 * G + 512 * M))).containsExactly(
        new AddressRange(0, 3 * G - 1), new AddressRange(4 * G, 4 * G + 512 * M - 1)).inOrder();
    assertThat(ram(GuestPresets.pc(3 * G))).containsExactly(new AddressRange(0, 3 * G - 1));
  }

  @Test
  void msiWindowIsNeverGuestRam() {
    for (GuestLayout layout : List.of(GuestPresets.q35(64 * G), GuestPresets.pc(64 * G), GuestPresets.q35(1 * G))) {
      assertThat(layout.range("lapic-msi").get().kind()).isEqualTo(GuestKind.MMIO);
      assertThat(layout.range("lapic-msi").get().range()).isEqualTo(new AddressRange(0xfee00000L, 0xfeefffffL));
    }
  }

  @Test
  void virtRamStartsAtOneGib() {
    GuestLayout layout = GuestPresets.virt(4 * G);
    assertThat(ram(layout)).containsExactly(new AddressRange(G, 5 * G - 1));
    assertThat(layout.range("gic").get().range().contains(0x08000000L)).isTrue();
    assertThat(layout.range("pcie-mmio-high").get().range().start()).isEqualTo(512 * G);
    assertThrows(IllegalArgumentException.class, () -> GuestPresets.virt(256 * G));
  }

  @Test
  void specsParseWithSizes() {
    assertThat(GuestPresets.parseSpec("q35,ram=16G").name()).isEqualTo("q35,ram=16G");
    assertThat(GuestPresets.parseSpec("pc").name()).isEqualTo("pc,ram=4G");
    assertThat(GuestPresets.parseSpec("virt,ram=1536M").ramSize().longValue()).isEqualTo(1536 * M);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec("q36"));
    assertThat(e).hasMessageThat().contains("unknown guest preset 'q36'");
    e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec("q35,mem=4G"));
    assertThat(e).hasMessageThat().contains("unknown option 'mem=4G'");
    e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec("q35,ram=99999999E"));
    assertThat(e).hasMessageThat().contains("larger than 2^64 - 1");
  }

  @Test
  void aSpecWithoutAPresetNameIsRefusedInWords() {
    for (String spec : new String[] {",", "", " , ", ",ram=4G"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec(spec));
      assertThat(e).hasMessageThat().isEqualTo("no guest preset given (expected one of q35, pc, virt, or a layout file)");
    }
  }

  @Test
  void everyPresetHasTheRamItWasAskedFor() {
    for (String name : GuestPresets.NAMES) {
      for (long ram : new long[] {512 * M, 2 * G, 0xb0000000L, 3 * G + 512 * M, 4 * G, 200 * G}) {
        assertThat(GuestPresets.preset(name, ram).ramSize().longValue()).isEqualTo(ram);
      }
    }
  }
}
