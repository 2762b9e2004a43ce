package dev.resvc.runtime.guest;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Specs as {@code --guest} takes them. Expected splits follow QEMU's board code (pc_q35_init,
 * pc_init1, virt_set_memmap at QEMU 10.2); {@link QemuMachineTest} pins each machine type's map.
 */
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
    // Since QEMU 4.0 (virt_set_memmap) RAM may pass 255G; the high regions then float above it.
    assertThat(GuestPresets.virt(256 * G).range("gic-redist-high").get().range().start()).isEqualTo(257 * G);
  }

  @Test
  void specsParseWithSizes() {
    assertThat(GuestPresets.parseSpec("q35,ram=16G").name()).isEqualTo("q35,ram=16G");
    assertThat(GuestPresets.parseSpec("pc").name()).isEqualTo("pc,ram=4G");
    assertThat(GuestPresets.parseSpec("virt,ram=1536M").ramSize().longValue()).isEqualTo(1536 * M);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec("q36"));
    assertThat(e).hasMessageThat().contains("unknown QEMU machine type 'q36'");
    e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec("q35,mem=4G"));
    assertThat(e).hasMessageThat().isEqualTo("guest 'q35,mem=4G': unknown option 'mem=4G' (expected ram=SIZE,"
        + " max-ram-below-4g=SIZE, cpu=amd|intel, highmem=on|off)");
    e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec("q35,ram=99999999E"));
    assertThat(e).hasMessageThat().contains("larger than 2^64 - 1");
  }

  @Test
  void specsNameVersionedMachineTypesAndTheirOptions() {
    GuestLayout amd = GuestPresets.parseSpec("pc-q35-7.1,ram=1T,cpu=amd");
    assertThat(amd.name()).isEqualTo("pc-q35-7.1,ram=1T,cpu=amd");
    assertThat(amd.range("high-ram").get().range().start()).isEqualTo(1L << 40);
    assertThat(GuestPresets.parseSpec("pc-q35-7.1, ram=1T, cpu=intel").range("high-ram").get().range().start())
        .isEqualTo(4 * G);
    assertThat(ram(GuestPresets.parseSpec("pc,max-ram-below-4g=2G"))).containsExactly(
        new AddressRange(0, 2 * G - 1), new AddressRange(4 * G, 6 * G - 1)).inOrder();
    assertThat(GuestPresets.parseSpec("virt-2.12,ram=3G,highmem=off").name()).isEqualTo("virt-2.12,ram=3G,highmem=off");
    assertThat(GuestPresets.parseSpec("virt,highmem=on").name()).isEqualTo("virt,ram=4G");
  }

  @Test
  void badOptionsAreNamedInOneLine() {
    for (String[] c : new String[][] {
        {"q35,cpu=arm", "guest 'q35,cpu=arm': 'cpu=arm' takes amd or intel"},
        {"virt,highmem=maybe", "guest 'virt,highmem=maybe': 'highmem=maybe' takes on or off"},
        {"q35,ram=2G,ram=4G", "guest 'q35,ram=2G,ram=4G': option 'ram' is given twice"},
        {"q35,highmem=off", "guest 'q35,highmem=off': highmem=off applies to virt, not q35"},
        {"virt,cpu=amd", "guest 'virt,cpu=amd': cpu=amd applies to the x86 machines (q35, pc), not virt"},
        {"pc,max-ram-below-4g=8G", "guest 'pc,max-ram-below-4g=8G': max-ram-below-4g=8G is above 4G, which QEMU refuses"},
        {"q35,ram=0", "guest 'q35,ram=0': the guest RAM size must be above 0"},
        {"q35,ram=15E", "guest 'q35,ram=15E': RAM 15E is more than the 2^52 bytes an x86 CPU addresses"},
        {"q35,ram=16E", "guest 'q35,ram=16E': '16E' is larger than 2^64 - 1 bytes"},
        {"virt,ram=4P", "guest 'virt,ram=4P': RAM 4P from 0x40000000 does not fit the 52-bit physical address"
            + " space of virt"},
    }) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec(c[0]));
      assertThat(e).hasMessageThat().isEqualTo(c[1]);
    }
  }

  @Test
  void hostileSpecsAreOneShortLine() {
    String longName = "q".repeat(10_000);
    for (String spec : new String[] {"q35,ram=4G\nINJECTED", "q35,cpu=amd\r\u001b[31m", longName,
        "q35," + longName + "=1", "pc-q35-" + longName, "q35,ram=" + longName, "virt,highmem=\u0000"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec(spec));
      assertThat(e.getMessage()).doesNotContain("\n");
      assertThat(e.getMessage()).doesNotContain("\r");
      assertThat(e.getMessage().length()).isLessThan(400);
    }
  }

  @Test
  void aSpecWithoutAPresetNameIsRefusedInWords() {
    for (String spec : new String[] {",", "", " , ", ",ram=4G"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestPresets.parseSpec(spec));
      assertThat(e).hasMessageThat().isEqualTo("no guest machine given (expected q35, pc, virt, a versioned QEMU"
          + " machine type such as pc-q35-8.2, or a layout file)");
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
