package dev.resvc.runtime.vmm;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.ByteSize;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a libvirt domain XML (libvirt docs/formatdomain.rst) into a {@link VmDefinition}: the
 * memory ({@code <memory>}, NUMA cells, memory devices), the machine ({@code <os><type arch
 * machine>}), the CPU, and every PCI function given to VFIO ({@code <hostdev mode='subsystem'
 * type='pci'>} and SR-IOV {@code <interface type='hostdev'>}), plus QEMU options passed through
 * {@code <qemu:commandline>}. Unknown elements are ignored, as libvirt's own parser does.
 *
 * <p>The XML is hostile until read: the parser refuses a DOCTYPE before reading it, so no entity is
 * ever declared or expanded (no XXE, no billion laughs) and nothing outside the bytes is fetched; a
 * malformed document is one {@link InputException} at its line and column.
 */
public final class LibvirtDomainReader {
  /**
   * The namespace of {@code <qemu:commandline>} (libvirt docs/drvqemu.rst, "Pass-through of arbitrary
   * qemu commands").
   */
  static final String QEMU_NAMESPACE = "http://libvirt.org/schemas/domain/qemu/1.0";

  /** libvirt's limit on a memory size: virMemoryMaxValue (src/conf/domain_conf.c) on a 64-bit host, LLONG_MAX bytes. */
  static final long MAX_MEMORY_BYTES = Long.MAX_VALUE;

  private LibvirtDomainReader() {}

  /**
   * Reads {@code xml}, a whole file already bounded by its caller ({@code input.InputFiles}). The
   * JDK's own StAX parser is used whatever else is on the class path, so the settings below mean what
   * they say; it applies the JDK's {@code jdk.xml} processing limits by default (StAX has no
   * FEATURE_SECURE_PROCESSING switch), and a DOCTYPE never gets as far as them.
   */
  public static VmDefinition read(byte[] xml, String source) throws InputException {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    try {
      XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
      try {
        return new Walk(source, reader).run();
      } finally {
        reader.close();
      }
    } catch (XMLStreamException e) {
      throw new InputException(source, where(e.getLocation()), "malformed XML: " + parserMessage(e), e);
    }
  }

  private static Position where(Location location) {
    if (location == null || location.getLineNumber() < 1) {
      return Position.whole();
    }
    return Position.line(location.getLineNumber(), Math.max(location.getColumnNumber(), 0));
  }

  /** The JDK parser's own words, without the "ParseError at [row,col]" it puts before them. */
  private static String parserMessage(XMLStreamException e) {
    String m = e.getMessage() == null ? "unreadable" : e.getMessage();
    int at = m.indexOf("Message: ");
    return (at >= 0 ? m.substring(at + "Message: ".length()) : m).strip();
  }

  /** One pass over the document's events, keeping the path of open elements. */
  private static final class Walk {
    private final String source;
    private final XMLStreamReader r;
    private final Deque<String> open = new ArrayDeque<>();
    private final StringBuilder text = new StringBuilder();
    private final List<VmDefinition.AssignedDevice> devices = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<QemuCommandLineReader.Token> qemuArgs = new ArrayList<>();

    private Optional<String> name = Optional.empty();
    private Optional<String> arch = Optional.empty();
    private Optional<String> machine = Optional.empty();
    private Position machineAt = Position.whole();
    private Optional<String> cpuMode = Optional.empty();
    private Optional<String> cpuModel = Optional.empty();
    private Optional<Sized> memory = Optional.empty();
    private Optional<Sized> currentMemory = Optional.empty();
    private String unit = "";
    private Position unitAt = Position.whole();
    private BigInteger numaBytes = BigInteger.ZERO;
    private Position numaAt = Position.whole();
    private BigInteger dimmBytes = BigInteger.ZERO;
    private Pending pending;

    Walk(String source, XMLStreamReader r) {
      this.source = source;
      this.r = r;
    }

    /** A size and where it was written. */
    private record Sized(long bytes, Position at) {}

    /** A {@code <hostdev>} or {@code <interface type='hostdev'>} being read. */
    private static final class Pending {
      final String written;
      final Position at;
      Optional<PciAddress> address = Optional.empty();
      Position addressAt;
      Optional<String> alias = Optional.empty();

      Pending(String written, Position at) {
        this.written = written;
        this.at = at;
        this.addressAt = at;
      }
    }

    VmDefinition run() throws XMLStreamException, InputException {
      while (r.hasNext()) {
        switch (r.next()) {
          case XMLStreamConstants.DTD -> throw new InputException(source, here(),
              "has a DOCTYPE; resvc reads domain XML without DTDs, so that no entity is declared or expanded"
                  + " (libvirt writes none)");
          case XMLStreamConstants.START_ELEMENT -> start();
          case XMLStreamConstants.END_ELEMENT -> end();
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
              text.append(r.getText());
          default -> { }
        }
      }
      return finish();
    }

    private Position here() {
      return where(r.getLocation());
    }

    private String path() {
      return String.join("/", (Iterable<String>) open::descendingIterator);
    }

    private String attribute(String local) {
      return r.getAttributeValue(null, local);
    }

    private void start() throws InputException {
      String local = QEMU_NAMESPACE.equals(r.getNamespaceURI()) ? "qemu:" + r.getLocalName() : r.getLocalName();
      if (open.isEmpty() && !local.equals("domain")) {
        throw new InputException(source, here(),
            "is not a libvirt domain: the root element is <" + MessageText.clean(local) + ">, not <domain>");
      }
      open.push(local);
      text.setLength(0);
      switch (path()) {
        case "domain/memory", "domain/currentMemory", "domain/maxMemory",
            "domain/devices/memory/target/size" -> {
          unit = Optional.ofNullable(attribute("unit")).orElse("");
          unitAt = here();
        }
        case "domain/os/type" -> {
          arch = Optional.ofNullable(attribute("arch"));
          machine = Optional.ofNullable(attribute("machine"));
          machineAt = here();
        }
        case "domain/cpu" -> cpuMode = Optional.ofNullable(attribute("mode"));
        case "domain/cpu/numa/cell" -> numaCell();
        case "domain/memoryBacking/hugepages" -> notes.add("memoryBacking hugepages: backs guest RAM with huge"
            + " pages on the host; the guest memory map is the same");
        case "domain/devices/hostdev" -> hostdev();
        case "domain/devices/interface" -> {
          if ("hostdev".equals(attribute("type"))) {
            pending = new Pending("<interface type='hostdev'>", here());
          }
        }
        case "domain/devices/hostdev/source/address", "domain/devices/interface/source/address" -> {
          if (pending != null) {
            pending.addressAt = here();
            pending.address = Optional.of(pciAddress());
          }
        }
        case "domain/devices/hostdev/alias", "domain/devices/interface/alias" -> {
          if (pending != null) {
            pending.alias = Optional.ofNullable(attribute("name"));
          }
        }
        case "domain/devices/memory" -> notes.add("memory device <memory model='"
            + MessageText.clean(Optional.ofNullable(attribute("model")).orElse("?"))
            + "'>: hot-pluggable memory in the device memory area above RAM, not part of the boot RAM checked");
        case "domain/qemu:commandline/qemu:arg" -> qemuArgs.add(new QemuCommandLineReader.Token(
            Optional.ofNullable(attribute("value")).orElse(""), here()));
        default -> { }
      }
    }

    private void end() throws InputException {
      String body = text.toString().strip();
      switch (path()) {
        case "domain/name" -> name = Optional.of(body);
        case "domain/memory" -> memory = Optional.of(new Sized(size(body, "<memory>"), unitAt));
        case "domain/currentMemory" -> currentMemory = Optional.of(new Sized(size(body, "<currentMemory>"), unitAt));
        case "domain/maxMemory" -> notes.add("maxMemory " + ByteSize.format(size(body, "<maxMemory>"))
            + ": the memory hotplug limit; the boot map is laid out for <memory>");
        case "domain/devices/memory/target/size" -> dimmBytes = dimmBytes.add(
            BigInteger.valueOf(size(body, "memory device <size>")));
        case "domain/cpu/model" -> cpuModel = Optional.of(body);
        case "domain/devices/hostdev", "domain/devices/interface" -> {
          if (pending != null) {
            Pending p = pending;
            pending = null;
            devices.add(new VmDefinition.AssignedDevice(p.address.orElseThrow(() -> new InputException(source, p.at,
                p.written + " has no <source><address domain bus slot function>: which host device is it?")),
                p.addressAt, p.written, p.alias));
          }
        }
        default -> { }
      }
      open.pop();
      text.setLength(0);
    }

    private void hostdev() {
      String mode = Optional.ofNullable(attribute("mode")).orElse("subsystem");
      String type = Optional.ofNullable(attribute("type")).orElse("");
      if (mode.equals("subsystem") && type.equals("pci")) {
        pending = new Pending("<hostdev>", here());
      } else {
        notes.add("<hostdev mode='" + MessageText.clean(mode) + "' type='" + MessageText.clean(type)
            + "'>: not a PCI function of an IOMMU group; not checked");
      }
    }

    private void numaCell() throws InputException {
      String value = attribute("memory");
      if (value == null) {
        throw new InputException(source, here(), "NUMA <cell> has no memory attribute");
      }
      unit = Optional.ofNullable(attribute("unit")).orElse("");
      unitAt = here();
      numaAt = unitAt;
      numaBytes = numaBytes.add(BigInteger.valueOf(size(value, "NUMA cell memory")));
    }

    /**
     * A memory size in {@link #unit}, as libvirt's virDomainParseMemory reads it: a decimal count
     * scaled by the unit (virScaleInteger, src/util/virutil.c), rounded up to whole KiB, at most
     * {@link #MAX_MEMORY_BYTES}.
     */
    private long size(String digits, String what) throws InputException {
      if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new InputException(source, unitAt, what + " " + MessageText.quote(digits)
            + " is not a whole number (libvirt reads a decimal count of the unit)");
      }
      BigInteger bytes = new BigInteger(digits).multiply(scale(unit, what));
      BigInteger kib = BigInteger.valueOf(1024);
      bytes = bytes.add(kib.subtract(BigInteger.ONE)).divide(kib).multiply(kib);
      if (bytes.compareTo(BigInteger.valueOf(MAX_MEMORY_BYTES)) > 0) {
        throw new InputException(source, unitAt, what + " " + MessageText.clean(digits) + " "
            + (unit.isEmpty() ? "KiB" : MessageText.clean(unit))
            + " is past libvirt's limit of 2^63 - 1 bytes (virMemoryMaxValue)");
      }
      return bytes.longValue();
    }

    /**
     * The bytes in one {@code unit}, as libvirt's virScaleInteger reads it: case-insensitive; none
     * means KiB; {@code b}, {@code byte}, {@code bytes} are bytes; {@code k m g t p e} alone or with
     * {@code iB} are powers of 1024, with {@code B} powers of 1000.
     */
    private BigInteger scale(String unitText, String what) throws InputException {
      String u = unitText.strip().toLowerCase(Locale.ROOT);
      if (u.isEmpty()) {
        return BigInteger.valueOf(1024);
      }
      if (u.equals("b") || u.equals("byte") || u.equals("bytes")) {
        return BigInteger.ONE;
      }
      int power = "kmgtpe".indexOf(u.charAt(0)) + 1;
      String rest = u.substring(1);
      int base = rest.isEmpty() || rest.equals("ib") ? 1024 : rest.equals("b") ? 1000 : 0;
      if (power == 0 || base == 0) {
        throw new InputException(source, unitAt, what + ": unknown unit " + MessageText.quote(unitText)
            + " (libvirt accepts b, bytes, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E, EiB)");
      }
      return BigInteger.valueOf(base).pow(power);
    }

    /**
     * The host address of {@code <address domain bus slot function>}, each read as libvirt's
     * virPCIDeviceAddressParseXML (src/conf/device_conf.c) does: C's strtoul with base 0 (0x hex, a
     * leading 0 octal, else decimal), a missing attribute 0, then the ranges of
     * virPCIDeviceAddressIsValid.
     */
    private PciAddress pciAddress() throws InputException {
      String type = attribute("type");
      if (type != null && !type.equals("pci")) {
        throw new InputException(source, here(), "source address type " + MessageText.quote(type)
            + " is not a PCI address (expected type='pci')");
      }
      int domain = addressField("domain", 0xffff);
      int bus = addressField("bus", 0xff);
      int slot = addressField("slot", 0x1f);
      int function = addressField("function", 7);
      return new PciAddress(domain, bus, slot, function);
    }

    private int addressField(String attr, int max) throws InputException {
      String value = attribute(attr);
      if (value == null) {
        return 0;
      }
      String v = value.strip();
      int radix = 10;
      String digits = v;
      if (v.startsWith("0x") || v.startsWith("0X")) {
        radix = 16;
        digits = v.substring(2);
      } else if (v.length() > 1 && v.startsWith("0")) {
        radix = 8;
        digits = v.substring(1);
      }
      long n;
      try {
        n = digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-") ? -1 : Long.parseLong(digits, radix);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 0 || n > max) {
        throw new InputException(source, here(), "PCI address " + attr + "=" + MessageText.quote(value)
            + (n < 0 ? " is not a number" : " is out of range") + " (0 to 0x" + Integer.toHexString(max)
            + "; libvirt reads 0x hex, 0 octal or decimal)");
      }
      return (int) n;
    }

    private VmDefinition finish() throws InputException {
      List<String> all = new ArrayList<>();
      long ram = bootRam(all);
      Position ramAt = numaBytes.signum() > 0 ? numaAt : memory.map(Sized::at).orElse(Position.whole());
      currentMemory.filter(c -> c.bytes() != ram + dimmBytes.longValue()).ifPresent(c ->
          all.add("currentMemory " + ByteSize.format(c.bytes()) + ": the balloon's target; the guest map holds all"
              + " of the boot RAM"));
      String machineText = machine.orElseGet(() -> {
        String assumed = arch.filter(a -> a.equals("aarch64") || a.startsWith("arm")).isPresent() ? "virt" : "pc";
        all.add("no machine type in <os><type>: assumed '" + assumed + "', QEMU's default for the architecture");
        return assumed;
      });
      VmDefinition.requireMachine(machineText, source, machineAt);
      all.addAll(notes);
      QemuCommandLineReader.Options passed = QemuCommandLineReader.options(qemuArgs, source);
      devices.addAll(passed.devices());
      all.addAll(passed.notes());
      return new VmDefinition(source, VmDefinition.Origin.LIBVIRT_DOMAIN, name, arch, machineText, machineAt, ram,
          ramAt, passed.maxRamBelow4g(), cpuModel.or(() -> cpuMode), devices, all);
    }

    /**
     * The RAM the guest boots with: the sum of the NUMA cells when there are any (libvirt's
     * virDomainDefPostParseMemory makes {@code <memory>} that sum when it defines a domain, and QEMU
     * refuses NUMA nodes that do not add up to {@code -m}), else {@code <memory>} less the memory
     * devices (virDomainDefGetMemoryInitial).
     */
    private long bootRam(List<String> out) throws InputException {
      if (numaBytes.signum() > 0) {
        if (numaBytes.compareTo(BigInteger.valueOf(MAX_MEMORY_BYTES)) > 0) {
          throw new InputException(source, numaAt, "the NUMA cells add up past libvirt's limit of 2^63 - 1 bytes");
        }
        memory.filter(m -> BigInteger.valueOf(m.bytes()).subtract(dimmBytes).compareTo(numaBytes) != 0)
            .ifPresent(m -> out.add("<memory> " + ByteSize.format(m.bytes()) + " differs from the NUMA cells' "
                + ByteSize.format(numaBytes.longValue()) + ": libvirt uses the cells' sum"
                + " (virDomainDefPostParseMemory)"));
        return numaBytes.longValue();
      }
      Sized m = memory.orElseThrow(() -> new InputException(source, Position.whole(),
          "has no <memory> and no NUMA cells: libvirt needs one of them to size the guest"));
      BigInteger boot = BigInteger.valueOf(m.bytes()).subtract(dimmBytes);
      if (boot.signum() <= 0) {
        throw new InputException(source, m.at(), "<memory> " + ByteSize.format(m.bytes())
            + " leaves no boot RAM beside the memory devices (" + ByteSize.format(dimmBytes.longValue()) + ")");
      }
      return boot.longValue();
    }
  }
}
