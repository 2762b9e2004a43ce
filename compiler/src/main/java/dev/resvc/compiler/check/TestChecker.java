package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.ast.TestStmt;
import dev.resvc.compiler.diag.Code;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputFiles;
import dev.resvc.runtime.input.InputLimits;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.kernel.AmdRegionBuilder;
import dev.resvc.runtime.kernel.Errno;
import dev.resvc.runtime.kernel.IntelRegionBuilder;
import dev.resvc.runtime.kernel.KernelEra;
import dev.resvc.runtime.kernel.StepFailure;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.DeviceKind;
import dev.resvc.runtime.model.Host;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciClasses;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns {@code test} blocks into {@link TestCase}s: a small host (each device in its own IOMMU group
 * unless {@code group N} says otherwise), a guest, and expectations. A region without {@code type}
 * gets the type the kernel gives it, so {@code keep} in a policy means "what the kernel does".
 */
final class TestChecker {
  /** The attributes of a {@code device} statement: the fields' ({@link Field#testAttribute}), then {@code below}. */
  private static final List<String> DEVICE_ATTRS = deviceAttributes();

  private static List<String> deviceAttributes() {
    List<String> out = new ArrayList<>();
    for (Field f : Field.values()) {
      f.testAttribute().ifPresent(out::add);
    }
    out.add("below");
    return List.copyOf(out);
  }

  /** The attributes of a {@code platform} statement ({@link Field#platformTestAttribute}). */
  private static final List<String> PLATFORM_ATTRS = Arrays.stream(Field.values())
      .flatMap(f -> f.platformTestAttribute().stream()).toList();

  private final Reporter report;
  private final ConstantFolder folder;
  private final Path rootDir;
  private Set<String> ruleNames = Set.of();

  /** @param folder the policy's constants, which test statements may use */
  TestChecker(Reporter report, ConstantFolder folder, Path rootDir) {
    this.report = report;
    this.folder = folder;
    this.rootDir = rootDir;
  }

  TestChecker withRuleNames(Set<String> names) {
    this.ruleNames = names;
    return this;
  }

  List<TestCase> check(List<Item.Test> tests) {
    List<TestCase> out = new ArrayList<>();
    Map<String, Span> names = new HashMap<>();
    for (Item.Test t : tests) {
      Span previous = names.putIfAbsent(t.name().value(), t.span());
      if (previous != null) {
        report.error(
            Code.DUPLICATE_TEST,
            t.name().span(),
            "a test named \"" + t.name().value() + "\" already exists",
            Diagnostic.note("first defined here", previous));
      }
      int before = report.errorCount();
      TestCase c = test(t);
      if (report.errorCount() == before && c != null) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * A {@code device} or {@code platform} statement's fields (its group when it names one) and the
   * bridges a PCI function is below.
   */
  private record DeviceDraft(FieldValues fields, List<PciAddress> below) {
    Device device() {
      return fields.device(below);
    }

    Integer group() {
      return fields.isSet(Field.DEVICE_GROUP) ? fields.group() : null;
    }
  }

  private TestCase test(Item.Test t) {
    Statements read = new Statements(declaredRelease(t));
    t.statements().forEach(s -> s.accept(read));
    if (!read.expectsSomething) {
      report.error(
          Code.BAD_TEST_STATEMENT,
          t.span(),
          "test \"" + t.name().value() + "\" expects nothing; add `expect …;` statements");
    }
    GuestLayout guest = read.guest != null ? read.guest : GuestPresets.q35(GuestPresets.DEFAULT_RAM);
    return new TestCase(
        t.name().value(),
        t.span(),
        host(t.name().value(), read.devices, read.regions),
        read.kernel.kernel(),
        guest,
        read.expects);
  }

  /**
   * The release a test's {@code kernel} statement names, wherever it stands in the test, for the
   * types its regions default to; {@link TargetKernel#NEWEST} without one. A second statement is
   * reported by {@link Statements}.
   */
  private static KernelRelease declaredRelease(Item.Test t) {
    for (TestStmt s : t.statements()) {
      if (s instanceof TestStmt.KernelStmt k) {
        return k.release().release();
      }
    }
    return TargetKernel.NEWEST;
  }

  /** What one test's statements build, read in order: each statement may refer to devices declared before it. */
  private final class Statements implements TestStmt.Visitor<Void> {
    /** The test's kernel release, which decides the type a region without {@code type} gets. */
    private final KernelRelease release;

    Statements(KernelRelease release) {
      this.release = release;
    }

    /** The members declared so far, PCI or not, by kernel name ({@link Device#name()}). */
    final Map<String, DeviceDraft> devices = new LinkedHashMap<>();
    final Map<String, List<Region>> regions = new HashMap<>();
    final Map<String, Span> declaredAt = new HashMap<>();
    final List<TestCase.Expect> expects = new ArrayList<>();
    GuestLayout guest;
    Span guestAt;
    /** The kernel fields set so far (the rest are {@link TargetKernel#newest()}'s), and where. */
    FieldValues kernel = FieldValues.NONE;
    final Map<Field, Span> kernelSetAt = new HashMap<>();
    boolean expectsSomething;

    @Override
    public Void visit(TestStmt.DeviceStmt d) {
      declare(device(d), d.address().span());
      return null;
    }

    @Override
    public Void visit(TestStmt.PlatformStmt p) {
      declare(platform(p), p.name().span());
      return null;
    }

    private void declare(DeviceDraft draft, Span at) {
      if (draft == null) {
        return;
      }
      Device device = draft.device();
      if (devices.containsKey(device.name())) {
        report.error(
            Code.UNDECLARED_TEST_DEVICE,
            at,
            (device instanceof PciDevice ? "device " + device.shortName() : "device \"" + device.name() + "\"")
                + " is declared twice in this test",
            Diagnostic.note("first declared here", declaredAt.get(device.name())));
      } else {
        devices.put(device.name(), draft);
        declaredAt.put(device.name(), at);
      }
    }

    @Override
    public Void visit(TestStmt.RegionStmt r) {
      String owner;
      String declare;
      if (r.device() instanceof Expr.BdfLit b) {
        PciAddress address = address(b);
        if (address == null) {
          return null;
        }
        owner = address.toString();
        declare = "device " + address.toShortString();
      } else {
        owner = ((Expr.StringLit) r.device()).value();
        declare = "platform " + ((Expr.StringLit) r.device()).text();
      }
      if (!devices.containsKey(owner)) {
        report.error(
            Code.UNDECLARED_TEST_DEVICE,
            r.device().span(),
            "region on " + (r.device() instanceof Expr.BdfLit ? declare.substring("device ".length())
                : declare.substring("platform ".length()))
                + ", which is not declared: add `" + declare + " …;` before it");
        return null;
      }
      Region region = region(r, devices.get(owner), release);
      if (region != null) {
        regions.computeIfAbsent(owner, k -> new ArrayList<>()).add(region);
      }
      return null;
    }

    @Override
    public Void visit(TestStmt.GuestStmt g) {
      if (guestAt != null) {
        report.error(
            Code.BAD_TEST_STATEMENT,
            g.span(),
            "a second `guest` in this test; a test has one guest",
            Diagnostic.note("the first is here", guestAt));
      }
      guestAt = g.span();
      guest = guest(g);
      return null;
    }

    @Override
    public Void visit(TestStmt.KernelStmt k) {
      setKernel(Field.KERNEL_VERSION, k.release().release().key(), k.span(), "kernel");
      return null;
    }

    @Override
    public Void visit(TestStmt.BackendStmt b) {
      Optional<Backend> backend = Backend.byResvName(b.name());
      if (backend.isEmpty()) {
        unknownConstant(Field.KERNEL_BACKEND, b.name(), b.nameSpan(), "backend");
      } else {
        setKernel(Field.KERNEL_BACKEND, backend.get(), b.span(), "backend");
      }
      return null;
    }

    @Override
    public Void visit(TestStmt.IommuStmt i) {
      Optional<IommuDriver> driver = IommuDriver.byResvName(i.name());
      if (driver.isEmpty()) {
        unknownConstant(Field.KERNEL_DRIVER, i.name(), i.nameSpan(), "IOMMU driver");
      } else {
        setKernel(Field.KERNEL_DRIVER, driver.get(), i.span(), "iommu");
      }
      return null;
    }

    @Override
    public Void visit(TestStmt.MsiStmt m) {
      setKernel(Field.HOST_MSI_ISOLATED, m.isolated(), m.span(), "msi");
      return null;
    }

    /** Sets a kernel field once per test: a second statement setting it is an error, as a second {@code guest}. */
    private void setKernel(Field field, Object value, Span at, String keyword) {
      Span first = kernelSetAt.putIfAbsent(field, at);
      if (first != null) {
        report.error(Code.BAD_TEST_STATEMENT, at, "a second `" + keyword + "` in this test",
            Diagnostic.note("the first is here", first));
        return;
      }
      kernel = kernel.with(field, value);
    }

    private void unknownConstant(Field field, String name, Span at, String what) {
      report.unknown(Code.UNKNOWN_NAME, at, "unknown " + what + " `" + name + "`", name, field.constants(),
          what + "s: " + String.join(", ", field.constants()));
    }

    @Override
    public Void visit(TestStmt.ExpectStmt e) {
      expectsSomething = true;
      TestCase.Expect x = expect(e.expectation(), devices);
      if (x != null) {
        expects.add(x);
      }
      return null;
    }
  }

  private Host host(
      String name, Map<String, DeviceDraft> drafts, Map<String, List<Region>> regions) {
    Set<Integer> taken = new HashSet<>();
    drafts
        .values()
        .forEach(
            d -> {
              if (d.group() != null) taken.add(d.group());
            });
    TreeMap<Integer, List<Device>> groups = new TreeMap<>();
    int next = 0;
    for (DeviceDraft d : drafts.values()) {
      int id;
      if (d.group() != null) {
        id = d.group();
      } else {
        while (taken.contains(next)) next++;
        id = next;
        taken.add(id);
      }
      groups.computeIfAbsent(id, k -> new ArrayList<>()).add(d.device());
    }
    List<IommuGroup> iommuGroups = new ArrayList<>();
    for (Map.Entry<Integer, List<Device>> g : groups.entrySet()) {
      List<IommuGroup.Member> members =
          g.getValue().stream()
              .sorted(Device.ORDER)
              .map(d -> new IommuGroup.Member(d, regions.getOrDefault(d.name(), List.of())))
              .toList();
      iommuGroups.add(new IommuGroup(g.getKey(), Optional.of("DMA"), members, List.of()));
    }
    List<PciDevice> pci = new ArrayList<>();
    drafts.values().forEach(d -> {
      if (d.device() instanceof PciDevice p) pci.add(p);
    });
    return new Host("test \"" + name + "\"", pci, iommuGroups);
  }

  private DeviceDraft device(TestStmt.DeviceStmt d) {
    PciAddress address = address(d.address());
    if (address == null) {
      return null;
    }
    FieldValues fields = FieldValues.NONE.with(Field.DEVICE_BDF, address).with(Field.DEVICE_VENDOR, 0x8086);
    List<PciAddress> below = new ArrayList<>();
    for (TestStmt.Attr a : d.attrs()) {
      Optional<Field> field = Field.ofTestAttribute(a.name());
      if (field.isPresent()) {
        Field f = field.get();
        switch (f.kind()) {
          case INT -> fields = fields.with(f, number(a, f.testMax()));
          case STRING -> fields = fields.with(f, Objects.requireNonNullElse(string(a), ""));
          case BOOL -> {
            if (a.value().isPresent()) {
              report.error(Code.BAD_TEST_STATEMENT, a.span(), "`" + a.name() + "` takes no value");
            }
            fields = fields.with(f, true);
          }
          default -> throw new IllegalStateException(f + " has no test attribute of its kind");
        }
      } else if (a.name().equals("below")) {
        PciAddress b =
            a.value()
                .flatMap(folder::constant)
                .filter(v -> v instanceof Value.BdfV)
                .map(v -> ((Value.BdfV) v).address())
                .orElse(null);
        if (b == null) {
          report.error(Code.BAD_TEST_STATEMENT, a.span(), "`below` takes the PCI address of the bridge above the device");
        } else {
          below.add(b);
        }
      } else {
        unknownAttr(a, DEVICE_ATTRS);
      }
    }
    if (PciClasses.isBridgeClass((int) fields.number(Field.DEVICE_CLASS))) {
      fields = fields.with(Field.DEVICE_BRIDGE, true);
    }
    return new DeviceDraft(fields, below);
  }

  /**
   * A {@code platform} statement: a member that is not PCI, of kind {@code platform} unless {@code kind}
   * says otherwise ({@code pci} is not one: a PCI function is a {@code device} statement).
   */
  private DeviceDraft platform(TestStmt.PlatformStmt p) {
    String name = p.name().value();
    // a sysfs directory name, printed in messages as it is: no control characters, no `/`, short
    if (name.isEmpty() || !name.equals(MessageText.clean(name)) || name.contains("/")) {
      report.error(Code.BAD_TEST_STATEMENT, p.name().span(),
          "a device name is the kernel's name for it, such as \"dprc.1\" or \"AMDI0040:00\": 1 to "
              + MessageText.MAX_QUOTE + " printable characters, no `/`");
      return null;
    }
    FieldValues fields = FieldValues.NONE.with(Field.DEVICE_KIND, DeviceKind.PLATFORM).with(Field.DEVICE_NAME, name);
    for (TestStmt.Attr a : p.attrs()) {
      Optional<Field> field = Field.ofPlatformTestAttribute(a.name());
      if (field.isEmpty()) {
        unknownAttr(a, PLATFORM_ATTRS);
        continue;
      }
      Field f = field.get();
      switch (f.kind()) {
        case INT -> fields = fields.with(f, number(a, f.testMax()));
        case STRING -> fields = fields.with(f, Objects.requireNonNullElse(string(a), ""));
        case ENUM -> {
          DeviceKind kind = deviceKind(a);
          if (kind != null) {
            fields = fields.with(f, kind);
          }
        }
        default -> throw new IllegalStateException(f + " has no platform attribute of its kind");
      }
    }
    return new DeviceDraft(fields, List.of());
  }

  /** {@code kind fsl-mc}: a kind other than {@code pci}, by the name policies test. */
  private DeviceKind deviceKind(TestStmt.Attr a) {
    if (!(a.value().orElseThrow() instanceof Expr.Name n)) {
      report.error(Code.BAD_TEST_STATEMENT, a.span(), "`kind` takes a device kind, e.g. kind fsl-mc");
      return null;
    }
    List<String> kinds = Field.DEVICE_KIND.constants().stream().filter(k -> !k.equals(DeviceKind.PCI.resvName())).toList();
    if (n.name().equals(DeviceKind.PCI.resvName())) {
      report.error(Code.BAD_TEST_STATEMENT, n.span(), "a PCI function is declared with `device BDF …;`, not `platform`");
      return null;
    }
    if (!kinds.contains(n.name())) {
      report.unknown(Code.UNKNOWN_NAME, n.span(), "unknown device kind `" + n.name() + "`", n.name(), kinds,
          "kinds of a platform statement: " + String.join(", ", kinds));
      return null;
    }
    return Arrays.stream(DeviceKind.values()).filter(k -> k.resvName().equals(n.name())).findFirst().orElseThrow();
  }

  private long number(TestStmt.Attr a, long max) {
    Optional<Value> v = a.value().flatMap(folder::constant);
    if (v.isEmpty() || !(v.get() instanceof Value.IntV i)) {
      report.error(Code.BAD_TEST_STATEMENT, a.span(), "`" + a.name() + "` takes a number");
      return 0;
    }
    if (Long.compareUnsigned(i.value(), max) > 0) {
      report.error(
          Code.VALUE_TOO_WIDE,
          a.span(),
          "`"
              + a.name()
              + "` 0x"
              + Long.toHexString(i.value())
              + " is out of range (at most 0x"
              + Long.toHexString(max)
              + ")");
      return 0;
    }
    return i.value();
  }

  private String string(TestStmt.Attr a) {
    Optional<Value> v = a.value().flatMap(folder::constant);
    if (v.isEmpty() || !(v.get() instanceof Value.StrV s)) {
      report.error(Code.BAD_TEST_STATEMENT, a.span(), "`" + a.name() + "` takes a string, e.g. driver \"xhci_hcd\"");
      return null;
    }
    return s.value();
  }

  private void unknownAttr(TestStmt.Attr a, List<String> known) {
    report.unknown(
        Code.BAD_TEST_STATEMENT,
        a.span(),
        "unknown attribute `" + a.name() + "`",
        a.name(),
        known,
        "known: " + String.join(", ", known));
  }

  private PciAddress address(Expr.BdfLit b) {
    return folder.pciAddress(b).orElse(null);
  }

  private Region region(TestStmt.RegionStmt r, DeviceDraft owner, KernelRelease release) {
    Optional<RegionSource> source = RegionSource.byResvName(r.source());
    if (source.isEmpty()) {
      List<String> names =
          Arrays.stream(RegionSource.values()).map(RegionSource::resvName).toList();
      report.unknown(
          Code.UNKNOWN_NAME,
          r.sourceSpan(),
          "unknown region source `" + r.source() + "`",
          r.source(),
          names,
          "sources: " + String.join(", ", names));
      return null;
    }
    Optional<Value> range = folder.constant(r.range());
    if (range.isEmpty()) {
      return null;
    }
    if (!(range.get() instanceof Value.RangeV rv)) {
      report.error(
          Code.KIND_MISMATCH,
          r.range().span(),
          "a region needs an address range (`lo .. hi` or `start + size`)");
      return null;
    }
    RegionType type;
    if (r.type().isPresent()) {
      Optional<RegionType> t = RegionType.byResvName(r.type().get());
      if (t.isEmpty()) {
        report.error(
            Code.UNKNOWN_REGION_TYPE,
            r.span(),
            "`"
                + r.type().get()
                + "` is not a region type ("
                + String.join(", ", Field.REGION_TYPE.constants())
                + ")");
        return null;
      }
      type = t.get();
    } else {
      if (source.get() == RegionSource.SYSFS) {
        report.error(
            Code.BAD_TEST_STATEMENT,
            r.span(),
            "a `sysfs` region needs `type …`: nothing says what the kernel makes of it");
        return null;
      }
      if (source.get() == RegionSource.PCI_WINDOW) {
        report.error(
            Code.BAD_TEST_STATEMENT,
            r.span(),
            "no kernel reports a `pci-window` region: dma-iommu keeps PCI host-bridge windows in its own"
                + " IOVA allocator (iova_reserve_pci_windows), not in reserved_regions nor in VFIO's valid"
                + " IOVA list; give it `type …` to state one anyway");
        return null;
      }
      // A member that is not PCI has no class (0 here): its RMRR is never relaxable, as
      // device_rmrr_is_relaxable (intel/iommu.c) says of a device that is not PCI.
      Optional<RegionType> kernel = kernelType(source.get(), (int) owner.fields().number(Field.DEVICE_CLASS), release);
      if (kernel.isEmpty()) {
        report.error(
            Code.BAD_TEST_STATEMENT,
            r.span(),
            "kernel " + release.version() + " reports no `" + r.source() + "` region (docs/kernel-eras.md);"
                + " give it `type …` to state one anyway");
        return null;
      }
      type = kernel.get();
    }
    AddressRange span = rv.range();
    return Region.ofInclusive(span.start(), span.end(), type, prot(source.get(), release), source.get());
  }

  /**
   * The type the driver of {@code release} gives a region of this source for a device of this class,
   * as the region builders decide it; empty when that release reports no such region (or, for {@code
   * sysfs}, nothing says).
   */
  static Optional<RegionType> kernelType(RegionSource source, int classCode, KernelRelease release) {
    return switch (source) {
      case RMRR -> Optional.of(IntelRegionBuilder.rmrrType(classCode, release));
      case FLOPPY_WA -> IntelRegionBuilder.floppyRegion(release).map(Region::type);
      case IVMD -> Optional.of(RegionType.DIRECT);
      case IVMD_EXCLUSION -> AmdRegionBuilder.exclusionType(release);
      case IORT_RMR -> KernelEra.IORT_RMR.in(release) ? Optional.of(RegionType.DIRECT) : Optional.empty();
      case MSI_WINDOW -> Optional.of(RegionType.MSI);
      case HT_WINDOW -> Optional.of(RegionType.RESERVED);
      case SW_MSI -> Optional.of(RegionType.SW_MSI);
      // dma-iommu's iova_reserve_pci_windows reserves host-bridge windows in its own allocator only.
      case PCI_WINDOW, SYSFS -> Optional.empty();
    };
  }

  private static Prot prot(RegionSource source, KernelRelease release) {
    return switch (source) {
      case FLOPPY_WA -> IntelRegionBuilder.floppyRegion(release).map(Region::prot).orElse(Prot.READ_WRITE);
      case RMRR, IVMD, IVMD_EXCLUSION, IORT_RMR -> Prot.READ_WRITE;
      case SW_MSI -> Prot.MSI_DOORBELL;
      default -> Prot.NONE;
    };
  }

  private GuestLayout guest(TestStmt.GuestStmt g) {
    if (g.file().isPresent()) {
      Expr.StringLit f = g.file().get();
      Path path;
      try {
        path = rootDir.resolve(f.value());
      } catch (InvalidPathException e) {
        report.error(
            Code.BAD_TEST_STATEMENT,
            f.span(),
            "guest layout \""
                + MessageText.clean(f.value())
                + "\" is not a valid path: "
                + e.getReason());
        return null;
      }
      try {
        byte[] bytes = InputFiles.read(path, f.value(), InputLimits.TEXT_INPUT);
        return GuestLayoutParser.parse(InputFiles.utf8(bytes, f.value()), f.value());
      } catch (InputException e) {
        report.error(Code.BAD_TEST_STATEMENT, f.span(), e.getCause() instanceof java.nio.file.NoSuchFileException
            ? "guest layout file " + MessageText.clean(path.toString(), 200) + " does not exist (paths are relative to the policy)"
            : "guest layout: " + MessageText.clean(e.getMessage(), 300));
      }
      return null;
    }
    long ram = GuestPresets.DEFAULT_RAM;
    for (TestStmt.Attr a : g.attrs()) {
      if (a.name().equals("ram")) {
        ram = number(a, -1L);
      } else {
        unknownAttr(a, List.of("ram"));
      }
    }
    try {
      return GuestPresets.preset(g.preset(), ram);
    } catch (IllegalArgumentException e) {
      report.error(Code.BAD_TEST_STATEMENT, g.span(), e.getMessage());
      return null;
    }
  }

  private TestCase.Expect expect(TestStmt.Expectation e, Map<String, DeviceDraft> declared) {
    return e.accept(new Expectations(declared));
  }

  /** What each kind of expectation checks, against the devices the test declared before it. */
  private final class Expectations implements TestStmt.Expectation.Visitor<TestCase.Expect> {
    private final Map<String, DeviceDraft> declared;

    Expectations(Map<String, DeviceDraft> declared) {
      this.declared = declared;
    }

    @Override
    public TestCase.Expect visit(TestStmt.Expectation.RegionType r) {
      Device d = declaredDevice(r.device(), declared);
      Optional<Value> addr = folder.constant(r.address());
      Optional<RegionType> type = RegionType.byResvName(r.typeName());
      if (type.isEmpty()) {
        report.error(
            Code.UNKNOWN_REGION_TYPE,
            r.span(),
            "`"
                + r.typeName()
                + "` is not a region type ("
                + String.join(", ", Field.REGION_TYPE.constants())
                + ")");
      }
      if (d == null || addr.isEmpty() || type.isEmpty()) {
        return null;
      }
      if (!(addr.get() instanceof Value.IntV i)) {
        report.error(Code.KIND_MISMATCH, r.address().span(), "expected the start address of the region");
        return null;
      }
      return new TestCase.Expect.RegionHasType(r.span(), d, i.value(), type.get());
    }

    @Override
    public TestCase.Expect visit(TestStmt.Expectation.RegionDropped r) {
      Device d = declaredDevice(r.device(), declared);
      Optional<Value> addr = folder.constant(r.address());
      if (d == null || addr.isEmpty()) {
        return null;
      }
      if (!(addr.get() instanceof Value.IntV i)) {
        report.error(Code.KIND_MISMATCH, r.address().span(), "expected the start address of the region");
        return null;
      }
      return new TestCase.Expect.RegionDropped(r.span(), d, i.value());
    }

    @Override
    public TestCase.Expect visit(TestStmt.Expectation.Assignable a) {
      Optional<Device> d = a.device().map(b -> declaredDevice(b, declared));
      if (d.isPresent() && d.get() == null) {
        return null;
      }
      return new TestCase.Expect.Assignable(a.span(), a.assignable(), d);
    }

    @Override
    public TestCase.Expect visit(TestStmt.Expectation.Finding f) {
      Optional<Device> d = f.device().map(b -> declaredDevice(b, declared));
      if (d.isPresent() && d.get() == null) {
        return null;
      }
      if (f.rule().isPresent() && !ruleNames.contains(f.rule().get())) {
        report.unknown(
            Code.UNKNOWN_NAME,
            f.span(),
            "no rule named `" + f.rule().get() + "` in this policy",
            f.rule().get(),
            ruleNames,
            null);
        return null;
      }
      return new TestCase.Expect.HasFinding(f.span(), ActionChecker.severity(f.severity()), f.rule(), d);
    }

    @Override
    public TestCase.Expect visit(TestStmt.Expectation.NoFindings n) {
      return new TestCase.Expect.NoFindings(n.span());
    }

    @Override
    public TestCase.Expect visit(TestStmt.Expectation.Step st) {
      if (st.at().isPresent() && st.stage() == StepFailure.Stage.ATTACH) {
        report.error(Code.BAD_TEST_STATEMENT, st.at().get().span(),
            "`at` names the guest range a map fails at; an attach has none");
        return null;
      }
      Optional<Device> d = st.device().map(b -> declaredDevice(b, declared));
      Optional<Errno> errno = st.errno().flatMap(TestChecker.this::errno);
      Optional<AddressRange> at = st.at().flatMap(TestChecker.this::guestRange);
      boolean bad = (d.isPresent() && d.get() == null) || errno.isEmpty() != st.errno().isEmpty()
          || at.isEmpty() != st.at().isEmpty();
      return bad ? null : new TestCase.Expect.Step(st.span(), st.stage(), errno, at, d);
    }
  }

  /** An errno name of {@link Errno}, or an error listing them. */
  private Optional<Errno> errno(TestStmt.Expectation.Name name) {
    List<String> known = Arrays.stream(Errno.values()).map(Errno::name).toList();
    if (!known.contains(name.text())) {
      report.unknown(Code.UNKNOWN_NAME, name.span(), "unknown errno `" + name.text() + "`", name.text(), known,
          "errnos a step fails with: " + String.join(", ", known));
      return Optional.empty();
    }
    return Optional.of(Errno.valueOf(name.text()));
  }

  /** The guest range after {@code at}: an address range. */
  private Optional<AddressRange> guestRange(Expr e) {
    Optional<Value> v = folder.constant(e);
    if (v.isPresent() && !(v.get() instanceof Value.RangeV)) {
      report.error(Code.KIND_MISMATCH, e.span(), "`at` takes the guest range (`lo .. hi` or `start + size`)");
      return Optional.empty();
    }
    return v.map(r -> ((Value.RangeV) r).range());
  }

  /** The device an expectation names (a PCI address or a member's quoted name), declared before it; else E119 and null. */
  private Device declaredDevice(Expr ref, Map<String, DeviceDraft> declared) {
    String name;
    String written;
    if (ref instanceof Expr.BdfLit b) {
      PciAddress a = address(b);
      if (a == null) {
        return null;
      }
      name = a.toString();
      written = a.toShortString();
    } else {
      name = ((Expr.StringLit) ref).value();
      written = ((Expr.StringLit) ref).text();
    }
    DeviceDraft d = declared.get(name);
    if (d == null) {
      report.error(Code.UNDECLARED_TEST_DEVICE, ref.span(), "device " + written + " is not declared in this test");
      return null;
    }
    return d.device();
  }
}
