package dev.resvc.cli;

import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.input.InputException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The host and guest options of the commands that evaluate a policy ({@code check}, {@code explain}). */
final class HostAndGuestOptions {
  @Option(names = "--host", defaultValue = "/sys", paramLabel = "PATH",
      description = "/sys (the default) or a snapshot made by 'resvc snapshot'.")
  Path host;

  @Option(names = "--dmar", paramLabel = "FILE", description = "A DMAR table to use instead of the host's own.")
  String dmar;

  @Option(names = "--ivrs", paramLabel = "FILE", description = "An IVRS table to use instead of the host's own.")
  String ivrs;

  @Option(names = "--iort", paramLabel = "FILE", description = "An IORT table to use instead of the host's own.")
  String iort;

  @Option(names = "--regions", defaultValue = "firmware", paramLabel = "FROM",
      description = "firmware (the default: rebuilt from the tables when there are any) or sysfs (the lines the"
          + " running kernel printed).")
  HostLoader.RegionsFrom regions;

  @Option(names = "--guest", defaultValue = "q35", paramLabel = "SPEC",
      description = "q35, pc or virt with an optional ,ram=SIZE (default ${DEFAULT-VALUE}, 4G of RAM), or a layout file.")
  String guest;

  HostLoader.Loaded loadHost() throws InputException, UsageException {
    return HostLoader.load(host, HostLoader.TableFiles.of(dmar, ivrs, iort), regions);
  }

  GuestLayout guestLayout() throws InputException, UsageException {
    return PolicyInput.guest(guest);
  }
}
