package dev.resvc.compiler.analysis;

import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * A concrete input that demonstrates a finding: in {@code classify} a device, its group and a region;
 * in {@code conflicts} a region and the guest range it is checked against ({@code null} when none).
 */
public record Witness(Section section, PciDevice device, int group, Region region, GuestRange guest) {
  /** The facts the interpreter evaluates conditions on. */
  public Interpreter.Facts facts() {
    return section == Section.CLASSIFY
        ? new Interpreter.Facts(device, group, region, null)
        : new Interpreter.Facts(null, -1, region, guest);
  }

  /** One line per part, in the words of the policy language. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    if (device != null) {
      PciAddress a = device.address();
      StringBuilder d = new StringBuilder("device ");
      hex(d, a.segment(), 4).append(':');
      hex(d, a.bus(), 2).append(':');
      hex(d, a.device(), 2).append('.');
      hex(d, a.function(), 1);
      hex(d.append(" vendor 0x"), device.vendor(), 4);
      hex(d.append(" device_id 0x"), device.deviceId(), 4);
      hex(d.append(" class 0x"), device.classCode(), 6);
      if (device.subsystemVendor() != 0 || device.subsystemDevice() != 0) {
        hex(d.append(" subsystem 0x"), device.subsystemVendor(), 4);
        hex(d.append(":0x"), device.subsystemDevice(), 4);
      }
      device.driver().ifPresent(drv -> d.append(" driver \"").append(drv).append('"'));
      if (device.bridge()) {
        d.append(" (a bridge)");
      }
      if (!device.upstreamBridges().isEmpty()) {
        d.append(" below ").append(String.join(", ", device.upstreamBridges().stream().map(Object::toString).toList()));
      }
      d.append(" in group ").append(group);
      out.add(d.toString());
    }
    StringBuilder r = new StringBuilder("region ").append(region.type().resvName()).append(' ')
        .append(U64.hex16(region.start())).append("..").append(U64.hex16(region.end()))
        .append(" from ").append(region.source().resvName()).append(", prot ").append(region.prot());
    if (region.isInverted()) {
      r.append(" (covers no address)");
    }
    out.add(r.toString());
    if (section == Section.CONFLICTS) {
      out.add(guest == null ? "no guest range (the region overlaps none)"
          : "guest range \"" + guest.name() + "\" " + guest.kind().resvName() + " " + U64.hex16(guest.range().start())
              + ".." + U64.hex16(guest.range().end()));
    }
    return out;
  }

  /** {@code String.format("%0<width>x", v)}, which this is called often enough to be worth avoiding. */
  private static StringBuilder hex(StringBuilder b, int v, int width) {
    String digits = Integer.toHexString(v);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }

  /** {@code describe()} joined with "; ". */
  public String text() {
    return String.join("; ", describe());
  }
}
