package dev.resvc.cli;

import dev.resvc.runtime.host.SnapshotWriter;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resvc snapshot}: save what resvc reads from sysfs, to attach to a bug report. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Save the parts of sysfs that resvc reads into a directory, for a bug report or a later check.",
      "",
      "PCI devices (ids, class, driver, the bridge nesting), IOMMU groups (reserved_regions, type, members)",
      "and the raw DMAR/IVRS/IORT tables when readable (they are root-only), in the same layout; the kernel's",
      "facts: /proc/sys/kernel/osrelease, /proc/cmdline and /proc/interrupts under proc/, the",
      "allow_unsafe_interrupts module parameters, /sys/class/iommu, the MADT (APIC). Plain files",
      "and relative links that stay inside the directory, so it can be tarred and attached to a bug report,",
      "then read with 'resvc host DIR'. A machine with the IOMMU off is saved too, with a warning."
    },
    exitCodeListHeading = HelpText.EXIT_HEADING,
    exitCodeList = {
      "0:saved (also when no IOMMU group was found: a warning says so)",
      HelpText.BAD_INPUT,
      HelpText.INTERNAL_ERROR
    },
    footerHeading = HelpText.EXAMPLES_HEADING,
    footer = {
      "  sudo bin/resvc snapshot my-host     (root, to include the firmware tables)",
      "  bin/resvc snapshot --sysfs examples/hosts/hp-proliant-dl360-g7 copy"
    })
final class SnapshotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--sysfs", defaultValue = "/sys", paramLabel = "DIR",
      description = "The sysfs to read (default: ${DEFAULT-VALUE}); another snapshot works too.")
  Path sysfs;

  @Parameters(index = "0", paramLabel = "OUT", description = "Directory to create; must not exist or be empty.")
  Path out;

  @Override
  public Integer call() throws InputException {
    Read<SysfsSnapshot> source = SnapshotWriter.write(sysfs, out);
    PrintWriter err = spec.commandLine().getErr();
    Output.notes(err, source.notes());
    SysfsSnapshot written = SysfsReader.read(out).value();
    if (written.groups().isEmpty()) {
      // a valid snapshot, but one that every check will find nothing assignable in: say so now
      err.println(InputNote.warning(out.toString(), Position.whole(), "no IOMMU groups saved: the IOMMU is off or "
          + "absent on this machine (or it is a VM without a virtual IOMMU), so nothing in it can be assigned").render());
    }
    // only these three are read, so "none" would wrongly suggest the firmware has no ACPI tables at all
    err.println("resvc: wrote " + out + ": " + written.devices().size() + " PCI devices, "
        + written.groups().size() + " IOMMU groups, "
        + (written.acpiTables().isEmpty() ? "no DMAR, IVRS or IORT table"
            : "ACPI tables: " + String.join(", ", written.acpiTables().keySet()))
        + ", kernel release " + written.kernelFacts().release().map(r -> r.version()).orElse("not recorded"));
    return Main.OK;
  }
}
