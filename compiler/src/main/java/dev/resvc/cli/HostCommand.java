package dev.resvc.cli;

import dev.resvc.cli.render.KernelFactsFormat;
import dev.resvc.compiler.json.Json;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.PlatformDevice;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.range.U64;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc host}: what a machine's IOMMU groups and reserved regions look like. */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = {
      "Show a host's IOMMU groups: their devices (with class names and drivers) and reserved regions.",
      "",
      "With firmware tables (the host's own DMAR, IVRS or IORT, readable as root, or --dmar, --ivrs,",
      "--iort FILE) each device's regions are rebuilt as the Intel, AMD or Arm driver builds them, and",
      "every line on which that differs from the kernel's reserved_regions is reported on standard",
      "error. Without one, or with --regions sysfs, the regions are the sysfs lines.",
      "",
      "The kernel block shows what the host tells about its kernel: release, IOMMU driver, command",
      "line, whether MSIs are isolated (and the evidence), allow_unsafe_interrupts, AMD EFR2."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:shown (differences from sysfs are warnings, not a failure)",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  bin/resvc host examples/hosts/hp-proliant-dl360-g7",
      "  bin/resvc host              (this machine's /sys)"
    })
final class HostCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", defaultValue = "/sys",
      description = "/sys (the default) or a snapshot directory made by 'resvc snapshot'.")
  Path path;

  @Option(names = "--dmar", paramLabel = "FILE",
      description = "An Intel DMAR table to use instead of the host's own tables.")
  String dmar;

  @Option(names = "--ivrs", paramLabel = "FILE",
      description = "An AMD IVRS table to use instead of the host's own tables.")
  String ivrs;

  @Option(names = "--iort", paramLabel = "FILE",
      description = "An Arm IORT table to use instead of the host's own tables.")
  String iort;

  @Option(names = "--regions", defaultValue = "firmware", paramLabel = "FROM",
      description = "firmware (the default: rebuilt from the tables when there are any) or sysfs (the lines the"
          + " running kernel printed, as they are).")
  HostLoader.RegionsFrom regions;

  @Option(names = "--format", defaultValue = "text", description = "text or json.")
  Format format;

  @Override
  public Integer call() throws InputException, UsageException {
    HostLoader.Loaded loaded = HostLoader.load(path, HostLoader.TableFiles.of(dmar, ivrs, iort), regions);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Output.notes(err, loaded.notes());
    if (format == Format.json) {
      out.println(json(loaded));
    } else {
      text(loaded, out);
    }
    return Main.OK;
  }

  private static void text(HostLoader.Loaded loaded, PrintWriter out) {
    Host host = loaded.host();
    out.println("host " + host.name() + ": " + host.devices().size() + " PCI devices, "
        + host.groups().size() + " IOMMU groups");
    out.println();
    out.println("kernel");
    KernelFactsFormat.text(host.kernel()).forEach(line -> out.println("  " + line));
    if (host.groups().isEmpty()) {
      out.println();
      out.println("No IOMMU groups: the IOMMU is off, absent, or this is a VM without a virtual IOMMU.");
      out.println("  Intel: enable VT-d in the firmware setup and boot with intel_iommu=on.");
      out.println("  AMD: enable IOMMU / AMD-Vi in the firmware setup (on by default in Linux when present).");
      out.println("  Arm: boot with ACPI and an IORT that describes the SMMU (or a device tree with iommus).");
      out.println("  QEMU guest: add a virtual IOMMU (-device intel-iommu, or virtio-iommu-pci).");
      out.println("Devices found:");
      for (PciDevice d : host.devices()) {
        out.println("  " + deviceLine(d));
      }
      return;
    }
    out.println();
    out.println("regions from " + loaded.regionsFrom());
    String linesFrom = linesFrom(loaded);
    for (IommuGroup group : host.groups()) {
      out.println();
      out.println("group " + group.id() + group.domainType().map(t -> "  type " + t).orElse(""));
      for (IommuGroup.Member m : group.members()) {
        out.println("  " + deviceLine(m.device()));
        for (Region r : m.regions()) {
          out.println("      " + r.toSysfsLine() + "  (" + r.source() + ")");
        }
      }
      out.println("  reserved_regions (" + linesFrom + "):");
      List<Region> merged = HostBuilder.mergedRegions(group);
      if (merged.isEmpty()) {
        out.println("    (none)");
      }
      for (Region r : merged) {
        out.println("    " + r.toSysfsLine());
      }
    }
  }

  /** How each group's lines were had: "from sysfs" or "rebuilt from DMAR" (or IVRS, IORT). */
  private static String linesFrom(HostLoader.Loaded loaded) {
    return loaded.firmware().isEmpty() ? "from sysfs" : "rebuilt from " + String.join("/", loaded.firmware().signatures());
  }

  /**
   * One line for a device: a PCI function's address, ids and class; another device's name, bus and
   * the ACPI object firmware names it by (with the ancestor it belongs to when not its own).
   */
  static String deviceLine(Device device) {
    if (device instanceof PciDevice d) {
      return d.address() + String.format("  %04x:%04x  ", d.vendor(), d.deviceId())
          + PciClasses.name(d.classCode()) + String.format(" [%06x]", d.classCode())
          + d.driver().map(n -> "  driver " + n).orElse("");
    }
    PlatformDevice p = (PlatformDevice) device;
    return p.name() + "  " + p.bus() + " device"
        + p.acpiNode().map(n -> "  ACPI " + n.path() + (n.hid().isEmpty() ? "" : " " + n.hid())
            + n.uid().map(u -> " uid " + u).orElse("") + n.owner().map(o -> " (of " + o + ")").orElse("")).orElse("")
        + p.driver().map(n -> "  driver " + n).orElse("");
  }

  private static Json.Obj json(HostLoader.Loaded loaded) {
    Host host = loaded.host();
    Json.Arr devices = Json.array();
    host.devices().forEach(d -> devices.add(deviceJson(d)));
    Json.Arr platformDevices = Json.array();
    Json.Arr groups = Json.array();
    for (IommuGroup g : host.groups()) {
      Json.Arr members = Json.array();
      for (IommuGroup.Member m : g.members()) {
        Json.Arr regions = Json.array();
        m.regions().forEach(r -> regions.add(regionJson(r)));
        members.add(Json.object().put("device", m.device().name()).put("regions", regions));
        if (m.device() instanceof PlatformDevice p) {
          platformDevices.add(platformDeviceJson(p));
        }
      }
      Json.Arr merged = Json.array();
      HostBuilder.mergedRegions(g).forEach(r -> merged.add(regionJson(r)));
      groups.add(Json.object()
          .put("id", g.id())
          .put("type", g.domainType().orElse(null))
          .put("members", members)
          .put("reserved_regions", merged)
          .put("reserved_regions_from", loaded.firmware().isEmpty() ? "sysfs" : "firmware"));
    }
    return JsonDocument.host.start()
        .put("host", host.name())
        .put("regions_from", loaded.regionsFrom())
        .put("kernel", KernelFactsFormat.json(host.kernel()))
        .put("devices", devices)
        .put("platform_devices", platformDevices)
        .put("groups", groups);
  }

  static Json.Obj deviceJson(PciDevice d) {
    Json.Arr bridges = Json.array();
    d.upstreamBridges().forEach(b -> bridges.add(b.toString()));
    return Json.object()
        .put("address", d.address().toString())
        .put("vendor", String.format("0x%04x", d.vendor()))
        .put("device_id", String.format("0x%04x", d.deviceId()))
        .put("subsystem_vendor", String.format("0x%04x", d.subsystemVendor()))
        .put("subsystem_device", String.format("0x%04x", d.subsystemDevice()))
        .put("class", String.format("0x%06x", d.classCode()))
        .put("class_name", PciClasses.name(d.classCode()))
        .put("driver", d.driver().orElse(null))
        .put("bridge", d.bridge())
        .put("upstream_bridges", bridges);
  }

  /** A group member that is not PCI: its name, bus, driver and ACPI object. */
  static Json.Obj platformDeviceJson(PlatformDevice p) {
    return Json.object()
        .put("name", p.name())
        .put("bus", p.bus())
        .put("driver", p.driver().orElse(null))
        .put("acpi", p.acpiNode().map(n -> Json.object()
            .put("path", n.path())
            .put("hid", n.hid())
            .put("uid", n.uid().orElse(null))
            .put("owner", n.owner().orElse(null))).orElse(null));
  }

  static Json.Obj regionJson(Region r) {
    return Json.object()
        .put("start", U64.hex16(r.start()))
        .put("end", U64.hex16(r.end()))
        .put("length", U64.hex(r.length()))
        .put("type", r.type().resvName())
        .put("sysfs", r.toSysfsLine())
        .put("source", r.source().resvName())
        .put("prot", r.prot().names());
  }
}
