package dev.resvc.compiler.analysis;

import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestRange;
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
      StringBuilder d = new StringBuilder("device ").append(device.address())
          .append(String.format(" vendor 0x%04x device_id 0x%04x class 0x%06x", device.vendor(), device.deviceId(),
              device.classCode()));
      if (device.subsystemVendor() != 0 || device.subsystemDevice() != 0) {
        d.append(String.format(" subsystem 0x%04x:0x%04x", device.subsystemVendor(), device.subsystemDevice()));
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

  /** {@code describe()} joined with "; ". */
  public String text() {
    return String.join("; ", describe());
  }
}
