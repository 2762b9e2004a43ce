package dev.resvc.runtime.model;

import java.util.Map;

/**
 * Human names for PCI class codes (PCI Code and ID Assignment Specification), so that {@code resvc
 * host} can say "USB controller (xHCI)" instead of {@code 0x0c0330}.
 */
public final class PciClasses {
  private PciClasses() {}

  private static final Map<Integer, String> BASE = Map.ofEntries(
      Map.entry(0x00, "unclassified device"),
      Map.entry(0x01, "mass storage controller"),
      Map.entry(0x02, "network controller"),
      Map.entry(0x03, "display controller"),
      Map.entry(0x04, "multimedia controller"),
      Map.entry(0x05, "memory controller"),
      Map.entry(0x06, "bridge"),
      Map.entry(0x07, "communication controller"),
      Map.entry(0x08, "generic system peripheral"),
      Map.entry(0x09, "input device controller"),
      Map.entry(0x0a, "docking station"),
      Map.entry(0x0b, "processor"),
      Map.entry(0x0c, "serial bus controller"),
      Map.entry(0x0d, "wireless controller"),
      Map.entry(0x0e, "intelligent controller"),
      Map.entry(0x0f, "satellite communications controller"),
      Map.entry(0x10, "encryption controller"),
      Map.entry(0x11, "signal processing controller"),
      Map.entry(0x12, "processing accelerator"),
      Map.entry(0x13, "non-essential instrumentation"),
      Map.entry(0x40, "coprocessor"),
      Map.entry(0xff, "unassigned class"));

  private static final Map<Integer, String> SUB = Map.ofEntries(
      Map.entry(0x0100, "SCSI storage controller"),
      Map.entry(0x0101, "IDE interface"),
      Map.entry(0x0104, "RAID bus controller"),
      Map.entry(0x0106, "SATA controller"),
      Map.entry(0x0107, "serial attached SCSI controller"),
      Map.entry(0x0108, "non-volatile memory controller"),
      Map.entry(0x0200, "Ethernet controller"),
      Map.entry(0x0280, "network controller"),
      Map.entry(0x0300, "VGA compatible controller"),
      Map.entry(0x0301, "XGA compatible controller"),
      Map.entry(0x0302, "3D controller"),
      Map.entry(0x0380, "display controller"),
      Map.entry(0x0401, "multimedia audio controller"),
      Map.entry(0x0403, "audio device"),
      Map.entry(0x0480, "multimedia controller"),
      Map.entry(0x0500, "RAM memory"),
      Map.entry(0x0580, "memory controller"),
      Map.entry(0x0600, "host bridge"),
      Map.entry(0x0601, "ISA bridge"),
      Map.entry(0x0604, "PCI bridge"),
      Map.entry(0x0609, "semi-transparent PCI bridge"),
      Map.entry(0x0680, "bridge"),
      Map.entry(0x0700, "serial controller"),
      Map.entry(0x0780, "communication controller"),
      Map.entry(0x0800, "PIC"),
      Map.entry(0x0805, "SD host controller"),
      Map.entry(0x0806, "IOMMU"),
      Map.entry(0x0880, "system peripheral"),
      Map.entry(0x0c03, "USB controller"),
      Map.entry(0x0c05, "SMBus"),
      Map.entry(0x0c80, "serial bus controller"),
      Map.entry(0x0d80, "wireless controller"),
      Map.entry(0x1080, "encryption controller"),
      Map.entry(0x1180, "signal processing controller"),
      Map.entry(0x1200, "processing accelerator"));

  private static final Map<Integer, String> USB_PROG_IF = Map.of(
      0x00, "UHCI", 0x10, "OHCI", 0x20, "EHCI", 0x30, "xHCI", 0x40, "USB4", 0xfe, "USB device");

  /** The most specific name known for a 24-bit class code, e.g. "USB controller (xHCI)". */
  public static String name(int classCode) {
    int base = classCode >>> 16;
    int baseSub = classCode >>> 8;
    String sub = SUB.get(baseSub);
    if (sub != null) {
      if (baseSub == 0x0c03) {
        String progIf = USB_PROG_IF.get(classCode & 0xff);
        return progIf == null ? sub : sub + " (" + progIf + ")";
      }
      return sub;
    }
    return BASE.getOrDefault(base, "unknown class");
  }

  /** PCI-to-PCI bridges (class 0x0604xx and semi-transparent 0x0609xx) have buses below them. */
  public static boolean isBridgeClass(int classCode) {
    int baseSub = classCode >>> 8;
    return baseSub == 0x0604 || baseSub == 0x0609;
  }

  /** The Intel driver's relaxable test: any USB host controller (0x0c03xx) or display controller (0x03xxxx). */
  public static boolean isUsbOrDisplay(int classCode) {
    return (classCode >>> 8) == 0x0c03 || (classCode >>> 16) == 0x03;
  }

  /** A PCI-to-ISA bridge (class 0x0601xx), which gets the Intel floppy workaround region. */
  public static boolean isIsaBridge(int classCode) {
    return (classCode >>> 8) == 0x0601;
  }
}
