package dev.resvc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.resvc.cli.render.DmarFormat;
import dev.resvc.cli.render.IortFormat;
import dev.resvc.cli.render.IvrsFormat;
import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.IortReader;
import dev.resvc.runtime.firmware.IvrsReader;
import dev.resvc.runtime.host.Firmware;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.VfioIovaList;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.range.AddressRange;
import java.util.ArrayList;
import java.util.List;

/**
 * The ACPI table readers, fed arbitrary bytes and then taken as far as {@code resvc host} and {@code
 * resvc check} take a table: decoded strictly and leniently, printed as text and JSON, bound to an
 * example host's devices by the vendor's region builder, each group's regions merged and attached to
 * a VFIO container. A refusal must be an {@link InputException} in one clean line; any other
 * exception, an {@link Error}, or a call that runs for seconds is a finding.
 *
 * <p>Seeds: the corpus tables of {@code ../shared/corpus} and the example hosts' tables, in {@code
 * src/test/resources/dev/resvc/fuzz/AcpiTableFuzzTestInputs/<target>/}.
 */
class AcpiTableFuzzTest {
  private static final String SOURCE = "fuzzed-table";

  @FuzzTest
  void dmar(byte[] data) {
    decode(data, ExampleHost.INTEL, (bytes, strict) -> {
      var read = DmarReader.read(bytes, SOURCE, strict);
      DmarFormat.text(read.value());
      DmarFormat.json(read.value()).toString();
      return new Read<>(Firmware.none().withDmar(read.value(), SOURCE), read.notes());
    });
  }

  @FuzzTest
  void ivrs(byte[] data) {
    decode(data, ExampleHost.AMD, (bytes, strict) -> {
      var read = IvrsReader.read(bytes, SOURCE, strict);
      IvrsFormat.text(read.value());
      IvrsFormat.json(read.value()).toString();
      return new Read<>(Firmware.none().withIvrs(read.value(), SOURCE), read.notes());
    });
  }

  @FuzzTest
  void iort(byte[] data) {
    decode(data, ExampleHost.ARM, (bytes, strict) -> {
      var read = IortReader.read(bytes, SOURCE, strict);
      IortFormat.text(read.value());
      IortFormat.json(read.value()).toString();
      return new Read<>(Firmware.none().withIort(read.value(), SOURCE), read.notes());
    });
  }

  /** One reader and its formats: the bytes as the firmware of a host. */
  @FunctionalInterface
  private interface Decoder {
    Read<Firmware> decode(byte[] data, boolean strict) throws InputException;
  }

  /** The example snapshots whose devices and groups a fuzzed table is bound to, read once per JVM. */
  private enum ExampleHost {
    INTEL("hp-proliant-dl360-g7"),
    AMD("mechrevo-wujie14"),
    ARM("radxa-orion-o6");

    private final String name;
    private SysfsSnapshot snapshot;

    ExampleHost(String name) {
      this.name = name;
    }

    synchronized SysfsSnapshot snapshot() {
      if (snapshot == null) {
        snapshot = ExampleHosts.snapshot(name);
      }
      return snapshot;
    }
  }

  private static void decode(byte[] data, ExampleHost host, Decoder decoder) {
    try {
      decoder.decode(data, true);
    } catch (InputException e) {
      Refusals.requireOneCleanLine(e);
    }
    Read<Firmware> read;
    try {
      read = decoder.decode(data, false);
    } catch (InputException e) {
      Refusals.requireOneCleanLine(e);
      return;
    }
    Firmware firmware = read.value();
    Read<Host> rebuilt = HostBuilder.withFirmware(host.snapshot(), host.name, firmware);
    Host built = rebuilt.value();
    List<InputNote> notes = new ArrayList<>(read.notes());
    notes.addAll(rebuilt.notes());
    AddressRange aperture = firmware.aperture();
    for (IommuGroup group : built.groups()) {
      VfioIovaList.attachGroup(aperture, HostBuilder.mergedRegions(group)).validRanges();
    }
    Refusals.requireCleanNotes(notes);
  }
}
