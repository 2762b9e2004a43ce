package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.policy.Explanation;
import dev.resvc.runtime.policy.Severity;
import dev.resvc.runtime.range.ByteSize;
import dev.resvc.runtime.vmm.VmDefinition;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a VM would start with its host devices: each assigned PCI function, the IOMMU group VFIO
 * takes it with (VFIO takes a group whole, so every member's regions count), and what in that group
 * fails. A device the host does not have is bad input, named at the line that assigns it.
 *
 * @param vm the VM as read
 * @param guest the guest its machine type and RAM give, with what was decided to lay it out
 * @param hostdevs its assigned devices, in the file's order
 * @param groups the explained groups of those devices, by id, each once
 */
record VmCheck(VmDefinition vm, VmDefinition.Guest guest, List<Hostdev> hostdevs, List<Explanation.Group> groups) {
  VmCheck {
    hostdevs = List.copyOf(hostdevs);
    groups = List.copyOf(groups);
  }

  /**
   * One assigned device: its group (none when the IOMMU does not cover it, so VFIO has nothing to
   * take), the group's fatal findings, each with the group members behind it, and the members the VM
   * does not assign that a host driver holds (which make the group not viable).
   */
  record Hostdev(VmDefinition.AssignedDevice device, Optional<Explanation.Group> group, List<Failure> failures,
      List<Device> heldByHostDrivers) {
    Hostdev {
      failures = List.copyOf(failures);
      heldByHostDrivers = List.copyOf(heldByHostDrivers);
    }

    boolean starts() {
      return group.isPresent() && failures.isEmpty() && heldByHostDrivers.isEmpty();
    }

    /** Every member that keeps the device from the VM: behind a fatal finding, or held by a host driver. */
    List<Device> blockers() {
      Set<Device> all = new LinkedHashSet<>();
      failures.forEach(f -> all.addAll(f.blockers()));
      all.addAll(heldByHostDrivers);
      return List.copyOf(all);
    }
  }

  /** A fatal finding of the group, and the members whose regions or refusal it is about. */
  record Failure(Explanation.Finding finding, List<Device> blockers) {
    Failure {
      blockers = List.copyOf(blockers);
    }
  }

  /** The check of {@code vm} against {@code host}, from the explanation of every group of the host. */
  static VmCheck of(VmDefinition vm, VmDefinition.Guest guest, Host host, Explanation explanation) throws InputException {
    List<Hostdev> hostdevs = new ArrayList<>();
    Set<Explanation.Group> groups = new LinkedHashSet<>();
    for (VmDefinition.AssignedDevice d : vm.devices()) {
      if (host.device(d.address()).isEmpty()) {
        throw new InputException(vm.source(), d.at(), d.written() + " " + d.address() + ": the host "
            + host.name() + " has no such PCI device");
      }
      Optional<Explanation.Group> group = host.groupOf(d.address()).map(IommuGroup::id).flatMap(explanation::group);
      group.ifPresent(groups::add);
      List<Failure> failures = group.map(g -> g.findings().stream()
          .filter(f -> f.severity() == Severity.FATAL).map(f -> new Failure(f, blockers(g, f))).toList())
          .orElse(List.of());
      List<Device> held = host.groupOf(d.address()).map(g -> heldByHostDrivers(g, vm)).orElse(List.of());
      hostdevs.add(new Hostdev(d, group, failures, held));
    }
    return new VmCheck(vm, guest, hostdevs, groups.stream()
        .sorted(Comparator.comparingInt(g -> g.verdict().id())).toList());
  }

  /**
   * The members of {@code group} that {@code vm} does not assign and that a driver using the DMA API
   * holds. VFIO calls a group viable only when none does: the kernel's vfio_group_ioctl_get_status
   * (drivers/vfio/group.c, v6.2+; vfio.c since v5.19) sets VFIO_GROUP_FLAGS_VIABLE only when
   * iommu_group_dma_owner_claimed() is false, i.e. no bound driver counts as a DMA owner, and every
   * driver does but those that set driver_managed_dma: vfio-pci and its variant drivers, pci-stub
   * and pcieport (v5.19, "PCI: pci_stub: Set driver_managed_dma", "PCI: portdrv: Set
   * driver_managed_dma"; before, vfio_dev_driver_allowed let pci-stub and bridges through). QEMU
   * then stops with "group N is not viable" (hw/vfio, vfio_get_group). The assigned devices
   * themselves are left out: libvirt's managed='yes' binds them to vfio-pci before QEMU starts.
   */
  private static List<Device> heldByHostDrivers(IommuGroup group, VmDefinition vm) {
    return group.devices().stream()
        .filter(d -> vm.devices().stream().noneMatch(a -> d.hasAddress(a.address())))
        .filter(d -> d.driver().filter(n -> !managesItsOwnDma(n)).isPresent())
        .toList();
  }

  /** A driver with driver_managed_dma set, which does not claim its group's DMA ownership. */
  private static boolean managesItsOwnDma(String driver) {
    return driver.contains("vfio") || driver.equals("pci-stub") || driver.equals("pcieport");
  }

  /** The members behind a finding: the device a step refuses, else the devices whose regions make the region. */
  private static List<Device> blockers(Explanation.Group group, Explanation.Finding f) {
    Optional<Device> refused = f.step().flatMap(StepFailure::device);
    if (refused.isPresent()) {
      return List.of(refused.get());
    }
    return group.effectiveRegions().stream().filter(r -> r.region().equals(f.region()))
        .flatMap(r -> r.contributors().stream()).distinct().toList();
  }

  boolean wouldStart() {
    return hostdevs.stream().allMatch(Hostdev::starts);
  }

  /** {@code FILE:LINE:COL}: where a device was assigned. */
  String where(VmDefinition.AssignedDevice d) {
    String at = d.at().render();
    return at.isEmpty() ? vm.source() : vm.source() + ":" + at;
  }

  /** The lines that say which VM is checked, before the groups. */
  void printHeader(PrintWriter out) {
    out.println(vm.origin().label() + " " + vm.name().map(n -> "'" + n + "' ").orElse("") + "(" + vm.source()
        + "): machine " + vm.machine()
        + (guest.machine().name().equals(vm.machine()) ? "" : " (laid out as " + guest.machine().name() + ")") + ", RAM " + ByteSize.format(vm.ramBytes())
        + vm.maxRamBelow4g().stream().mapToObj(b -> ", max-ram-below-4g " + ByteSize.format(b)).findFirst().orElse("")
        + ", " + vm.devices().size() + " host PCI device" + (vm.devices().size() == 1 ? "" : "s"));
    guest.notes().forEach(n -> out.println("  note: " + n));
    vm.notes().forEach(n -> out.println("  note: " + n));
  }

  /** The answer, after the groups: would it start, and for each device that fails, where, why and who blocks. */
  void printVerdict(PrintWriter out) {
    long failing = hostdevs.stream().filter(h -> !h.starts()).count();
    out.println();
    if (hostdevs.isEmpty()) {
      out.println("the VM would start: it assigns no host PCI device, so VFIO has nothing to refuse");
      return;
    }
    out.println(failing == 0 ? "the VM would start: every host PCI device can be assigned"
        : "the VM would NOT start: " + failing + " of " + hostdevs.size() + " host PCI devices fail");
    for (Hostdev h : hostdevs) {
      VmDefinition.AssignedDevice d = h.device();
      String head = d.written() + " " + d.address() + d.alias().map(a -> " (" + a + ")").orElse("") + " at "
          + where(d);
      if (h.group().isEmpty()) {
        out.println("  " + head + ": fails: it is in no IOMMU group, so VFIO cannot take it (the IOMMU is off or"
            + " does not cover it)");
        continue;
      }
      int id = h.group().get().verdict().id();
      if (h.starts()) {
        out.println("  " + head + ", group " + id + ": assignable");
        continue;
      }
      if (!h.heldByHostDrivers().isEmpty()) {
        out.println("  " + head + ", group " + id + ": fails at attach: group " + id + " is not viable");
        out.println("    QEMU stops with \"group " + id + " is not viable\": VFIO takes a group only when no member"
            + " is held by a host driver (vfio_group_ioctl_get_status, iommu_group_dma_owner_claimed)");
        for (Device held : h.heldByHostDrivers()) {
          out.println("    blocked by group member " + held.name() + ", not assigned, bound to "
              + held.driver().orElseThrow() + ": assign it too, or bind it to vfio-pci or pci-stub");
        }
      }
      for (Failure f : h.failures()) {
        Optional<StepFailure> step = f.finding().step();
        out.println("  " + head + ", group " + id + ": fails at "
            + step.map(s -> s.stage().resvName()).orElse("policy rule " + f.finding().provenance().rule()));
        out.println("    " + step.map(StepFailure::summary).orElse(f.finding().message()));
        step.ifPresent(s -> out.println("    why: " + s.why()));
        List<String> others = f.blockers().stream().filter(b -> !b.hasAddress(d.address()))
            .map(b -> b.name() + " (" + (vm.devices().stream().anyMatch(x -> b.hasAddress(x.address()))
                ? "also assigned" : "in the same group, not assigned") + ")").toList();
        if (!others.isEmpty()) {
          out.println("    blocked by group member " + String.join(", ", others)
              + ": VFIO takes the whole group, so its regions count");
        }
      }
    }
  }

  /** Where an assigned device was written, as JSON wants it: line and column, or nulls. */
  static Integer line(VmDefinition.AssignedDevice d) {
    return d.at() instanceof Position.Line l ? l.line() : null;
  }

  static Integer column(VmDefinition.AssignedDevice d) {
    return d.at() instanceof Position.Line l && l.column() > 0 ? l.column() : null;
  }
}
