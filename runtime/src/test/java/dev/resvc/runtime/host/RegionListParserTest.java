package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.resvc.runtime.host.RegionListParser.Dialect;
import dev.resvc.runtime.host.RegionListParser.RegionList;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.testing.Notes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionListParserTest {
  private final List<InputNote> notes = new ArrayList<>();

  private RegionList file(String text) throws InputException {
    return Notes.keep(RegionListParser.parse(text, "in.txt", Dialect.REGION_FILE, true), notes);
  }

  private InputException fileError(String text) {
    return assertThrows(InputException.class, () -> file(text));
  }

  @Test
  void readsRegionFilesWithCommentsAndAnAperture() throws InputException {
    RegionList list = file("""
        # group 7
        aperture 0x0 0xffffffffffff
        0x3e2e0000 0x3e2fffff direct      # RMRR
        4276092928 4277141503 msi
        0x8000000 0x80fffff sw-msi

        """);
    assertThat(list.aperture()).hasValue(new AddressRange(0, 0xffffffffffffL));
    assertThat(list.regions().stream().map(Region::type).toList())
        .containsExactly(RegionType.DIRECT, RegionType.MSI, RegionType.SW_MSI).inOrder();
    assertThat(list.regions().get(1).toSysfsLine()).isEqualTo("0x00000000fee00000 0x00000000feefffff msi");
    assertThat(list.lines()).containsExactly(3, 4, 5).inOrder();
    assertThat(notes).isEmpty();
  }

  @Test
  void readsTheKernelsOwnFormat() throws InputException {
    RegionList list = Notes.keep(RegionListParser.parse(
        "0x00000000fee00000 0x00000000feefffff msi\n0x0000000008000000 0x00000000080fffff msi\n",
        "reserved_regions", Dialect.SYSFS, false), notes);
    assertThat(list.regions()).hasSize(2);
    assertThat(list.regions().get(1).type()).isEqualTo(RegionType.MSI); // sysfs cannot tell sw-msi apart
  }

  @Test
  void endOneBelowStartIsAZeroLengthRegionWithAWarning() throws InputException {
    RegionList list = file("0x2000 0x1fff direct\n0x0 0xffffffffffffffff reserved\n");
    assertThat(list.regions().get(0).length()).isEqualTo(0);
    assertThat(list.regions().get(1).length()).isEqualTo(0);
    assertThat(notes).hasSize(2);
    assertThat(notes.get(0).render()).isEqualTo(
        "in.txt:1:8: warning: end 0x0000000000001fff is one below the start: a zero-length region"
            + " (the kernel keeps and prints such regions, but they cover nothing)");
  }

  @Test
  void regionsAtTheTopOfTheAddressSpace() throws InputException {
    RegionList list = file("0xfffffffffffff000 0xffffffffffffffff reserved\n");
    assertThat(list.regions().get(0).length()).isEqualTo(0x1000);
    assertThat(list.regions().get(0).end()).isEqualTo(-1L);
  }

  @Test
  void badLinesNameTheLineAndColumn() {
    assertThat(fileError("0x1000 0x1fff direct\n0x3000 0x1000 direct\n")).hasMessageThat().isEqualTo(
        "in.txt:2:8: end 0x0000000000001000 lies below start 0x0000000000003000"
            + " (only end = start - 1, a zero-length region, can come from the kernel)");
    assertThat(fileError("0x1000 0x10000000000000000 direct\n")).hasMessageThat().isEqualTo(
        "in.txt:1:8: end: '0x10000000000000000' does not fit in 64 bits (above 0xffffffffffffffff)");
    assertThat(fileError("0x1000 0x1fff dirct\n")).hasMessageThat().isEqualTo(
        "in.txt:1:15: unknown region type 'dirct' (expected direct, direct-relaxable, reserved, msi or sw-msi)");
    assertThat(fileError("0x1000 0x1fff\n")).hasMessageThat()
        .startsWith("in.txt:1:1: expected '<start> <end> <type> [prot=<flags>]' (3 or 4 fields), found 2");
    assertThat(fileError("0x1000 0x1fff direct extra\n")).hasMessageThat()
        .startsWith("in.txt:1:22: expected '<start> <end> <type> [prot=<flags>]' (3 or 4 fields), found 4");
    assertThat(fileError("zz 0x1fff direct\n")).hasMessageThat()
        .isEqualTo("in.txt:1:1: start: 'zz' is not a decimal number");
    assertThat(fileError("0x1000 0x1fff direct\naperture 0 1\n")).hasMessageThat()
        .contains("the 'aperture' line must come first");
  }

  @Test
  void aRegionFileCarriesTheKernelsProtectionFlags() throws InputException {
    // include/linux/iommu.h IOMMU_READ ... IOMMU_PRIV, written as Prot prints them.
    List<Region> regions = Notes.keep(RegionListParser.parse("""
        0x1000 0x1fff direct prot=read|write
        0x8000000 0x80fffff sw-msi prot=write|noexec|mmio
        0xfee00000 0xfeefffff msi prot=none
        0x2000 0x2fff reserved
        """, "in.txt", Dialect.REGION_FILE, false), notes).regions();
    assertThat(regions.stream().map(r -> r.prot().toString()).toList())
        .containsExactly("read|write", "write|noexec|mmio", "none", "none").inOrder();
    assertThat(regions.get(1).prot()).isEqualTo(Prot.MSI_DOORBELL);
    assertThat(fileError("0x1000 0x1fff direct prot=read|exec\n")).hasMessageThat().isEqualTo(
        "in.txt:1:22: unknown protection 'prot=read|exec' (expected prot=none or flags joined by '|' from read,"
            + " write, cache, noexec, mmio, priv)");
    assertThat(fileError("0x1000 0x1fff direct prot=read|read\n")).hasMessageThat().contains("unknown protection");
    assertThat(fileError("0x1000 0x1fff direct prot=\n")).hasMessageThat().contains("unknown protection");
    // The kernel's own file never has a fourth field.
    InputException e = assertThrows(InputException.class, () -> RegionListParser.parse(
        "0x0000000000001000 0x0000000000001fff direct prot=read\n", "reserved_regions", Dialect.SYSFS, false));
    assertThat(e).hasMessageThat().contains("expected '<start> <end> <type>' (3 fields), found 4");
  }

  @Test
  void sysfsDialectIsStrict() {
    InputException e = assertThrows(InputException.class, () -> Notes.keep(RegionListParser.parse(
        "4096 0x1fff direct\n", "reserved_regions", Dialect.SYSFS, false), notes));
    assertThat(e).hasMessageThat().contains("not 0x-prefixed hex as the kernel prints it");
    e = assertThrows(InputException.class, () -> Notes.keep(RegionListParser.parse(
        "# comment\n", "reserved_regions", Dialect.SYSFS, false), notes));
    assertThat(e).hasMessageThat().startsWith("reserved_regions:1:1:");
    e = assertThrows(InputException.class, () -> Notes.keep(RegionListParser.parse(
        "aperture 0x0 0x1\n", "in.txt", Dialect.REGION_FILE, false), notes));
    assertThat(e).hasMessageThat().contains("only meaningful for 'resvc iova'");
  }

  @Test
  void hostileLinesGetOneShortLine() {
    // A megabyte-long number, and a line of a hundred thousand fields: the message quotes a cut.
    String longNumber = "0x0 " + "9".repeat(1 << 20) + " direct\n";
    InputException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(InputException.class,
        () -> RegionListParser.parse(longNumber, "r.txt", Dialect.REGION_FILE, false).value()));
    assertThat(e).hasMessageThat().startsWith("r.txt:1:5: end: '999");
    assertThat(e.getMessage().length()).isLessThan(200);
    String manyFields = "0x0 ".repeat(100_000) + "\n";
    e = assertThrows(InputException.class,
        () -> RegionListParser.parse(manyFields, "r.txt", Dialect.REGION_FILE, false).value());
    assertThat(e).hasMessageThat().startsWith("r.txt:1:13: expected '<start> <end> <type> [prot=<flags>]' (3 or 4 fields), found 100000:"
        + " '0x0 0x0");
    assertThat(e.getMessage().length()).isLessThan(200);
  }

  @Test
  void controlCharactersInATokenAreEscaped() {
    InputException e = assertThrows(InputException.class,
        () -> RegionListParser.parse("0x0 0xfff dir\u001b[2Ject\n", "r.txt", Dialect.REGION_FILE, false).value());
    assertThat(e).hasMessageThat().contains("unknown region type 'dir\\x1b[2Ject'");
  }
}
