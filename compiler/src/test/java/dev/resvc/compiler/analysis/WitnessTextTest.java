package dev.resvc.compiler.analysis;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.check.Section;
import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Witness text is written digit by digit for speed; it must read exactly as the String.format spelling. */
class WitnessTextTest {
  private static String expected(Witness w) {
    List<String> out = new ArrayList<>();
    PciDevice device = (PciDevice) w.device();
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
      d.append(" in group ").append(w.group());
      out.add(d.toString());
    }
    Region region = w.region();
    StringBuilder r = new StringBuilder("region ").append(region.type().resvName()).append(' ')
        .append(U64.hex16(region.start())).append("..").append(U64.hex16(region.end()))
        .append(" from ").append(region.source().resvName()).append(", prot ").append(region.prot());
    if (region.isInverted()) {
      r.append(" (covers no address)");
    }
    out.add(r.toString());
    if (w.section() == Section.CONFLICTS) {
      GuestRange guest = w.guest();
      out.add(guest == null ? "no guest range (the region overlaps none)"
          : "guest range \"" + guest.name() + "\" " + guest.kind().resvName() + " " + U64.hex16(guest.range().start())
              + ".." + U64.hex16(guest.range().end()));
    }
    return String.join("; ", out);
  }

  @Test
  void theTextIsTheFormattedOne() {
    Random r = new Random(3);
    int[] small = {0, 1, 0xf, 0x10, 0xabc, 0xffff};
    long[] addresses = {0, 1, 0xfee0_0000L, 0x1_0000_0000L, Long.MIN_VALUE, -1L, -2L};
    for (int k = 0; k < 2000; k++) {
      Region region = new Region(addresses[r.nextInt(addresses.length)], addresses[r.nextInt(addresses.length)],
          RegionType.values()[r.nextInt(RegionType.values().length)], new Prot(r.nextInt(64)),
          RegionSource.values()[r.nextInt(RegionSource.values().length)]);
      Witness w;
      if (r.nextBoolean()) {
        PciDevice d = new PciDevice(PciAddress.of(r.nextInt(0x10000), r.nextInt(256), r.nextInt(32), r.nextInt(8)),
            small[r.nextInt(small.length)], small[r.nextInt(small.length)], r.nextInt(3) == 0 ? 0x1234 : 0,
            r.nextInt(3) == 0 ? 0xab : 0, r.nextBoolean() ? 0xffffff : r.nextInt(0x1000000),
            r.nextBoolean() ? Optional.empty() : Optional.of("drv"), r.nextBoolean(),
            r.nextBoolean() ? List.of() : List.of(PciAddress.of(0, 0, 0x1c, 0)));
        w = new Witness(Section.CLASSIFY, TargetKernel.newest(), d, r.nextInt(5), region, null);
      } else {
        GuestRange g = r.nextBoolean() ? null
            : new GuestRange("g", GuestKind.values()[r.nextInt(GuestKind.values().length)],
                new AddressRange(0, addresses[r.nextInt(addresses.length)]));
        w = new Witness(Section.CONFLICTS, TargetKernel.newest(), null, -1, region, g);
      }
      assertThat(w.text()).isEqualTo(expected(w));
      assertThat(String.join("; ", w.describe())).isEqualTo(expected(w));
    }
  }
}
