package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.IommuDriver;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.KernelFacts.InterruptRemapping;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.testing.Corpus;
import dev.resvc.runtime.testing.Notes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel facts of a host (docs/kernel-eras.md §7, §9) read from snapshot trees laid out as {@code
 * resvc snapshot} writes them: the {@code /proc} files under {@code proc/}, module parameters, {@code
 * class/iommu}, the ACPI tables.
 */
class KernelFactsReaderTest {
  private static final String DELL_DMAR = "dell-latitude-5414-0aac6c2f8f5c";
  private static final String DL360_DMAR = "hewlett-packard-proliant-dl360-g7-60dcee46526a";

  @TempDir Path tmp;
  private final List<InputNote> notes = new ArrayList<>();

  private SysfsFixture intel(String dmarMachine) {
    return SysfsFixture.laptop(tmp).acpiTable("DMAR", Corpus.dmar(dmarMachine)).mkdirs("class/iommu/dmar0")
        .mkdirs("class/iommu/dmar1");
  }

  private KernelFacts facts() throws InputException {
    return Notes.keep(SysfsReader.read(tmp), notes).kernelFacts();
  }

  @Test
  void aSnapshotWithoutKernelFilesKnowsOnlyTheDriverItsTableImplies() throws Exception {
    SysfsFixture.laptop(tmp);

    KernelFacts facts = facts();

    assertThat(facts).isEqualTo(KernelFacts.unknown().withDriver(IommuDriver.INTEL));
    assertThat(notes).isEmpty();
  }

  @Test
  void anIntelHostWithEveryFile() throws Exception {
    intel(DELL_DMAR)
        .write("proc/sys/kernel/osrelease", "5.14.0-427.13.1.el9_4.x86_64\n")
        .write("proc/cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/rhel-root intel_iommu=on iommu=pt\n")
        .write("proc/interrupts", """
                       CPU0       CPU1
              0:         26          0   IO-APIC    2-edge      timer
            124:          0       1043   IR-PCI-MSI-0000:00:14.0    0-edge      xhci_hcd
            NMI:          0          0   Non-maskable interrupts
            """)
        .write("module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n");

    KernelFacts facts = facts();

    assertThat(facts.release()).hasValue(KernelRelease.parse("5.14.0-427.13.1.el9_4.x86_64"));
    assertThat(facts.release().get().text()).isEqualTo("5.14.0-427.13.1.el9_4.x86_64");
    assertThat(facts.driver()).hasValue(IommuDriver.INTEL);
    assertThat(facts.commandLine())
        .hasValue("BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/rhel-root intel_iommu=on iommu=pt");
    assertThat(facts.interruptRemapping()).hasValue(
        new InterruptRemapping(true, "/proc/interrupts shows remapped interrupt chips (IR-PCI-MSI-…)"));
    assertThat(facts.vfioAllowUnsafeInterrupts()).hasValue(false);
    assertThat(facts.iommufdAllowUnsafeInterrupts()).isEmpty();
    assertThat(facts.amdEfr2()).isEmpty();
    assertThat(notes).isEmpty();
  }

  @Test
  void theDmarFlagDecidesWhenTheCommandLineIsKnownAndProcInterruptsIsNot() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline", "quiet intel_iommu=on\n");

    assertThat(facts().interruptRemapping()).hasValue(
        new InterruptRemapping(true, "DMAR flags INTR_REMAP set, intremap=off absent from /proc/cmdline"));
  }

  @Test
  void aDmarFlagSetWithoutTheCommandLineSettlesNothing() throws Exception {
    intel(DELL_DMAR);

    assertThat(facts().interruptRemapping()).isEmpty();
  }

  @Test
  void aDmarWithoutInterruptRemappingIsNotIsolatedWhateverTheCommandLine() throws Exception {
    // The ProLiant DL360 G7's DMAR has flags 0x02: X2APIC_OPT_OUT, no INTR_REMAP (dmar_ir_support).
    intel(DL360_DMAR);

    assertThat(facts().interruptRemapping()).hasValue(new InterruptRemapping(false,
        "DMAR flags INTR_REMAP clear: the firmware does not offer interrupt remapping"));
  }

  @Test
  void intremapOffOnTheCommandLineTurnsRemappingOffAndOnTurnsItBack() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline", "quiet intremap=nosid,off\n");
    assertThat(facts().interruptRemapping()).hasValue(
        new InterruptRemapping(false, "intremap=nosid,off on /proc/cmdline turns interrupt remapping off"));

    Files.writeString(tmp.resolve("proc/cmdline"), "nointremap intremap=on\n");
    assertThat(facts().interruptRemapping().get().isolated()).isTrue();

    Files.writeString(tmp.resolve("proc/cmdline"), "intremap=on nointremap\n");
    assertThat(facts().interruptRemapping()).hasValue(
        new InterruptRemapping(false, "nointremap on /proc/cmdline turns interrupt remapping off"));
  }

  @Test
  void procInterruptsWinsOverTheCommandLineAndTheTable() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline", "quiet\n").write("proc/interrupts",
        "  CPU0\n 28:  0  PCI-MSIX-0000:00:01.0   0-edge  virtio0-config\n");

    assertThat(facts().interruptRemapping()).hasValue(new InterruptRemapping(false,
        "/proc/interrupts shows PCI-MSI chips without IR-: interrupt remapping is off"));
  }

  @Test
  void allowUnsafeInterruptsFromTheCommandLineWhenTheModuleIsNotLoaded() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline",
        "vfio_iommu_type1.allow_unsafe_interrupts=0 vfio-iommu-type1.allow-unsafe-interrupts=on iommufd.allow_unsafe_interrupts\n");

    KernelFacts facts = facts();

    assertThat(facts.vfioAllowUnsafeInterrupts()).hasValue(true);
    assertThat(facts.iommufdAllowUnsafeInterrupts()).hasValue(true);
  }

  @Test
  void theLoadedModulesParameterWinsOverTheCommandLine() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline", "iommufd.allow_unsafe_interrupts=1\n")
        .write("module/iommufd/parameters/allow_unsafe_interrupts", "N\n");

    assertThat(facts().iommufdAllowUnsafeInterrupts()).hasValue(false);
  }

  @Test
  void valuesTheKernelWouldRefuseAreNotesAndNotRecorded() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline", "vfio_iommu_type1.allow_unsafe_interrupts=maybe\n")
        .write("module/iommufd/parameters/allow_unsafe_interrupts", "1\n");

    KernelFacts facts = facts();

    assertThat(facts.vfioAllowUnsafeInterrupts()).isEmpty();
    assertThat(facts.iommufdAllowUnsafeInterrupts()).isEmpty();
    assertThat(notes.stream().map(InputNote::render).toList()).containsExactly(
        tmp.resolve("module/iommufd/parameters/allow_unsafe_interrupts")
            + ": note: '1' is not Y or N as the kernel prints a bool parameter; taken as not recorded",
        tmp.resolve("proc/cmdline") + ": note: vfio_iommu_type1.allow_unsafe_interrupts='maybe' is not a value"
            + " the kernel accepts for a bool; it keeps its default");
  }

  @Test
  void wordsAfterDoubleDashGoToInitNotTheKernel() throws Exception {
    intel(DELL_DMAR).write("proc/cmdline", "quiet -- vfio_iommu_type1.allow_unsafe_interrupts=1 intremap=off\n");

    KernelFacts facts = facts();

    assertThat(facts.vfioAllowUnsafeInterrupts()).isEmpty();
    assertThat(facts.interruptRemapping().get().isolated()).isTrue();
  }

  private SysfsFixture amd(String features) {
    return SysfsFixture.laptopIommuOff(tmp).mkdirs("class/iommu/ivhd0")
        .write("class/iommu/ivhd0/amd-iommu/features", features);
  }

  @Test
  void amdEfr2IsTheFirstHalfFrom60AndTheSecondFrom67() throws Exception {
    amd("25bf732fa2295afe:840\n").write("proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
    assertThat(facts().amdEfr2()).hasValue(0x25bf732fa2295afeL);
    assertThat(facts().driver()).hasValue(IommuDriver.AMD);

    Files.writeString(tmp.resolve("proc/sys/kernel/osrelease"), "6.8.0-45-generic\n");
    assertThat(facts().amdEfr2()).hasValue(0x840L);
    assertThat(notes).isEmpty();
  }

  @Test
  void amdEfr2IsNotReadWithoutTheRelease() throws Exception {
    amd("246577efa2254afa:800\n");

    assertThat(facts().amdEfr2()).isEmpty();
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).message()).contains("which half is EFR2 depends on the kernel release");
  }

  @Test
  void beforeLinux60TheFeaturesFileHoldsEfrAlone() throws Exception {
    amd("246577efa2254afa\n").write("proc/sys/kernel/osrelease", "5.15.0-91-generic\n");
    assertThat(facts().amdEfr2()).isEmpty();
    assertThat(notes).isEmpty();

    Files.writeString(tmp.resolve("proc/sys/kernel/osrelease"), "6.2.0\n");
    assertThat(facts().amdEfr2()).isEmpty();
    assertThat(notes.get(0).message()).contains("does not have the form kernel 6.2 prints (two values)");
  }

  @Test
  void aGarbageFeaturesFileIsANote() throws Exception {
    amd("\u001b[31mred\n").write("proc/sys/kernel/osrelease", "6.8.0\n");

    assertThat(facts().amdEfr2()).isEmpty();
    assertThat(notes.get(0).message()).isEqualTo("'\\x1b[31mred' is not hex or hex:hex as the AMD driver prints it;"
        + " EFR2 not recorded");
  }

  @Test
  void armMsisAreIsolatedWithAGicItsAndNotWithout() throws Exception {
    SysfsFixture.laptopIommuOff(tmp).mkdirs("class/iommu/smmu3.0x0000000009050000")
        .acpiTable("IORT", Files.readAllBytes(Corpus.iortDir().resolve("radxa-orion-o6-cix-sky1/IORT.bin")))
        .write("firmware/acpi/tables/APIC", MadtBytes.madt(0x0b, 0x0f));

    KernelFacts facts = facts();
    assertThat(facts.driver()).hasValue(IommuDriver.ARM_SMMU);
    assertThat(facts.interruptRemapping()).hasValue(new InterruptRemapping(true,
        "the MADT (APIC table) lists a GIC ITS (type 0x0F) and the IORT has an ITS group"));

    Files.write(tmp.resolve("firmware/acpi/tables/APIC"), MadtBytes.madt(0x0b, 0x0c));
    assertThat(facts().interruptRemapping()).hasValue(new InterruptRemapping(false,
        "the MADT (APIC table) lists no GIC ITS: MSIs cannot be isolated"));
  }

  @Test
  void anUndecodableMadtIsANoteAndDecidesNothing() throws Exception {
    SysfsFixture.laptopIommuOff(tmp).mkdirs("class/iommu/smmu3.0x0000000009050000")
        .write("firmware/acpi/tables/APIC", "APIC");

    assertThat(facts().interruptRemapping()).isEmpty();
    assertThat(notes.get(0).message()).startsWith("not used to decide MSI isolation: ");
  }

  // ---------------------------------------------------------------- hostile snapshots

  @Test
  void aGarbageReleaseIsAnErrorNamingTheFile() {
    SysfsFixture.laptop(tmp).write("proc/sys/kernel/osrelease", "hello\n");

    InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp));

    assertThat(e.source()).isEqualTo(tmp.resolve("proc/sys/kernel/osrelease").toString());
    assertThat(e.detail()).contains("does not start with X.Y");
  }

  @Test
  void aReleaseWithControlCharactersIsRefused() {
    SysfsFixture.laptop(tmp).write("proc/sys/kernel/osrelease", "6.8.0\u001b]0;owned\u0007\n");

    InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp));

    assertThat(e.detail()).isEqualTo("'6.8.0\\x1b]0;owned\\x07' is not a kernel release (control characters, or too long)");
  }

  @Test
  void aTenMebibyteCommandLineIsRefused() throws IOException {
    SysfsFixture.laptop(tmp).mkdirs("proc");
    byte[] huge = new byte[10 << 20];
    Arrays.fill(huge, (byte) 'a');
    Files.write(tmp.resolve("proc/cmdline"), huge);

    InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp));

    assertThat(e.source()).isEqualTo(tmp.resolve("proc/cmdline").toString());
    assertThat(e.detail()).isEqualTo("is longer than 1 MiB, the most resvc reads from a sysfs file");
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    SysfsFixture.laptop(tmp).mkdirs("proc");
    Path fifo = tmp.resolve("proc/cmdline");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");

    InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp));

    assertThat(e.source()).isEqualTo(fifo.toString());
    assertThat(e.detail()).contains("is not a regular file");
  }

  @Test
  void aLinkOutOfTheSnapshotIsRefused() throws Exception {
    Path outside = Files.writeString(Files.createTempFile("secret", ".txt"), "6.8.0\n");
    try {
      SysfsFixture.laptop(tmp).mkdirs("proc/sys/kernel");
      Files.createSymbolicLink(tmp.resolve("proc/sys/kernel/osrelease"), outside);

      InputException e = assertThrows(InputException.class, () -> SysfsReader.read(tmp));

      assertThat(e.source()).isEqualTo(tmp.resolve("proc/sys/kernel/osrelease").toString());
      assertThat(e.detail()).startsWith("links outside the snapshot");
    } finally {
      Files.delete(outside);
    }
  }

  // ---------------------------------------------------------------- snapshots and the live machine

  @Test
  void aSnapshotKeepsTheKernelFilesAndReadsBackTheSameFacts() throws Exception {
    Path source = tmp.resolve("source");
    SysfsFixture.laptop(source).acpiTable("DMAR", Corpus.dmar(DELL_DMAR)).mkdirs("class/iommu/dmar0")
        .write("proc/sys/kernel/osrelease", "6.8.0-45-generic\n").write("proc/cmdline", "quiet splash\n")
        .write("proc/interrupts", " 24: 0 IR-PCI-MSI 0-edge  dmar0\n")
        .write("module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "Y\n")
        .write("firmware/acpi/tables/APIC", MadtBytes.madt(0x00));
    Path out = tmp.resolve("out");

    SysfsSnapshot written = SnapshotWriter.write(source, out).value();
    SysfsSnapshot copy = SysfsReader.read(out).value();

    assertThat(copy.kernelFacts()).isEqualTo(written.kernelFacts());
    assertThat(copy.kernelFacts().release().map(KernelRelease::version)).hasValue("6.8");
    assertThat(copy.sameContentAs(written)).isTrue();
    for (String file : List.of("proc/sys/kernel/osrelease", "proc/cmdline", "proc/interrupts",
        "module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "firmware/acpi/tables/APIC")) {
      assertThat(Files.readAllBytes(out.resolve(file))).isEqualTo(Files.readAllBytes(source.resolve(file)));
    }
    assertThat(Files.isDirectory(out.resolve("class/iommu/dmar0"))).isTrue();
    SnapshotWriterTest.assertNoLinkEscapes(out);
  }

  @Test
  void theLiveMachinesReleaseAndCommandLineAreRead() throws Exception {
    Path osrelease = Path.of("/proc/sys/kernel/osrelease");
    assumeTrue(Files.isReadable(osrelease) && Files.isDirectory(Path.of("/sys/kernel")), "no /proc or /sys here");
    assumeTrue(SysfsTree.open(Path.of("/sys")).isMountedSysfs(), "/sys is not a mounted sysfs");

    KernelFacts facts = SysfsReader.read(Path.of("/sys")).value().kernelFacts();

    String expected = Files.readString(osrelease, StandardCharsets.ISO_8859_1).strip();
    assertThat(facts.release().map(KernelRelease::text)).isEqualTo(Optional.of(expected));
    if (Files.isReadable(Path.of("/proc/cmdline"))) {
      assertThat(facts.commandLine()).isPresent();
    }
  }
}
