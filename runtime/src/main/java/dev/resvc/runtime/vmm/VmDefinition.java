package dev.resvc.runtime.vmm;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.guest.QemuMachine;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.ByteSize;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A virtual machine as its manager defines it (a libvirt domain, a QEMU command line): what decides
 * whether it starts with its host devices, the guest memory map and the PCI functions handed to VFIO.
 *
 * @param source the file it was read from, as messages name it
 * @param origin what kind of definition it was
 * @param name the VM's name, when it has one ({@code <name>})
 * @param arch the guest architecture as written ({@code x86_64}, {@code aarch64}), when written
 * @param machine the machine type as written ({@code pc-q35-8.2}, {@code virt-9.0}, {@code pc})
 * @param machineAt where the machine type was written (or the whole file, when it was not)
 * @param ramBytes the boot RAM the guest map is laid out for
 * @param ramAt where the RAM size was written
 * @param maxRamBelow4g QEMU's {@code max-ram-below-4g} machine property, when set
 * @param cpu the guest CPU model or mode as written ({@code host-passthrough}, {@code EPYC-v4}), when
 *     written; QEMU 7.1+ moves RAM above 4 GiB for AMD guests
 * @param devices the host PCI functions assigned through VFIO, in file order
 * @param notes what was read but does not change the map or the devices (a balloon target, hugepages,
 *     non-PCI host devices), one sentence each
 */
public record VmDefinition(
    String source,
    Origin origin,
    Optional<String> name,
    Optional<String> arch,
    String machine,
    Position machineAt,
    long ramBytes,
    Position ramAt,
    OptionalLong maxRamBelow4g,
    Optional<String> cpu,
    List<AssignedDevice> devices,
    List<String> notes) {
  public VmDefinition {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(machineAt, "machineAt");
    Objects.requireNonNull(ramAt, "ramAt");
    Objects.requireNonNull(maxRamBelow4g, "maxRamBelow4g");
    Objects.requireNonNull(cpu, "cpu");
    devices = List.copyOf(devices);
    notes = List.copyOf(notes);
  }

  /** Where a VM definition comes from. */
  public enum Origin {
    /** A libvirt domain XML ({@code virsh dumpxml}, a hook's standard input). */
    LIBVIRT_DOMAIN("libvirt domain"),
    /** A QEMU command line as written in a script. */
    QEMU_COMMAND_LINE("QEMU command line");

    private final String label;

    Origin(String label) {
      this.label = label;
    }

    /** How messages and reports name it: "libvirt domain". */
    public String label() {
      return label;
    }
  }

  /**
   * One host PCI function handed to the guest through VFIO.
   *
   * @param address the host address
   * @param at where it was written (the source address, the {@code -device} option)
   * @param written how it was written, for messages: {@code <hostdev>}, {@code <interface
   *     type='hostdev'>}, {@code -device vfio-pci}
   * @param alias its alias or id ({@code <alias name>}, {@code id=}), when it has one
   */
  public record AssignedDevice(PciAddress address, Position at, String written, Optional<String> alias) {
    public AssignedDevice {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(written, "written");
      Objects.requireNonNull(alias, "alias");
    }
  }

  /**
   * Refuses, where it was written, a machine type resvc has no map for: an upstream type QEMU never
   * defined, or a board resvc does not model (microvm, isapc, s390-ccw-virtio). A distribution's own
   * type of a modelled board passes; {@link #guest} decides whether its map can be known.
   */
  static void requireMachine(String machine, String source, Position at) throws InputException {
    if (QemuMachine.distributionBoard(machine).isPresent()) {
      return;
    }
    try {
      QemuMachine.parse(machine);
    } catch (IllegalArgumentException e) {
      throw new InputException(source, at, "machine type " + MessageText.quote(machine) + " has no memory map in"
          + " resvc: " + e.getMessage());
    }
  }

  /**
   * The guest this VM gets.
   *
   * @param layout the guest-physical map
   * @param machine the machine type laid out (for a distribution's own type, the upstream one whose
   *     map it shares)
   * @param notes what had to be decided to lay it out, one sentence each
   */
  public record Guest(GuestLayout layout, QemuMachine machine, List<String> notes) {
    public Guest {
      Objects.requireNonNull(layout, "layout");
      Objects.requireNonNull(machine, "machine");
      notes = List.copyOf(notes);
    }
  }

  /**
   * The guest memory map this VM gets: the one place a VM definition becomes a {@link GuestLayout},
   * through {@link QemuMachine} with the RAM, {@code max-ram-below-4g} and the vCPU vendor.
   *
   * <p>The vCPU vendor is the host's: under KVM QEMU gives every CPU model the host's vendor string
   * ({@code x86_cpu_load_model}, target/i386/cpu.c, "Normally we advertise the actual CPU vendor"),
   * and {@code pc_memory_init} asks that vendor ({@code IS_AMD_CPU}) before moving RAM above 4 GiB to
   * 1 TiB. {@code amdHost} is empty when the host's vendor is not known; the map is then laid out for
   * an Intel CPU, with a note when an AMD one would differ.
   *
   * <p>A distribution's own machine type ({@code pc-q35-rhel9.4.0}) carries compat flags upstream does
   * not record: its map is the upstream board's when every upstream version from 2.0 gives this RAM
   * the same map, and otherwise unknown, which is bad input at the machine type.
   *
   * @throws InputException at the machine type when resvc has no map for it, or at the RAM size when
   *     QEMU would refuse the map
   */
  public Guest guest(Optional<Boolean> amdHost) throws InputException {
    Optional<QemuMachine.Board> distribution = QemuMachine.distributionBoard(machine);
    QemuMachine upstream;
    try {
      upstream = distribution.isPresent() ? QemuMachine.of(distribution.get(), distribution.get().newest())
          : QemuMachine.parse(machine);
    } catch (IllegalArgumentException e) {
      throw new InputException(source, machineAt, e.getMessage());
    }
    boolean x86 = upstream.board() != QemuMachine.Board.VIRT;
    boolean amd = x86 && amdHost.orElse(false);
    GuestLayout layout = layout(upstream, amd);
    List<String> notes = new ArrayList<>();
    if (distribution.isPresent()) {
      // Guest RAM is what VFIO maps, so a RAM map that differs by upstream version is unknown; other
      // ranges that differ (the HyperTransport window 7.1+ reserves for an AMD vCPU) are noted.
      Set<String> otherwise = new TreeSet<>();
      for (QemuMachine.Version v : upstream.board().versions()) {
        QemuMachine other = QemuMachine.of(upstream.board(), v);
        GuestLayout theirs = v.major() >= 2 ? layout(other, amd) : layout;
        if (!theirs.ranges(GuestKind.RAM).equals(layout.ranges(GuestKind.RAM))) {
          throw new InputException(source, machineAt, "machine type " + MessageText.quote(machine) + " is a"
              + " distribution's own, with compat flags upstream QEMU does not record, and upstream's RAM maps for"
              + " this RAM differ by version (" + other.name() + " and " + upstream.name() + "): resvc cannot"
              + " tell which it gets; write the upstream type it derives from");
        }
        Set<GuestRange> mine = new HashSet<>(layout.ranges());
        theirs.ranges().stream().filter(r -> !mine.contains(r)).forEach(r -> otherwise.add(r.name()));
        Set<GuestRange> yours = new HashSet<>(theirs.ranges());
        layout.ranges().stream().filter(r -> !yours.contains(r)).forEach(r -> otherwise.add(r.name()));
      }
      notes.add("machine type " + MessageText.quote(machine) + " is a distribution's own: laid out as "
          + upstream.name() + ", whose RAM map every upstream version from 2.0 on shares"
          + (otherwise.isEmpty() ? "" : "; upstream versions differ in " + String.join(", ", otherwise)
              + ", taken as " + upstream.name() + " has it"));
    }
    GuestLayout asAmd = x86 && !amd ? layout(upstream, true) : layout;
    if (x86 && !amdHost.equals(Optional.of(false)) && !asAmd.ranges().equals(layout(upstream, false).ranges())) {
      // pc_memory_init (hw/i386/pc.c, QEMU 7.1+): an AMD vCPU gets the HyperTransport window as an E820
      // reserved entry, and RAM above 4 GiB moves to 1 TiB when the highest address it could use reaches it.
      boolean moved = !asAmd.ranges(GuestKind.RAM).equals(layout(upstream, false).ranges(GuestKind.RAM));
      String what = "QEMU reserves the HyperTransport window at 0xfd00000000" + (moved
          ? " and starts RAM above 4 GiB at 1 TiB (pc_memory_init, enforce_amd_1tb_hole)" : " (pc_memory_init)");
      notes.add(amdHost.isEmpty()
          ? "the host's CPU vendor is not known: laid out for an Intel vCPU; KVM gives the guest the host's vendor,"
              + " and for an AMD one " + what
          : "AMD host: KVM gives the vCPU the host's vendor, so " + what);
    }
    return new Guest(layout, upstream, notes);
  }

  private GuestLayout layout(QemuMachine m, boolean amd) throws InputException {
    QemuMachine.Memory memory;
    try {
      memory = QemuMachine.Memory.ofRam(ramBytes).withAmdCpu(amd);
      if (maxRamBelow4g.isPresent()) {
        memory = memory.withMaxRamBelow4g(maxRamBelow4g.getAsLong());
      }
    } catch (IllegalArgumentException e) {
      // max-ram-below-4g is a machine property: refused where the machine is given.
      throw new InputException(source, machineAt, e.getMessage());
    }
    try {
      return m.layout(memory);
    } catch (IllegalArgumentException e) {
      throw new InputException(source, ramAt, "RAM " + ByteSize.format(ramBytes) + " on " + m.name() + ": "
          + e.getMessage());
    }
  }
}
