package dev.resvc.runtime.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@code firmware/memmap/N/{start,end,type}} as drivers/firmware/memmap.c prints them. */
final class MemmapFixture {
  private final Path dir;
  private int next;

  MemmapFixture(Path sysfsRoot) throws IOException {
    this.dir = Files.createDirectories(sysfsRoot.resolve(FirmwareMemoryMap.DIR));
  }

  /** The next entry, {@code end} inclusive, printed {@code "0x%llx\n"}. */
  MemmapFixture entry(long start, long end, String type) throws IOException {
    return raw(Integer.toString(next++), "0x" + Long.toHexString(start) + "\n", "0x" + Long.toHexString(end) + "\n",
        type + "\n");
  }

  /** An entry directory with the given file contents, written as they are. */
  MemmapFixture raw(String name, String start, String end, String type) throws IOException {
    Path e = Files.createDirectories(dir.resolve(name));
    Files.writeString(e.resolve("start"), start);
    Files.writeString(e.resolve("end"), end);
    Files.writeString(e.resolve("type"), type);
    return this;
  }

  /**
   * The E820 entries around the RMRR of bugzilla.kernel.org 216443, as the "Allow NVS regions in
   * arch_rmrr_sanity_check()" patch quotes them: "BIOS-e820: [mem 0x0000000068bff000-0x000000006ebfefff]
   * reserved", "[mem 0x000000006ebff000-0x000000006f9fefff] ACPI NVS", "[mem
   * 0x000000006f9ff000-0x000000006fffefff] ACPI data" (the memmap names them with e820_type_to_string);
   * the RMRR is [0x6f760000-0x6f762fff].
   */
  static MemmapFixture bugzilla216443(Path sysfsRoot) throws IOException {
    return new MemmapFixture(sysfsRoot)
        .entry(0x68bff000L, 0x6ebfefffL, FirmwareMemoryMap.RESERVED)
        .entry(0x6ebff000L, 0x6f9fefffL, FirmwareMemoryMap.ACPI_NVS)
        .entry(0x6f9ff000L, 0x6fffefffL, "ACPI Tables");
  }
}
