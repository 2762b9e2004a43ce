package dev.resvc.cli;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.vmm.LibvirtDomainReader;
import dev.resvc.runtime.vmm.QemuCommandLineReader;
import dev.resvc.runtime.vmm.VmDefinition;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The VM whose start {@code check} answers for, as its manager defines it: a libvirt domain or a QEMU
 * command line. It replaces {@code --guest} (the machine type and RAM decide the map) and {@code
 * --group} (its assigned devices decide the groups).
 */
final class VmOptions {
  @Option(names = "--domain", paramLabel = "FILE",
      description = "A libvirt domain XML (virsh dumpxml NAME), or - for standard input: answer whether it would"
          + " start, for exactly the IOMMU groups of its <hostdev> and <interface type='hostdev'> devices, with"
          + " the guest map of its machine type and RAM.")
  String domain;

  @Option(names = "--qemu-cmdline", paramLabel = "FILE",
      description = "A QEMU command line as written in a script (-machine, -m, -device vfio-pci,host=...), or -"
          + " for standard input: as --domain.")
  String qemuCmdline;

  /** The VM given, read; empty when neither option was. Contradicting options are a usage error. */
  Optional<VmDefinition> read(ParseResult parsed, HostAndGuestOptions where, Integer onlyGroup)
      throws InputException, UsageException {
    if (domain != null && qemuCmdline != null) {
      throw new UsageException("--domain and --qemu-cmdline contradict each other: give one VM");
    }
    String arg = domain != null ? domain : qemuCmdline;
    if (arg == null) {
      return Optional.empty();
    }
    String option = domain != null ? "--domain" : "--qemu-cmdline";
    if (parsed.hasMatchedOption("--guest")) {
      throw new UsageException("--guest and " + option + " contradict each other: the VM's machine type and RAM"
          + " decide the guest");
    }
    if (onlyGroup != null) {
      throw new UsageException("--group and " + option + " contradict each other: the VM's devices decide the groups");
    }
    if (arg.equals("-") && Stream.of(where.dmar, where.ivrs, where.iort).anyMatch("-"::equals)) {
      throw new UsageException("only one of " + option + ", --dmar, --ivrs and --iort can read standard input ('-')");
    }
    String name = Inputs.displayName(arg);
    return Optional.of(domain != null
        ? LibvirtDomainReader.read(Inputs.textBytes(arg, System.in), name)
        : QemuCommandLineReader.read(Inputs.text(arg, System.in), name));
  }
}
