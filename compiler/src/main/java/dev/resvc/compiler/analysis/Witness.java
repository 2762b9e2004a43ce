package dev.resvc.compiler.analysis;

import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Section;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * A concrete input that demonstrates a finding: the kernel it is on; in {@code classify} a device, its
 * group and a region; in {@code conflicts} a region and the guest range it is checked against ({@code
 * null} when none).
 */
public record Witness(Section section, TargetKernel kernel, Device device, int group, Region region,
    GuestRange guest) {
  /** The facts the interpreter evaluates conditions on. */
  public Interpreter.Facts facts() {
    return section == Section.CLASSIFY
        ? new Interpreter.Facts(kernel, device, group, region, null)
        : new Interpreter.Facts(kernel, null, -1, region, guest);
  }

  /** One line per part, in the words of the policy language; the kernel only when it is not the newest's. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    if (showsKernel()) {
      out.add(kernelLine(new StringBuilder()).toString());
    }
    if (device != null) {
      out.add(deviceLine(new StringBuilder()).toString());
    }
    out.add(regionLine(new StringBuilder()).toString());
    if (section == Section.CONFLICTS) {
      out.add(guestLine(new StringBuilder()).toString());
    }
    return out;
  }

  /** {@code describe()} joined with "; ". */
  public String text() {
    return appendText(new StringBuilder(200)).toString();
  }

  /** Appends {@link #text()}. */
  StringBuilder appendText(StringBuilder b) {
    if (showsKernel()) {
      kernelLine(b).append("; ");
    }
    if (device != null) {
      deviceLine(b).append("; ");
    }
    regionLine(b);
    if (section == Section.CONFLICTS) {
      guestLine(b.append("; "));
    }
    return b;
  }

  /** Whether the kernel differs from {@link TargetKernel#newest()}, which findings leave unsaid. */
  private boolean showsKernel() {
    return kernel != null && !kernel.equals(NEWEST);
  }

  private static final TargetKernel NEWEST = TargetKernel.newest();

  /** {@code kernel 6.5 (vfio-type1, iommu intel, MSIs not isolated)}: the release as X.Y[.Z]. */
  private StringBuilder kernelLine(StringBuilder k) {
    return k.append("kernel ").append(kernel.release().version()).append(" (").append(kernel.backend().resvName())
        .append(", iommu ").append(kernel.driver().map(d -> d.resvName()).orElse("unknown"))
        .append(kernel.msiIsolated() ? ", MSIs isolated)" : ", MSIs not isolated)");
  }

  private StringBuilder deviceLine(StringBuilder d) {
    if (!(device instanceof PciDevice pci)) {
      d.append("device \"").append(device.name()).append("\" kind ").append(device.kind().resvName());
      device.hid().ifPresent(hid -> d.append(" hid \"").append(hid).append('"'));
      device.driver().ifPresent(driver -> d.append(" driver \"").append(driver).append('"'));
      return d.append(" in group ").append(group);
    }
    PciAddress a = pci.address();
    d.append("device ");
    hex(d, a.segment(), 4).append(':');
    hex(d, a.bus(), 2).append(':');
    hex(d, a.device(), 2).append('.');
    hex(d, a.function(), 1);
    hex(d.append(" vendor 0x"), number(Field.DEVICE_VENDOR), 4);
    hex(d.append(" device_id 0x"), number(Field.DEVICE_ID), 4);
    hex(d.append(" class 0x"), number(Field.DEVICE_CLASS), 6);
    int subVendor = number(Field.DEVICE_SUBSYSTEM_VENDOR);
    int subDevice = number(Field.DEVICE_SUBSYSTEM_DEVICE);
    if (subVendor != 0 || subDevice != 0) {
      hex(d.append(" subsystem 0x"), subVendor, 4);
      hex(d.append(":0x"), subDevice, 4);
    }
    if (device.driver().isPresent()) {
      d.append(" driver \"").append(device.driver().get()).append('"');
    }
    if (pci.bridge()) {
      d.append(" (a bridge)");
    }
    if (!pci.upstreamBridges().isEmpty()) {
      d.append(" below ").append(String.join(", ", pci.upstreamBridges().stream().map(Object::toString).toList()));
    }
    return d.append(" in group ").append(group);
  }

  /** A device field's number, read as the interpreter reads it. */
  private int number(Field field) {
    return (int) field.readLong(kernel, device, group, region, guest);
  }

  private StringBuilder regionLine(StringBuilder r) {
    r.append("region ").append(region.type().resvName()).append(' ');
    hex16(r, region.start()).append("..");
    hex16(r, region.end()).append(" from ").append(region.source().resvName()).append(", prot ").append(region.prot());
    if (region.isInverted()) {
      r.append(" (covers no address)");
    }
    return r;
  }

  private StringBuilder guestLine(StringBuilder g) {
    if (guest == null) {
      return g.append("no guest range (the region overlaps none)");
    }
    g.append("guest range \"").append(guest.name()).append("\" ").append(guest.kind().resvName()).append(' ');
    hex16(g, guest.range().start()).append("..");
    return hex16(g, guest.range().end());
  }

  // Lint output can carry hundreds of thousands of witnesses: digits are written straight into the text
  // (String.format and U64.hex16 cost more than the rest of a finding).

  /** "00" to "ff". */
  private static final String[] BYTES = new String[256];

  static {
    for (int i = 0; i < 256; i++) {
      BYTES[i] = (i < 16 ? "0" : "") + Integer.toHexString(i);
    }
  }

  /** {@code String.format("%0<width>x", v)}, for widths up to 8. */
  private static StringBuilder hex(StringBuilder b, int v, int width) {
    int digits = Math.max(width, Math.max(1, 8 - Integer.numberOfLeadingZeros(v) / 4));
    if ((digits & 1) != 0) {
      b.append(BYTES[(v >>> (4 * (digits - 1))) & 0xf].charAt(1));
      digits--;
    }
    for (int shift = 4 * digits - 8; shift >= 0; shift -= 8) {
      b.append(BYTES[(v >>> shift) & 0xff]);
    }
    return b;
  }

  /** {@link U64#hex16}: {@code 0x} and 16 digits. */
  private static StringBuilder hex16(StringBuilder b, long v) {
    b.append("0x");
    for (int shift = 56; shift >= 0; shift -= 8) {
      b.append(BYTES[(int) (v >>> shift) & 0xff]);
    }
    return b;
  }
}
