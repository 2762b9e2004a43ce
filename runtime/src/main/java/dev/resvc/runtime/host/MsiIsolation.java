package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.firmware.IortNode;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.MadtTable;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelFacts.InterruptRemapping;
import java.util.Optional;

/**
 * Whether a host's MSIs are isolated, from what the host shows (docs/kernel-eras.md §7 and §9):
 * VFIO type1 and iommufd refuse a group whose MSIs are not isolated unless {@code
 * allow_unsafe_interrupts} is set. Empty when nothing shown settles it, and the target kernel then
 * assumes isolation and says so.
 *
 * <p>x86 (Intel or AMD IOMMU): isolated iff interrupt remapping is enabled. The best evidence is
 * {@code /proc/interrupts}: remapped interrupts have chips named {@code IR-…} ({@code IR-PCI-MSI},
 * {@code IR-IO-APIC}; arch/x86 names them so; per-device MSI domains of newer kernels append the
 * device, as {@code PCI-MSIX-0000:00:01.0} on 6.18, docs/kernel-eras.md open question 7), and an
 * MSI chip without that prefix means remapping is off. Without it: {@code intremap=off} or {@code
 * nointremap} on the command line turn it off (drivers/iommu/irq_remapping.c, {@code
 * setup_irqremap}, each comma-separated option in order, {@code on} turning it back on); an Intel
 * host whose DMAR flags lack INTR_REMAP (bit 0, {@code dmar_ir_support}) cannot enable it; an Intel
 * host whose DMAR offers it and whose command line is known and does not turn it off has it. An AMD
 * host without {@code /proc/interrupts} is left undecided: the AMD driver also gives up remapping
 * for IVRS problems (a missing IOAPIC entry) no file resvc reads shows.
 *
 * <p>Arm (SMMU): isolated iff MSIs go to a GICv3 ITS: the MADT lists a GIC ITS (type 0x0F) and the
 * IORT, when known, has an ITS group for devices to map to. {@code intel_iommu=off}, {@code
 * amd_iommu=off} and {@code iommu=off} are not read: with the IOMMU off there are no IOMMU groups to
 * assign.
 */
final class MsiIsolation {
  private MsiIsolation() {}

  /** What the decision reads; each part empty when the host did not show it. */
  record Evidence(Optional<IommuDriver> driver, Optional<KernelCommandLine> commandLine,
      Optional<String> interrupts, Optional<DmarTable> dmar, Optional<IortTable> iort, Optional<MadtTable> madt) {}

  static Optional<InterruptRemapping> decide(Evidence e) {
    if (e.driver().isEmpty()) {
      return Optional.empty();
    }
    return e.driver().get() == IommuDriver.ARM_SMMU ? arm(e) : x86(e);
  }

  private static Optional<InterruptRemapping> x86(Evidence e) {
    Optional<InterruptRemapping> shown = e.interrupts().flatMap(MsiIsolation::fromInterrupts);
    if (shown.isPresent()) {
      return shown;
    }
    Optional<String> turnedOff = e.commandLine().flatMap(MsiIsolation::turnedOff);
    if (turnedOff.isPresent()) {
      return Optional.of(new InterruptRemapping(false, turnedOff.get() + " on /proc/cmdline turns interrupt remapping off"));
    }
    if (e.driver().get() == IommuDriver.INTEL && e.dmar().isPresent()) {
      boolean offered = (e.dmar().get().flags() & 1) != 0;
      if (!offered) {
        return Optional.of(new InterruptRemapping(false,
            "DMAR flags INTR_REMAP clear: the firmware does not offer interrupt remapping"));
      }
      if (e.commandLine().isPresent()) {
        return Optional.of(new InterruptRemapping(true,
            "DMAR flags INTR_REMAP set, intremap=off absent from /proc/cmdline"));
      }
    }
    return Optional.empty();
  }

  /**
   * What {@code /proc/interrupts} shows: any {@code IR-} chip means remapping is on; MSI chips
   * ({@code PCI-MSI…}) and no {@code IR-} chip mean it is off; neither settles nothing.
   */
  static Optional<InterruptRemapping> fromInterrupts(String text) {
    boolean plainMsi = false;
    for (String line : text.split("\n")) {
      String[] words = line.strip().split("\\s+");
      if (words.length < 2 || !words[0].endsWith(":")) {
        continue;
      }
      for (String w : words) {
        if (w.startsWith("IR-")) {
          return Optional.of(new InterruptRemapping(true,
              "/proc/interrupts shows remapped interrupt chips (" + chipName(w) + ")"));
        }
        plainMsi |= w.startsWith("PCI-MSI");
      }
    }
    return plainMsi
        ? Optional.of(new InterruptRemapping(false,
            "/proc/interrupts shows PCI-MSI chips without IR-: interrupt remapping is off"))
        : Optional.empty();
  }

  /** The chip's name without a per-device suffix, to keep the evidence short. */
  private static String chipName(String word) {
    int device = word.indexOf("-0000:");
    return device < 0 ? word : word.substring(0, device) + "-…";
  }

  /** The word that leaves interrupt remapping off, applying each {@code intremap=}/{@code nointremap} in order. */
  private static Optional<String> turnedOff(KernelCommandLine cmdline) {
    Optional<String> off = Optional.empty();
    for (String word : cmdline.words()) {
      if (word.equals("nointremap")) {
        off = Optional.of("nointremap");
      } else if (word.startsWith("intremap=")) {
        for (String option : word.substring("intremap=".length()).split(",")) {
          if (option.startsWith("off")) {
            off = Optional.of(word);
          } else if (option.startsWith("on")) {
            off = Optional.empty();
          }
        }
      }
    }
    return off;
  }

  private static Optional<InterruptRemapping> arm(Evidence e) {
    if (e.madt().isEmpty()) {
      return Optional.empty();
    }
    if (!e.madt().get().hasGicIts()) {
      return Optional.of(new InterruptRemapping(false,
          "the MADT (APIC table) lists no GIC ITS: MSIs cannot be isolated"));
    }
    if (e.iort().isPresent() && e.iort().get().nodes().stream().noneMatch(n -> n instanceof IortNode.ItsGroup)) {
      return Optional.of(new InterruptRemapping(false,
          "the MADT lists a GIC ITS but the IORT has no ITS group, so no device's MSIs reach it"));
    }
    return Optional.of(new InterruptRemapping(true, "the MADT (APIC table) lists a GIC ITS (type 0x0F)"
        + (e.iort().isPresent() ? " and the IORT has an ITS group" : "")));
  }
}
