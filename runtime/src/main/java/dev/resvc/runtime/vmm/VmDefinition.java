package dev.resvc.runtime.vmm;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.ByteSize;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

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

  /** The families of QEMU machine types whose memory maps resvc knows. */
  public enum MachineFamily {
    Q35("q35"),
    PC("pc"),
    VIRT("virt");

    private final String preset;

    MachineFamily(String preset) {
      this.preset = preset;
    }

    /** The {@link GuestPresets} name of the family's map. */
    public String preset() {
      return preset;
    }
  }

  /**
   * The family of a machine type as libvirt and QEMU write it: {@code q35}, {@code pc-q35-8.2} and
   * Ubuntu's {@code pc-q35-jammy}/{@code ubuntu-q35} are q35; {@code pc}, {@code pc-i440fx-*},
   * the old {@code pc-0.x}/{@code pc-1.x} and Ubuntu's {@code ubuntu} are i440fx; {@code virt} and
   * {@code virt-*} are Arm virt (QEMU's hw/i386/pc_q35.c, pc_piix.c and hw/arm/virt.c register these
   * names). Empty for any other machine (microvm, isapc, s390-ccw-virtio, ...).
   */
  public static Optional<MachineFamily> family(String machine) {
    String m = machine.strip();
    if (m.equals("q35") || m.startsWith("pc-q35-") || m.equals("ubuntu-q35")) {
      return Optional.of(MachineFamily.Q35);
    }
    if (m.equals("pc") || m.startsWith("pc-") || m.equals("ubuntu")) {
      return Optional.of(MachineFamily.PC);
    }
    if (m.equals("virt") || m.startsWith("virt-")) {
      return Optional.of(MachineFamily.VIRT);
    }
    return Optional.empty();
  }

  /**
   * The family of {@code machine}, written at {@code at} in {@code source}; a machine type without a
   * map is bad input there, so a reader refuses it where it was written.
   */
  static MachineFamily requireFamily(String machine, String source, Position at) throws InputException {
    return family(machine).orElseThrow(() -> new InputException(source, at, "machine type "
        + MessageText.quote(machine) + " has no memory map in resvc (known: q35 and pc-q35-*, pc and pc-i440fx-*,"
        + " virt and virt-*)"));
  }

  /**
   * The guest memory map this VM gets: the one place a VM definition becomes a {@link GuestLayout}.
   * Today the machine family's preset for the RAM size; {@code max-ram-below-4g} and the machine
   * version are read but not yet applied (see {@link #notes()}).
   *
   * @throws InputException at the machine type when resvc has no map for it, or at the RAM size when
   *     the map cannot hold it
   */
  public GuestLayout guestLayout() throws InputException {
    MachineFamily family = requireFamily(machine, source, machineAt);
    try {
      return GuestPresets.preset(family.preset(), ramBytes);
    } catch (IllegalArgumentException e) {
      throw new InputException(source, ramAt, "RAM " + ByteSize.format(ramBytes) + ": " + e.getMessage());
    }
  }
}
