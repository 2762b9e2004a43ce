package dev.resvc.bench;

import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.policy.ClassifyDecision;
import dev.resvc.runtime.policy.ConflictDecision;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.policy.Provenance;
import dev.resvc.runtime.policy.Severity;

/**
 * The LANGUAGE.md §4 policy written by hand in plain Java, as a careful engineer would: one test of
 * the source, the class read once, decisions built ahead of time. The practical lower bound for the
 * generated class.
 */
public final class HandIntelVtdKernelDefault implements Policy {
  private static final String FILE = "intel-vtd-kernel-default.resv";
  private static final ClassifyDecision KEEP = ClassifyDecision.keep(new Provenance("default", FILE, 13));
  private static final ClassifyDecision USB_RMRR =
      ClassifyDecision.setType(RegionType.DIRECT_RELAXABLE, new Provenance("usb_rmrr", FILE, 11));
  private static final ClassifyDecision GRAPHICS_RMRR =
      ClassifyDecision.setType(RegionType.DIRECT_RELAXABLE, new Provenance("graphics_rmrr", FILE, 12));
  private static final ConflictDecision ALLOW = ConflictDecision.allow(new Provenance("default", FILE, 23));
  private static final ConflictDecision MSI_IN_RAM = ConflictDecision.report(Severity.FATAL,
      "MSI window {region} overlaps guest RAM {overlap}", new Provenance("msi_in_ram", FILE, 17));
  private static final ConflictDecision RMRR_LOCKED = ConflictDecision.report(Severity.FATAL,
      "{device} has a non-relaxable RMRR {region}: assignment is refused", new Provenance("rmrr_locked", FILE, 19));
  private static final ConflictDecision RELAXED_RAM = ConflictDecision.report(Severity.WARN,
      "relaxable RMRR {region} lies in guest RAM {overlap}", new Provenance("relaxed_ram", FILE, 21));

  @Override
  public String name() {
    return "examples.IntelVtdKernelDefault";
  }

  @Override
  public int apiVersion() {
    return API_VERSION;
  }

  @Override
  public ClassifyDecision classify(TargetKernel kernel, Device device, int group, Region region) {
    if (region.source() == RegionSource.RMRR && device instanceof PciDevice pci) {
      int cls = pci.classCode();
      if ((cls >>> 8) == 0x0c03) {
        return USB_RMRR;
      }
      if ((cls >>> 16) == 0x03) {
        return GRAPHICS_RMRR;
      }
    }
    return KEEP;
  }

  @Override
  public ConflictDecision conflict(TargetKernel kernel, Region region, GuestRange guest) {
    boolean ram = guest != null && guest.kind() == GuestKind.RAM;
    switch (region.type()) {
      case MSI:
        return ram ? MSI_IN_RAM : ALLOW;
      case DIRECT:
        return RMRR_LOCKED;
      case DIRECT_RELAXABLE:
        return ram ? RELAXED_RAM : ALLOW;
      default:
        return ALLOW;
    }
  }
}
