package dev.resvc.runtime.guest;

import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.ByteSize;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU machine type as QEMU and libvirt write it ({@code q35}, {@code pc-q35-8.2}, {@code pc},
 * {@code pc-i440fx-2.12}, {@code virt}, {@code virt-7.1}), and the guest-physical map its board code
 * lays out for a {@link Memory}: {@code pc_q35_init} (hw/i386/pc_q35.c), {@code pc_init1}
 * (hw/i386/pc_piix.c), {@code pc_memory_init} (hw/i386/pc.c) and {@code virt_set_memmap} with
 * {@code base_memmap}/{@code extended_memmap} (hw/arm/virt.c), read at QEMU 10.2. A versioned type
 * keeps the layout of its version: the compat flags its {@code pc_q35_X_Y_machine_options}, {@code
 * pc_i440fx_X_Y_machine_options} or {@code virt_machine_X_Y_options} turn off are modelled here, each
 * with the version it starts at ({@link #gigabyteAlign}, {@link #enforcesAmd1TiBHole}, {@link
 * #highEcam}, {@link #compactHighmem}). The bare names are QEMU's aliases of its newest types,
 * which are QEMU 10.2's here ({@link Board#newest}).
 *
 * <p>What the map holds beyond what VFIO maps for DMA (the RAM): the 32-bit PCI hole and the fixed
 * x86 devices below 4 GiB, q35's MMCONFIG at its default 0xb0000000, the 256K {@code bios-256k.bin}
 * that {@code default_machine_opts} loads; the Arm devices, PCIe windows and the high
 * redistributor, ECAM and PCIe MMIO regions. Not in it: hot-plug memory ({@code maxmem}), which no
 * {@link Memory} asks for, and the VGA window 0xa0000-0xbffff that QEMU lays over low RAM.
 */
public record QemuMachine(String name, Board board, Version version) {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final long FOUR_GIB = 4 * GIB;

  /** The newest version modelled: QEMU 10.2, whose machine types {@code q35}, {@code pc} and {@code virt} alias. */
  private static final Version NEWEST = Version.of(10, 2);

  /** The boards, each with its versioned prefix and the alias of its newest type. */
  public enum Board {
    /** {@code pc-q35-X.Y}, hw/i386/pc_q35.c. */
    Q35("pc-q35", "q35"),
    /** {@code pc-i440fx-X.Y}, hw/i386/pc_piix.c. */
    I440FX("pc-i440fx", "pc"),
    /** {@code virt-X.Y}, hw/arm/virt.c. */
    VIRT("virt", "virt");

    private final String prefix;
    private final String alias;

    Board(String prefix, String alias) {
      this.prefix = prefix;
      this.alias = alias;
    }

    /** The versions QEMU defined a machine type of, oldest first. */
    public List<Version> versions() {
      return switch (this) {
        // pc-q35-1.4 and pc-i440fx-1.4 are the first of each (QEMU 1.4); QEMU 10.2 still defines
        // 2.6 and later. pc-q35-4.0.1 is the 4.0-stable default (DEFINE_Q35_MACHINE_BUGFIX).
        case Q35 -> Version.between(Version.of(1, 4), NEWEST, List.of(new Version(4, 0, 1)));
        case I440FX -> Version.between(Version.of(1, 4), NEWEST, List.of());
        // virt-2.6 is the first versioned virt type (QEMU 2.6).
        case VIRT -> Version.between(Version.of(2, 6), NEWEST, List.of());
      };
    }

    /** The version the bare name ({@code q35}, {@code pc}, {@code virt}) stands for. */
    public Version newest() {
      return NEWEST;
    }

    public String alias() {
      return alias;
    }

    /** How a version of this board is written: {@code pc-q35-8.2}. */
    public String typeName(Version v) {
      return prefix + "-" + v;
    }
  }

  /** A machine-type version: {@code 8.2}, or {@code 4.0.1} (micro 0 is not written). */
  public record Version(int major, int minor, int micro) implements Comparable<Version> {
    static Version of(int major, int minor) {
      return new Version(major, minor, 0);
    }

    /** QEMU's releases from {@code first} to {@code last} (X.0 to X.Y as QEMU numbered them), and {@code extra}. */
    static List<Version> between(Version first, Version last, List<Version> extra) {
      // The last minor of each major release of QEMU: 1.7, 2.12, 3.1, 4.2, 5.2, 6.2, 7.2, 8.2, 9.2.
      int[] lastMinor = {0, 7, 12, 1, 2, 2, 2, 2, 2, 2};
      List<Version> out = new ArrayList<>();
      for (int major = first.major; major <= last.major; major++) {
        int end = major == last.major ? last.minor : lastMinor[major];
        for (int minor = 0; minor <= end; minor++) {
          Version v = of(major, minor);
          if (v.compareTo(first) >= 0 && v.compareTo(last) <= 0) {
            out.add(v);
          }
        }
      }
      out.addAll(extra);
      out.sort(null);
      return List.copyOf(out);
    }

    boolean atLeast(int major, int minor) {
      return compareTo(of(major, minor)) >= 0;
    }

    @Override
    public int compareTo(Version o) {
      int c = Integer.compare(major, o.major);
      c = c != 0 ? c : Integer.compare(minor, o.minor);
      return c != 0 ? c : Integer.compare(micro, o.micro);
    }

    @Override
    public String toString() {
      return major + "." + minor + (micro == 0 ? "" : "." + micro);
    }
  }

  /**
   * What a QEMU command line or libvirt domain says besides the machine type that moves the map:
   * the RAM size ({@code -m}), {@code -machine max-ram-below-4g=} (x86; absent or 0 is QEMU's
   * default), whether the vCPU's vendor is AMD ({@code IS_AMD_CPU}: {@code -cpu host} on an AMD
   * host or an AMD model such as EPYC), and {@code -machine highmem=} (virt; on by default).
   */
  public record Memory(long ramBytes, OptionalLong maxRamBelow4g, boolean amdCpu, boolean highmem) {
    public Memory {
      if (ramBytes == 0) {
        throw new IllegalArgumentException("the guest RAM size must be above 0");
      }
      if (maxRamBelow4g.isPresent() && maxRamBelow4g.getAsLong() == 0) {
        maxRamBelow4g = OptionalLong.empty(); // pc_q35_init, pc_init1: "if (!pcms->max_ram_below_4g)" is the default
      }
      if (maxRamBelow4g.isPresent() && Long.compareUnsigned(maxRamBelow4g.getAsLong(), FOUR_GIB) > 0) {
        // hw/i386/pc.c pc_machine_set_max_ram_below_4g refuses it.
        throw new IllegalArgumentException("max-ram-below-4g=" + ByteSize.format(maxRamBelow4g.getAsLong())
            + " is above 4G, which QEMU refuses");
      }
    }

    /** {@code ramBytes} of RAM, everything else QEMU's default (no AMD vCPU). */
    public static Memory ofRam(long ramBytes) {
      return new Memory(ramBytes, OptionalLong.empty(), false, true);
    }

    public Memory withMaxRamBelow4g(long bytes) {
      return new Memory(ramBytes, OptionalLong.of(bytes), amdCpu, highmem);
    }

    public Memory withAmdCpu(boolean amd) {
      return new Memory(ramBytes, maxRamBelow4g, amd, highmem);
    }

    public Memory withHighmem(boolean on) {
      return new Memory(ramBytes, maxRamBelow4g, amdCpu, on);
    }
  }

  private static final Pattern VERSION = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})(?:\\.(\\d{1,3}))?");

  /**
   * The machine type {@code machineType} names, as {@code -machine} or libvirt's {@code <type
   * machine=…>} writes it.
   *
   * @throws IllegalArgumentException naming the type and what is supported: an unknown name, a
   *     version QEMU never had, or a distribution's own type such as {@code pc-q35-rhel9.4.0}
   */
  public static QemuMachine parse(String machineType) {
    String name = machineType.strip();
    for (Board b : Board.values()) {
      if (b.alias.equals(name)) {
        return new QemuMachine(name, b, b.newest());
      }
    }
    for (Board b : Board.values()) {
      if (name.startsWith(b.prefix + "-") && name.length() > b.prefix.length() + 1) {
        return versioned(name, b, name.substring(b.prefix.length() + 1));
      }
    }
    throw new IllegalArgumentException("unknown QEMU machine type " + MessageText.quote(name) + " (" + SUPPORTED + ")");
  }

  /**
   * The board of a distribution's own machine type: RHEL's {@code pc-q35-rhel9.4.0}, {@code
   * pc-i440fx-rhel7.6.0} and {@code virt-rhel9.4.0}, Ubuntu's {@code pc-q35-noble}, {@code ubuntu} and
   * {@code ubuntu-q35}. Such a type extends one upstream board with the distribution's compat flags;
   * empty for an upstream type or an unknown name.
   */
  public static Optional<Board> distributionBoard(String machineType) {
    String name = machineType.strip();
    if (name.equals("ubuntu")) {
      return Optional.of(Board.I440FX);
    }
    if (name.equals("ubuntu-q35")) {
      return Optional.of(Board.Q35);
    }
    for (Board b : Board.values()) {
      String prefix = b.prefix + "-";
      if (name.startsWith(prefix) && name.length() > prefix.length()
          && Character.isLetter(name.charAt(prefix.length()))) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** {@code board} at {@code version}, as if its versioned name had been written. */
  public static QemuMachine of(Board board, Version version) {
    if (!board.versions().contains(version)) {
      throw noSuchVersion(board.typeName(version), board);
    }
    return new QemuMachine(board.typeName(version), board, version);
  }

  /** {@code name}, of {@code board} with the version text {@code suffix} ({@code 8.2} of {@code pc-q35-8.2}). */
  private static QemuMachine versioned(String name, Board board, String suffix) {
    Matcher v = VERSION.matcher(suffix);
    if (!v.matches() && Character.isDigit(suffix.charAt(0))) {
      throw noSuchVersion(name, board);
    }
    if (!v.matches()) {
      // RHEL's pc-q35-rhel9.4.0, Ubuntu's pc-q35-noble: defined by the distribution's QEMU, whose
      // compat flags are not upstream's; which upstream version each derives from is not recorded
      // anywhere upstream, so resvc does not guess it.
      throw new IllegalArgumentException(MessageText.quote(name) + " has no upstream QEMU version (distributions"
          + " such as RHEL define machine types of their own, with their own compat flags); give the upstream type"
          + " it derives from instead, e.g. " + board.typeName(board.newest()) + " (" + SUPPORTED + ")");
    }
    Version version = new Version(Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)),
        v.group(3) == null ? 0 : Integer.parseInt(v.group(3)));
    if (!board.versions().contains(version)) {
      throw noSuchVersion(name, board);
    }
    return new QemuMachine(name, board, version);
  }

  private static IllegalArgumentException noSuchVersion(String name, Board board) {
    List<Version> known = board.versions();
    return new IllegalArgumentException("QEMU has no machine type " + MessageText.quote(name) + " ("
        + board.typeName(known.get(0)) + " to " + board.typeName(known.get(known.size() - 1)) + " are modelled)");
  }

  private static final String SUPPORTED = "expected q35, pc, virt (QEMU " + NEWEST
      + "), or pc-q35-X.Y, pc-i440fx-X.Y (1.4 to " + NEWEST + "), virt-X.Y (2.6 to " + NEWEST + ")";

  /**
   * Whether RAM below 4 GiB ends on a gigabyte boundary once it must be split: {@code
   * gigabyte_align}, true from the 2.0 machine types on ({@code pc_compat_1_7} turns it off for 1.7
   * and older on both boards, hw/i386/pc_piix.c and pc_q35.c of QEMU 2.4; those types were removed
   * in QEMU 8.2, commit "pc_piix: remove pc-i440fx-1.4 up to pc-i440fx-1.7").
   */
  boolean gigabyteAlign() {
    return version.atLeast(2, 0);
  }

  /**
   * Whether an AMD vCPU's RAM above 4 GiB moves to 1 TiB when the guest's highest address would
   * reach the HyperTransport window: {@code enforce_amd_1tb_hole}, true from the 7.1 machine types
   * on ({@code pc_q35_7_0_machine_options} and {@code pc_i440fx_7_0_machine_options} clear it).
   */
  boolean enforcesAmd1TiBHole() {
    return version.atLeast(7, 1);
  }

  /** virt's second ECAM above RAM: from virt-3.0 ({@code virt_machine_2_12_options} sets {@code no_highmem_ecam}). */
  boolean highEcam() {
    return version.atLeast(3, 0);
  }

  /**
   * virt's compact high memory map, which does not reserve space for a high region that is off:
   * from virt-7.2 ({@code virt_machine_7_1_options} sets {@code no_highmem_compact}).
   */
  boolean compactHighmem() {
    return version.atLeast(7, 2);
  }

  /**
   * The guest-physical map QEMU lays out for this machine type and {@code memory}.
   *
   * @throws IllegalArgumentException naming the problem: an option the board does not have, or a
   *     map QEMU would refuse (RAM beyond the CPU's physical address width, low RAM over the I/O APIC)
   */
  public GuestLayout layout(Memory memory) {
    return switch (board) {
      case Q35, I440FX -> x86(memory);
      case VIRT -> virt(memory);
    };
  }

  /** The spec that names this map: {@code q35,ram=16G}, with the options that are not QEMU's defaults. */
  private String layoutName(Memory memory) {
    StringBuilder s = new StringBuilder(name).append(",ram=").append(ByteSize.format(memory.ramBytes()));
    memory.maxRamBelow4g().ifPresent(b -> s.append(",max-ram-below-4g=").append(ByteSize.format(b)));
    if (memory.amdCpu()) {
      s.append(",cpu=amd");
    }
    if (!memory.highmem()) {
      s.append(",highmem=off");
    }
    return s.toString();
  }

  // ---- x86: hw/i386/pc_q35.c pc_q35_init, hw/i386/pc_piix.c pc_init1, hw/i386/pc.c pc_memory_init

  /** hw/i386/pc.c: the HyperTransport window AMD IOMMUs reserve below 1 TiB, and where RAM goes instead. */
  static final long AMD_HT_START = 0xfd00000000L;
  static final long AMD_ABOVE_1TB_START = 0x10000000000L;
  /** The I/O APIC at the top of the 32-bit PCI hole (IO_APIC_DEFAULT_ADDRESS). */
  private static final long IO_APIC = 0xfec00000L;
  /** q35's MMCONFIG (MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT, 256 MiB), which bounds its low RAM. */
  private static final long Q35_MMCONFIG = 0xb0000000L;
  /** x86 CPUs address at most 2^52 bytes (phys-bits); pc_memory_init refuses a map beyond phys-bits. */
  private static final int X86_MAX_PHYS_BITS = 52;

  private GuestLayout x86(Memory memory) {
    if (!memory.highmem()) {
      throw new IllegalArgumentException("highmem=off applies to virt, not " + name);
    }
    long ram = memory.ramBytes();
    if (Long.compareUnsigned(ram, 1L << X86_MAX_PHYS_BITS) > 0) {
      throw new IllegalArgumentException("RAM " + ByteSize.format(ram) + " is more than the 2^" + X86_MAX_PHYS_BITS
          + " bytes an x86 CPU addresses");
    }
    long below = belowFourGiB(memory);
    long above = ram - below;
    if (Long.compareUnsigned(below, IO_APIC) > 0) {
      throw new IllegalArgumentException("low RAM up to " + U64.hex(below) + " would cover the I/O APIC at "
          + U64.hex(IO_APIC) + "; give a max-ram-below-4g of at most " + U64.hex(IO_APIC));
    }
    long aboveStart = aboveFourGiBStart(memory, above);
    long maxUsed = U64.alignUp(aboveStart + above, GIB) + pciHole64Size() - 1; // pc_max_used_gpa
    if (Long.compareUnsigned(maxUsed, (1L << X86_MAX_PHYS_BITS) - 1) > 0) {
      throw new IllegalArgumentException("RAM " + ByteSize.format(ram) + " with the 64-bit PCI hole reaches "
          + U64.hex(maxUsed) + ", beyond the 2^" + X86_MAX_PHYS_BITS + " bytes an x86 CPU addresses");
    }
    List<GuestRange> ranges = new ArrayList<>();
    ranges.add(range("low-ram", GuestKind.RAM, 0, below - 1));
    if (board == Board.Q35) {
      if (below < Q35_MMCONFIG) {
        ranges.add(range("pci-hole", GuestKind.MMIO, below, Q35_MMCONFIG - 1));
      }
      ranges.add(range("pcie-mmconfig", GuestKind.MMIO, Q35_MMCONFIG, 0xbfffffffL));
      ranges.add(range("pci-hole-high", GuestKind.MMIO, 0xc0000000L, IO_APIC - 1));
    } else if (below < IO_APIC) {
      ranges.add(range("pci-hole", GuestKind.MMIO, below, IO_APIC - 1));
    }
    ranges.add(range("ioapic-hpet", GuestKind.MMIO, IO_APIC, 0xfedfffffL));
    ranges.add(range("lapic-msi", GuestKind.MMIO, 0xfee00000L, 0xfeefffffL));
    ranges.add(range("bios", GuestKind.ROM, 0xfffc0000L, 0xffffffffL));
    if (memory.amdCpu() && enforcesAmd1TiBHole()) {
      // pc_memory_init adds the window to the e820 map as reserved when phys-bits >= 40 (every
      // 64-bit CPU model QEMU has but the 36-bit ones).
      ranges.add(range("amd-ht", GuestKind.RESERVED, AMD_HT_START, AMD_ABOVE_1TB_START - 1));
    }
    if (above != 0) {
      ranges.add(range("high-ram", GuestKind.RAM, aboveStart, aboveStart + above - 1));
    }
    return new GuestLayout(layoutName(memory), ranges);
  }

  /** The RAM QEMU maps below 4 GiB ({@code below_4g_mem_size}). */
  private long belowFourGiB(Memory memory) {
    long ram = memory.ramBytes();
    long lowmem;
    if (board == Board.Q35) {
      // pc_q35_init: "leaving 1/2 GByte for IO memory and 256 Mbytes for ... MMCFG", split at 2 GiB
      // once RAM reaches 0xb0000000 (at 0xb0000000 before gigabyte_align), then min(that,
      // max-ram-below-4g).
      lowmem = Long.compareUnsigned(ram, Q35_MMCONFIG) >= 0 && gigabyteAlign() ? 0x80000000L : Q35_MMCONFIG;
      long max = memory.maxRamBelow4g().orElse(FOUR_GIB);
      lowmem = Long.compareUnsigned(lowmem, max) > 0 ? max : lowmem;
    } else {
      // pc_init1: max-ram-below-4g (default 3.5 GiB) is the split; when RAM must be split,
      // gigabyte_align lowers it to 3 GiB ("qemu -M pc -m 4G -> 3072M low, 1024M high").
      lowmem = memory.maxRamBelow4g().orElse(0xe0000000L);
      if (Long.compareUnsigned(ram, lowmem) >= 0 && gigabyteAlign() && lowmem > 0xc0000000L) {
        lowmem = 0xc0000000L;
      }
    }
    return Long.compareUnsigned(ram, lowmem) >= 0 ? lowmem : ram;
  }

  /**
   * Where RAM above 4 GiB starts ({@code above_4g_mem_start}): 4 GiB, or 1 TiB for an AMD vCPU on a
   * 7.1+ type when the highest address the guest uses, the end of the 64-bit PCI hole above RAM
   * ({@code pc_max_used_gpa}), reaches {@link #AMD_HT_START} (pc_memory_init, QEMU 7.1).
   */
  private long aboveFourGiBStart(Memory memory, long above) {
    if (memory.amdCpu() && enforcesAmd1TiBHole()
        && Long.compareUnsigned(U64.alignUp(FOUR_GIB + above, GIB) + pciHole64Size() - 1, AMD_HT_START) >= 0) {
      return AMD_ABOVE_1TB_START;
    }
    return FOUR_GIB;
  }

  /**
   * The default {@code pci-hole64-size} of the host bridge: 32 GiB on q35
   * (Q35_PCI_HOST_HOLE64_SIZE_DEFAULT, hw/pci-host/q35.c), 2 GiB on i440fx
   * (I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT, hw/pci-host/i440fx.c, "to comply with older win32 guests").
   */
  private long pciHole64Size() {
    return board == Board.Q35 ? 32 * GIB : 2 * GIB;
  }

  // ---- Arm virt: hw/arm/virt.c base_memmap, extended_memmap, virt_set_memmap, virt_set_high_memmap

  /** base_memmap's VIRT_MEM: RAM starts at 1 GiB; LEGACY_RAMLIMIT_BYTES (255 GiB) keeps the high regions at 256 GiB and up. */
  private static final long VIRT_RAM_BASE = GIB;
  private static final long LEGACY_RAMLIMIT = 255 * GIB;
  /** The largest physical address space an Armv8 CPU has (52-bit PA, FEAT_LPA). */
  private static final int ARM_MAX_PA_BITS = 52;

  private GuestLayout virt(Memory memory) {
    if (memory.maxRamBelow4g().isPresent()) {
      throw new IllegalArgumentException("max-ram-below-4g applies to the x86 machines (q35, pc), not " + name);
    }
    if (memory.amdCpu()) {
      throw new IllegalArgumentException("cpu=amd applies to the x86 machines (q35, pc), not " + name);
    }
    long ram = memory.ramBytes();
    // virt_set_memmap: "!highmem is exactly the same as limiting the PA space to 32bit".
    int paBits = memory.highmem() ? ARM_MAX_PA_BITS : 32;
    long limit = 1L << paBits;
    // The end of RAM rounded to 1 GiB is where hot-plug memory would start, and the high IO regions
    // after it, never below 256 GiB ("so that if maxram_size is < 255GiB we keep the legacy memory
    // map"); virt_set_memmap refuses RAM past the PA space ("Addressing limited to %d bits").
    if (Long.compareUnsigned(ram, limit - VIRT_RAM_BASE) > 0
        || Long.compareUnsigned(U64.alignUp(VIRT_RAM_BASE + ram, GIB), limit) > 0) {
      throw new IllegalArgumentException("RAM " + ByteSize.format(ram) + " from " + U64.hex(VIRT_RAM_BASE)
          + " does not fit the " + paBits + "-bit physical address space of " + name
          + (memory.highmem() ? "" : " with highmem=off (at most 3G)"));
    }
    long memtop = U64.alignUp(VIRT_RAM_BASE + ram, GIB);
    long base = Long.compareUnsigned(memtop, VIRT_RAM_BASE + LEGACY_RAMLIMIT) < 0 ? VIRT_RAM_BASE + LEGACY_RAMLIMIT : memtop;
    List<GuestRange> ranges = new ArrayList<>();
    ranges.add(range("flash", GuestKind.ROM, 0, 0x07ffffffL));
    ranges.add(range("gic", GuestKind.MMIO, 0x08000000L, 0x08ffffffL));
    ranges.add(range("uart", GuestKind.MMIO, 0x09000000L, 0x09000fffL));
    ranges.add(range("rtc", GuestKind.MMIO, 0x09010000L, 0x09010fffL));
    ranges.add(range("fw-cfg", GuestKind.MMIO, 0x09020000L, 0x09020017L));
    ranges.add(range("gpio", GuestKind.MMIO, 0x09030000L, 0x09030fffL));
    ranges.add(range("virtio-mmio", GuestKind.MMIO, 0x0a000000L, 0x0a003fffL));
    ranges.add(range("platform-bus", GuestKind.MMIO, 0x0c000000L, 0x0dffffffL));
    ranges.add(range("pcie-mmio", GuestKind.MMIO, 0x10000000L, 0x3efeffffL));
    ranges.add(range("pcie-pio", GuestKind.MMIO, 0x3eff0000L, 0x3effffffL));
    ranges.add(range("pcie-ecam", GuestKind.MMIO, 0x3f000000L, 0x3fffffffL));
    ranges.add(range("ram", GuestKind.RAM, VIRT_RAM_BASE, VIRT_RAM_BASE + ram - 1));
    // virt_set_high_memmap: each region aligned to its size, dropped when it does not fit the PA
    // space; the legacy (non-compact) map still reserves room for a region that is off.
    record High(String name, long size, boolean on) {}
    List<High> high = List.of(
        new High("gic-redist-high", 64 * MIB, true),
        new High("pcie-ecam-high", 256 * MIB, highEcam()),
        new High("pcie-mmio-high", 512 * GIB, true));
    for (High h : high) {
      long start = U64.alignUp(base, h.size);
      boolean fits = h.size <= limit && Long.compareUnsigned(start, limit - h.size) <= 0;
      boolean on = h.on && fits;
      if (!on && compactHighmem()) {
        continue;
      }
      if (on) {
        ranges.add(range(h.name, GuestKind.MMIO, start, start + h.size - 1));
      }
      base = start + h.size;
    }
    return new GuestLayout(layoutName(memory), ranges);
  }

  private static GuestRange range(String name, GuestKind kind, long start, long end) {
    return new GuestRange(name, kind, new AddressRange(start, end));
  }

  @Override
  public String toString() {
    return name;
  }
}
