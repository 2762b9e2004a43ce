package dev.resvc.runtime.host;

import dev.resvc.runtime.firmware.MadtReader;
import dev.resvc.runtime.firmware.MadtTable;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.kernel.PciDmaAliases.BridgeKind;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads an {@link ArmPlatform} from a sysfs tree (live or a snapshot):
 *
 * <ul>
 *   <li>The page size from {@code kernel/mm/transparent_hugepage/hpage_pmd_size}: the kernel prints
 *       {@code HPAGE_PMD_SIZE} there ({@code hpage_pmd_size_show}, mm/huge_memory.c, since 2016),
 *       which is {@code PAGE_SIZE * PAGE_SIZE / 8} on arm64: 2 MiB with 4 KiB pages, 32 MiB with 16
 *       KiB, 512 MiB with 64 KiB. It is a file anyone may read, present whenever the kernel has
 *       transparent huge pages (arm64 distribution kernels do), and a snapshot copies it. Without it
 *       the page size is unknown and the builder assumes 4 KiB, saying so where it matters.
 *   <li>The MADT, {@code firmware/acpi/tables/APIC} (root-only live; {@link KernelFactsReader} copies
 *       it into snapshots).
 *   <li>Each PCI bridge's kind from its {@code config} file: the PCI Express capability's
 *       Device/Port Type ({@code pci_pcie_type}), or no such capability ({@code !pci_is_pcie}). Only
 *       root may read past the first 64 bytes of config space, so a bridge whose capability list
 *       leads beyond what was read stays unknown.
 * </ul>
 *
 * What was read is returned too, for {@link SnapshotWriter} to copy.
 */
final class ArmPlatformReader {
  static final String HPAGE_PMD_SIZE = "kernel/mm/transparent_hugepage/hpage_pmd_size";

  /** {@code PCI_STATUS} and its {@code PCI_STATUS_CAP_LIST} bit. */
  private static final int STATUS = 0x06;
  private static final int STATUS_CAP_LIST = 0x10;
  /** {@code PCI_CAPABILITY_LIST}: the first capability's offset. */
  private static final int CAPABILITY_LIST = 0x34;
  /** {@code PCI_CAP_ID_EXP}. */
  private static final int CAP_ID_EXP = 0x10;
  /** The standard header: the capability list starts at or after it. */
  private static final int HEADER = 0x40;
  /** {@code PCI_FIND_CAP_TTL}: the kernel follows at most 48 capabilities. */
  private static final int CAP_TTL = 48;
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}");

  /** The platform and the files it was read from (path below the real root → bytes). */
  record Result(ArmPlatform platform, Map<String, byte[]> files) {}

  private ArmPlatformReader() {}

  /** The platform of the tree at {@code snapshot}'s root. */
  static Read<ArmPlatform> read(SysfsSnapshot snapshot) throws InputException {
    Read<Result> read = read(SysfsTree.open(snapshot.root()), snapshot.devices());
    return new Read<>(read.value().platform(), read.notes());
  }

  /**
   * Reads the platform of {@code tree} whose PCI devices are {@code devices}.
   *
   * @throws InputException for an {@code hpage_pmd_size} that is not a decimal number, or a file that
   *     is not a regular file of bounded size or leads out of the tree
   */
  static Read<Result> read(SysfsTree tree, List<PciDevice> devices) throws InputException {
    List<InputNote> notes = new ArrayList<>();
    Map<String, byte[]> files = new LinkedHashMap<>();
    Optional<Long> pageSize = pageSize(tree, files, notes);
    Optional<MadtTable> madt = madt(tree, notes);
    Map<PciAddress, BridgeKind> kinds = new TreeMap<>();
    for (PciDevice d : devices) {
      if (d.bridge()) {
        bridgeKind(tree, d.address(), files).ifPresent(k -> kinds.put(d.address(), k));
      }
    }
    return new Read<>(new Result(new ArmPlatform(pageSize, madt, kinds), files), notes);
  }

  private static Optional<Long> pageSize(SysfsTree tree, Map<String, byte[]> files, List<InputNote> notes)
      throws InputException {
    Optional<Path> real = tree.find(HPAGE_PMD_SIZE);
    if (real.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = tree.read(HPAGE_PMD_SIZE, real.get(), InputLimits.SYSFS_FILE);
    files.put(relative(tree, real.get()), bytes);
    String text = new String(bytes, StandardCharsets.ISO_8859_1).strip();
    if (!DECIMAL.matcher(text).matches()) {
      throw new InputException(tree.name(HPAGE_PMD_SIZE), Position.whole(),
          "'" + MessageText.clean(text) + "' is not a size in bytes as the kernel prints it (e.g. 2097152)");
    }
    long pmd;
    try {
      pmd = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new InputException(tree.name(HPAGE_PMD_SIZE), Position.whole(), "'" + text + "' is too large", e);
    }
    Optional<Long> page = switch ((int) Math.min(pmd, Integer.MAX_VALUE)) {
      case 2 << 20 -> Optional.of(4L << 10);
      case 32 << 20 -> Optional.of(16L << 10);
      case 512 << 20 -> Optional.of(64L << 10);
      default -> Optional.empty();
    };
    if (page.isEmpty()) {
      notes.add(InputNote.note(tree.name(HPAGE_PMD_SIZE), Position.whole(), pmd + " is not an arm64 PMD size"
          + " (2 MiB, 32 MiB or 512 MiB with 4, 16 or 64 KiB pages): the kernel's page size stays unknown"));
    }
    return page;
  }

  /** The MADT for its ITS bases; an unreadable or undecodable one is a note, as for MSI isolation. */
  private static Optional<MadtTable> madt(SysfsTree tree, List<InputNote> notes) throws InputException {
    Optional<Path> real = tree.find(KernelFactsReader.MADT);
    if (real.isEmpty()) {
      return Optional.empty();
    }
    String name = tree.name(KernelFactsReader.MADT);
    try {
      return Optional.of(MadtReader.read(tree.read(KernelFactsReader.MADT, real.get(), InputLimits.ACPI_TABLE), name)
          .value());
    } catch (InputException e) {
      if (e.getCause() != null && !(e.getCause() instanceof AccessDeniedException)) {
        throw e;
      }
      // KernelFactsReader has already noted an unreadable or undecodable MADT.
      return Optional.empty();
    }
  }

  /**
   * The bridge's kind from its config space, or empty when the bytes read do not tell (no {@code
   * config} file, fewer than 64 bytes, a capability beyond what was read, a looping list).
   */
  private static Optional<BridgeKind> bridgeKind(SysfsTree tree, PciAddress bridge, Map<String, byte[]> files)
      throws InputException {
    String rel = SysfsReader.PCI_DEVICES + "/" + bridge + "/config";
    Optional<Path> real = tree.find(rel);
    if (real.isEmpty()) {
      return Optional.empty();
    }
    byte[] config;
    try {
      config = tree.read(rel, real.get(), InputLimits.SYSFS_FILE);
    } catch (InputException e) {
      if (e.getCause() instanceof AccessDeniedException) {
        return Optional.empty();
      }
      throw e;
    }
    files.put(relative(tree, real.get()), config);
    return kind(config);
  }

  /** {@code pci_find_capability(dev, PCI_CAP_ID_EXP)} and {@code pci_pcie_type} over the bytes read. */
  static Optional<BridgeKind> kind(byte[] config) {
    if (config.length < HEADER) {
      return Optional.empty();
    }
    if ((config[STATUS] & STATUS_CAP_LIST) == 0) {
      return Optional.of(BridgeKind.CONVENTIONAL);
    }
    int pos = config[CAPABILITY_LIST] & 0xfc;
    for (int ttl = CAP_TTL; ttl > 0 && pos >= HEADER; ttl--) {
      if (pos + 2 >= config.length) {
        return Optional.empty();
      }
      int id = config[pos] & 0xff;
      if (id == 0xff) {
        return Optional.of(BridgeKind.CONVENTIONAL);
      }
      if (id == CAP_ID_EXP) {
        int type = (config[pos + 2] >>> 4) & 0xf;
        return Optional.of(switch (type) {
          case 0x7 -> BridgeKind.PCIE_TO_PCI; // PCI_EXP_TYPE_PCI_BRIDGE
          case 0x8 -> BridgeKind.PCI_TO_PCIE; // PCI_EXP_TYPE_PCIE_BRIDGE
          default -> BridgeKind.PCIE_PORT; // root, upstream, downstream port; other types add no alias either
        });
      }
      pos = config[pos + 1] & 0xfc;
    }
    return Optional.of(BridgeKind.CONVENTIONAL); // the list ended, or looped past the kernel's TTL

  }

  private static String relative(SysfsTree tree, Path real) {
    return tree.realRoot().relativize(real).toString();
  }
}
