package dev.resvc.runtime.guest;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Exact maps QEMU's board code lays out, per machine type and version. Each expectation names the
 * QEMU function it comes from (read at QEMU 10.2 unless a version is named) and, where QEMU's own
 * source gives the numbers, quotes them.
 */
class QemuMachineTest {
  private static final long M = 1L << 20;
  private static final long G = 1L << 30;
  private static final long T = 1L << 40;

  private static GuestLayout layout(String type, QemuMachine.Memory memory) {
    return QemuMachine.parse(type).layout(memory);
  }

  private static GuestLayout layout(String type, long ram) {
    return layout(type, QemuMachine.Memory.ofRam(ram));
  }

  private static List<AddressRange> ram(GuestLayout layout) {
    return layout.ranges(GuestKind.RAM).stream().map(GuestRange::range).toList();
  }

  private static Optional<AddressRange> range(GuestLayout layout, String name) {
    return layout.range(name).map(GuestRange::range);
  }

  // ---- names

  @Test
  void aliasesAreTheNewestModelledTypes() {
    assertThat(QemuMachine.parse("q35")).isEqualTo(new QemuMachine("q35", QemuMachine.Board.Q35,
        new QemuMachine.Version(10, 2, 0)));
    assertThat(QemuMachine.parse("pc").board()).isEqualTo(QemuMachine.Board.I440FX);
    assertThat(QemuMachine.parse("virt").version().toString()).isEqualTo("10.2");
    assertThat(QemuMachine.parse(" pc-q35-8.2 ").version()).isEqualTo(new QemuMachine.Version(8, 2, 0));
    // pc_q35.c: DEFINE_Q35_MACHINE_BUGFIX(4, 0, 1), the 4.0-stable default.
    assertThat(QemuMachine.parse("pc-q35-4.0.1").version()).isEqualTo(new QemuMachine.Version(4, 0, 1));
    assertThat(QemuMachine.parse("pc-i440fx-1.4").board()).isEqualTo(QemuMachine.Board.I440FX);
    assertThat(QemuMachine.parse("virt-2.12").board()).isEqualTo(QemuMachine.Board.VIRT);
  }

  @Test
  void versionsListEveryReleaseFromTheFirstTypeToTheNewest() {
    List<QemuMachine.Version> q35 = QemuMachine.Board.Q35.versions();
    assertThat(q35.get(0).toString()).isEqualTo("1.4");
    assertThat(q35.get(q35.size() - 1).toString()).isEqualTo("10.2");
    assertThat(q35.stream().map(Object::toString).toList())
        .containsAtLeast("1.7", "2.0", "2.12", "3.0", "3.1", "4.0", "4.0.1", "4.1", "7.0", "7.1", "7.2", "9.2", "10.0")
        .inOrder();
    assertThat(QemuMachine.Board.I440FX.versions().stream().map(Object::toString).toList()).doesNotContain("4.0.1");
    assertThat(QemuMachine.Board.VIRT.versions().get(0).toString()).isEqualTo("2.6");
  }

  @Test
  void unknownNamesAndVersionsAreRefusedSayingWhatIsSupported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("q36"));
    assertThat(e).hasMessageThat().startsWith("unknown QEMU machine type 'q36' (expected q35, pc, virt (QEMU 10.2)");
    e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("pc-q35-7.3"));
    assertThat(e).hasMessageThat().isEqualTo("QEMU has no machine type 'pc-q35-7.3' (pc-q35-1.4 to pc-q35-10.2 are modelled)");
    e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("pc-q35-8"));
    assertThat(e).hasMessageThat().isEqualTo("QEMU has no machine type 'pc-q35-8' (pc-q35-1.4 to pc-q35-10.2 are modelled)");
    e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("virt-2.5"));
    assertThat(e).hasMessageThat().contains("virt-2.6 to virt-10.2");
    for (String bare : new String[] {"pc-q35-", "pc-", "", "i440fx-8.2", "virt8.2"}) {
      e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse(bare));
      assertThat(e).hasMessageThat().startsWith("unknown QEMU machine type '" + bare + "'");
    }
    e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("pc-q35-11.0"));
    assertThat(e).hasMessageThat().contains("pc-q35-1.4 to pc-q35-10.2 are modelled");
  }

  @Test
  void distributionTypesAskForTheUpstreamType() {
    // RHEL's libvirt domains say machine='pc-q35-rhel9.4.0'; its compat flags live in RHEL's QEMU.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("pc-q35-rhel9.4.0"));
    assertThat(e).hasMessageThat().startsWith("'pc-q35-rhel9.4.0' has no upstream QEMU version");
    assertThat(e).hasMessageThat().contains("e.g. pc-q35-10.2");
    e = assertThrows(IllegalArgumentException.class, () -> QemuMachine.parse("virt-rhel9.2.0"));
    assertThat(e).hasMessageThat().contains("e.g. virt-10.2");
  }

  // ---- q35: pc_q35_init

  @Test
  void q35KeepsRamBelowMmconfigUntilItReaches0xb0000000() {
    // pc_q35_init: lowmem = 0xb0000000 when ram_size < 0xb0000000.
    GuestLayout two = layout("q35", 2 * G);
    assertThat(ram(two)).containsExactly(new AddressRange(0, 0x7fffffffL));
    assertThat(range(two, "pci-hole")).hasValue(new AddressRange(0x80000000L, 0xafffffffL));
    assertThat(range(two, "pcie-mmconfig")).hasValue(new AddressRange(0xb0000000L, 0xbfffffffL));
    assertThat(range(two, "pci-hole-high")).hasValue(new AddressRange(0xc0000000L, 0xfebfffffL));
    assertThat(range(two, "high-ram")).isEmpty();
  }

  @Test
  void q35SplitsAtTwoGibFromThe20TypesOn() {
    // pc_q35_init: "if (machine->ram_size >= 0xb0000000) lowmem = 0x80000000".
    assertThat(ram(layout("q35", 3 * G))).containsExactly(
        new AddressRange(0, 0x7fffffffL), new AddressRange(0x100000000L, 0x13fffffffL)).inOrder();
    assertThat(ram(layout("pc-q35-2.0", 16 * G))).containsExactly(
        new AddressRange(0, 0x7fffffffL), new AddressRange(0x100000000L, 0x47fffffffL)).inOrder();
    // QEMU 2.4's pc_q35_init: "lowmem = gigabyte_align ? 0x80000000 : 0xb0000000", and pc_compat_1_7
    // sets gigabyte_align = false for pc-q35-1.7 and older.
    GuestLayout old = layout("pc-q35-1.7", 3 * G);
    assertThat(ram(old)).containsExactly(
        new AddressRange(0, 0xafffffffL), new AddressRange(0x100000000L, 0x10fffffffL)).inOrder();
    assertThat(range(old, "pci-hole")).isEmpty();
  }

  @Test
  void q35MaxRamBelow4gLowersTheSplit() {
    // pc_q35_init: "if (lowmem > pcms->max_ram_below_4g) lowmem = pcms->max_ram_below_4g".
    GuestLayout layout = layout("q35", QemuMachine.Memory.ofRam(2 * G).withMaxRamBelow4g(G));
    assertThat(ram(layout)).containsExactly(
        new AddressRange(0, G - 1), new AddressRange(0x100000000L, 0x13fffffffL)).inOrder();
    assertThat(range(layout, "pci-hole")).hasValue(new AddressRange(G, 0xafffffffL));
    assertThat(layout.name()).isEqualTo("q35,ram=2G,max-ram-below-4g=1G");
    // Above what q35 would use anyway, it changes nothing; 0 is QEMU's "not given".
    assertThat(ram(layout("q35", QemuMachine.Memory.ofRam(4 * G).withMaxRamBelow4g(4 * G))))
        .isEqualTo(ram(layout("q35", 4 * G)));
    assertThat(layout("q35", QemuMachine.Memory.ofRam(4 * G).withMaxRamBelow4g(0)).name()).isEqualTo("q35,ram=4G");
  }

  // ---- i440fx: pc_init1

  @Test
  void i440fxFollowsTheExamplesInPcInit1() {
    // pc_init1's comment: "qemu -M pc-1.7 -m 4G (old default) -> 3584M low, 512M high".
    assertThat(ram(layout("pc-i440fx-1.7", 4 * G))).containsExactly(
        new AddressRange(0, 3584 * M - 1), new AddressRange(0x100000000L, 0x100000000L + 512 * M - 1)).inOrder();
    // "qemu -M pc -m 4G (new default) -> 3072M low, 1024M high".
    assertThat(ram(layout("pc", 4 * G))).containsExactly(
        new AddressRange(0, 3072 * M - 1), new AddressRange(0x100000000L, 0x13fffffffL)).inOrder();
    // "qemu -M pc,max-ram-below-4g=2G -m 4G -> 2048M low, 2048M high".
    assertThat(ram(layout("pc", QemuMachine.Memory.ofRam(4 * G).withMaxRamBelow4g(2 * G)))).containsExactly(
        new AddressRange(0, 2048 * M - 1), new AddressRange(0x100000000L, 0x17fffffffL)).inOrder();
    // "qemu -M pc,max-ram-below-4g=4G -m 3968M -> 3968M low (=4G-128M)".
    GuestLayout high = layout("pc", QemuMachine.Memory.ofRam(3968 * M).withMaxRamBelow4g(4 * G));
    assertThat(ram(high)).containsExactly(new AddressRange(0, 3968 * M - 1));
    assertThat(range(high, "pci-hole")).hasValue(new AddressRange(3968 * M, 0xfebfffffL));
  }

  @Test
  void i440fxGigabyteAlignmentDependsOnTheVersionAtThreeAndAHalfGib() {
    // 3.5G reaches the default max-ram-below-4g (0xe0000000): gigabyte_align (2.0 and later) moves
    // the split to 3G; pc-i440fx-1.7 (pc_i440fx_1_7_machine_options: gigabyte_align = false) keeps
    // all of it below 4 GiB.
    assertThat(ram(layout("pc-i440fx-2.0", 3584 * M))).containsExactly(
        new AddressRange(0, 0xbfffffffL), new AddressRange(0x100000000L, 0x11fffffffL)).inOrder();
    GuestLayout old = layout("pc-i440fx-1.7", 3584 * M);
    assertThat(ram(old)).containsExactly(new AddressRange(0, 0xdfffffffL));
    assertThat(range(old, "pci-hole")).hasValue(new AddressRange(0xe0000000L, 0xfebfffffL));
    // Below 3.5G nothing is split on any version.
    assertThat(ram(layout("pc", 3 * G))).containsExactly(new AddressRange(0, 3 * G - 1));
  }

  @Test
  void lowRamOverTheIoApicIsRefused() {
    // pc_init1 would let RAM below 4 GiB run over the I/O APIC at 0xfec00000; resvc refuses the map.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> layout("pc", QemuMachine.Memory.ofRam(4080 * M).withMaxRamBelow4g(4 * G)));
    assertThat(e).hasMessageThat().isEqualTo("low RAM up to 0xff000000 would cover the I/O APIC at 0xfec00000;"
        + " give a max-ram-below-4g of at most 0xfec00000");
    GuestLayout edge = layout("pc", QemuMachine.Memory.ofRam(0xfec00000L).withMaxRamBelow4g(4 * G));
    assertThat(range(edge, "pci-hole")).isEmpty();
  }

  @Test
  void maxRamBelow4gAbove4GIsRefusedAsQemuDoes() {
    // pc.c pc_machine_set_max_ram_below_4g: a value above 4 GiB is an error.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QemuMachine.Memory.ofRam(8 * G).withMaxRamBelow4g(5 * G));
    assertThat(e).hasMessageThat().isEqualTo("max-ram-below-4g=5G is above 4G, which QEMU refuses");
  }

  // ---- AMD: pc_memory_init, QEMU 7.1

  @Test
  void amdRamAboveFourGibMovesToOneTibFromThe71Types() {
    QemuMachine.Memory tib = QemuMachine.Memory.ofRam(T).withAmdCpu(true);
    // pc_memory_init: "if (IS_AMD_CPU(&cpu->env) && pcmc->enforce_amd_1tb_hole)", and
    // pc_max_used_gpa (above RAM, 1G-aligned, plus q35's 32G pci-hole64) >= AMD_HT_START:
    // x86ms->above_4g_mem_start = AMD_ABOVE_1TB_START.
    GuestLayout moved = layout("pc-q35-7.1", tib);
    assertThat(ram(moved)).containsExactly(
        new AddressRange(0, 0x7fffffffL), new AddressRange(0x10000000000L, 0x1ff7fffffffL)).inOrder();
    assertThat(moved.range("amd-ht").get().kind()).isEqualTo(GuestKind.RESERVED);
    assertThat(range(moved, "amd-ht")).hasValue(new AddressRange(0xfd00000000L, 0xffffffffffL));
    assertThat(moved.name()).isEqualTo("pc-q35-7.1,ram=1T,cpu=amd");
    // pc_q35_7_0_machine_options: enforce_amd_1tb_hole = false; RAM runs across the window.
    GuestLayout kept = layout("pc-q35-7.0", tib);
    assertThat(ram(kept)).containsExactly(
        new AddressRange(0, 0x7fffffffL), new AddressRange(0x100000000L, 0x1007fffffffL)).inOrder();
    assertThat(range(kept, "amd-ht")).isEmpty();
    // An Intel vCPU never moves.
    assertThat(ram(layout("q35", T)).get(1).start()).isEqualTo(0x100000000L);
  }

  @Test
  void theMoveHappensExactlyWhenThe64BitHoleWouldReachTheWindow() {
    // q35: above 4G ends at 4G + RAM - 2G; with the 32G hole the last address is below AMD_HT_START
    // (0xfd00000000 = 1012G) up to 978G of RAM.
    assertThat(ram(layout("q35", QemuMachine.Memory.ofRam(978 * G).withAmdCpu(true))).get(1).start())
        .isEqualTo(0x100000000L);
    assertThat(ram(layout("q35", QemuMachine.Memory.ofRam(979 * G).withAmdCpu(true))).get(1).start())
        .isEqualTo(0x10000000000L);
    // i440fx: 3G below 4 GiB and a 2G hole (I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT): up to 1009G.
    assertThat(ram(layout("pc", QemuMachine.Memory.ofRam(1009 * G).withAmdCpu(true))).get(1).start())
        .isEqualTo(0x100000000L);
    assertThat(ram(layout("pc-i440fx-7.1", QemuMachine.Memory.ofRam(1010 * G).withAmdCpu(true))).get(1).start())
        .isEqualTo(0x10000000000L);
  }

  // ---- virt: virt_set_memmap, virt_set_high_memmap

  @Test
  void virtKeepsTheLegacyHighMapUpTo255GibOfRam() {
    // base_memmap: VIRT_MEM at 1 GiB; virt_set_memmap never puts the high IO regions below 256 GiB.
    GuestLayout layout = layout("virt", 4 * G);
    assertThat(ram(layout)).containsExactly(new AddressRange(G, 5 * G - 1));
    assertThat(range(layout, "pcie-ecam")).hasValue(new AddressRange(0x3f000000L, 0x3fffffffL));
    assertThat(range(layout, "gic-redist-high")).hasValue(new AddressRange(0x4000000000L, 0x4003ffffffL));
    assertThat(range(layout, "pcie-ecam-high")).hasValue(new AddressRange(0x4010000000L, 0x401fffffffL));
    assertThat(range(layout, "pcie-mmio-high")).hasValue(new AddressRange(0x8000000000L, 0xffffffffffL));
    assertThat(ram(layout("virt", 255 * G))).containsExactly(new AddressRange(G, 256 * G - 1));
  }

  @Test
  void virtFloatsTheHighRegionsAboveLargeRam() {
    // 512G of RAM ends at 513G; each region is aligned to its size above it (64M, 256M, 512G).
    GuestLayout layout = layout("virt", 512 * G);
    assertThat(ram(layout)).containsExactly(new AddressRange(G, 0x803fffffffL));
    assertThat(range(layout, "gic-redist-high")).hasValue(new AddressRange(0x8040000000L, 0x8043ffffffL));
    assertThat(range(layout, "pcie-ecam-high")).hasValue(new AddressRange(0x8050000000L, 0x805fffffffL));
    assertThat(range(layout, "pcie-mmio-high")).hasValue(new AddressRange(0x10000000000L, 0x17fffffffffL));
  }

  @Test
  void virt212HasNoHighEcamButKeepsItsRoom() {
    // virt_machine_2_12_options: no_highmem_ecam; the legacy (not compact, before virt-7.2) map
    // still reserves the ECAM's space, so the MMIO window does not move.
    for (long ram : new long[] {4 * G, 512 * G}) {
      GuestLayout old = layout("virt-2.12", ram);
      GuestLayout newest = layout("virt", ram);
      assertThat(range(old, "pcie-ecam-high")).isEmpty();
      assertThat(range(newest, "pcie-ecam-high")).isPresent();
      assertThat(range(old, "gic-redist-high")).isEqualTo(range(newest, "gic-redist-high"));
      assertThat(range(old, "pcie-mmio-high")).isEqualTo(range(newest, "pcie-mmio-high"));
    }
    assertThat(range(layout("virt-3.0", 4 * G), "pcie-ecam-high")).isPresent();
  }

  @Test
  void virtWithoutHighmemHasA32BitMap() {
    // virt_set_memmap: "!highmem is exactly the same as limiting the PA space to 32bit".
    GuestLayout layout = layout("virt", QemuMachine.Memory.ofRam(3 * G).withHighmem(false));
    assertThat(ram(layout)).containsExactly(new AddressRange(G, 0xffffffffL));
    assertThat(layout.ranges().stream().filter(r -> r.name().endsWith("-high")).toList()).isEmpty();
    assertThat(layout.name()).isEqualTo("virt,ram=3G,highmem=off");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> layout("virt", QemuMachine.Memory.ofRam(3 * G + M).withHighmem(false)));
    assertThat(e).hasMessageThat().isEqualTo(
        "RAM 3073M from 0x40000000 does not fit the 32-bit physical address space of virt with highmem=off (at most 3G)");
  }

  // ---- options that do not apply, and the top of the address space

  @Test
  void optionsOfTheOtherArchitectureAreRefused() {
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> layout("virt", QemuMachine.Memory.ofRam(4 * G).withMaxRamBelow4g(2 * G))))
        .hasMessageThat().isEqualTo("max-ram-below-4g applies to the x86 machines (q35, pc), not virt");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> layout("virt-8.0", QemuMachine.Memory.ofRam(4 * G).withAmdCpu(true))))
        .hasMessageThat().contains("cpu=amd applies to the x86 machines");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> layout("pc", QemuMachine.Memory.ofRam(4 * G).withHighmem(false))))
        .hasMessageThat().isEqualTo("highmem=off applies to virt, not pc");
  }

  @Test
  void absurdSizesAreCleanErrors() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> QemuMachine.Memory.ofRam(0)))
        .hasMessageThat().isEqualTo("the guest RAM size must be above 0");
    assertThat(assertThrows(IllegalArgumentException.class, () -> layout("q35", 15L << 60)))
        .hasMessageThat().isEqualTo("RAM 15E is more than the 2^52 bytes an x86 CPU addresses");
    assertThat(assertThrows(IllegalArgumentException.class, () -> layout("q35", -1L)))
        .hasMessageThat().contains("is more than the 2^52 bytes");
    // 2^52 bytes of RAM fit no x86 map once the 64-bit PCI hole is above it (pc_memory_init: "phys-bits too low").
    assertThat(assertThrows(IllegalArgumentException.class, () -> layout("pc-i440fx-9.0", 1L << 52)))
        .hasMessageThat().contains("beyond the 2^52 bytes an x86 CPU addresses");
    assertThat(assertThrows(IllegalArgumentException.class, () -> layout("virt", -1L)))
        .hasMessageThat().contains("does not fit the 52-bit physical address space of virt");
    assertThat(assertThrows(IllegalArgumentException.class, () -> layout("virt", (1L << 52) - G + 1)))
        .hasMessageThat().contains("does not fit the 52-bit physical address space");
  }

  @Test
  void virtAtTheTopOfItsAddressSpaceDropsTheRegionsThatDoNotFit() {
    // RAM ending 255G below 2^52 leaves room for the redistributors and ECAM, not for the 512G
    // window, whose 512G alignment puts it at 2^52 (virt_set_high_memmap: "*region_enabled &= fits").
    GuestLayout layout = layout("virt", (1L << 52) - 256 * G);
    assertThat(range(layout, "gic-redist-high")).isPresent();
    assertThat(range(layout, "pcie-ecam-high")).isPresent();
    assertThat(range(layout, "pcie-mmio-high")).isEmpty();
  }

  @Test
  void everyModelledTypeLaysOutTheRamItWasGiven() {
    for (QemuMachine.Board board : QemuMachine.Board.values()) {
      for (QemuMachine.Version v : board.versions()) {
        QemuMachine machine = QemuMachine.parse(board.typeName(v));
        for (long ram : new long[] {512 * M, 2 * G, 0xb0000000L, 3584 * M, 4 * G, 200 * G, T}) {
          for (boolean amd : board == QemuMachine.Board.VIRT ? new boolean[] {false} : new boolean[] {false, true}) {
            GuestLayout layout = machine.layout(QemuMachine.Memory.ofRam(ram).withAmdCpu(amd));
            assertThat(layout.ramSize().longValue()).isEqualTo(ram);
            assertThat(layout.range("lapic-msi").map(GuestRange::kind).orElse(GuestKind.MMIO)).isEqualTo(GuestKind.MMIO);
          }
        }
      }
    }
  }
}
