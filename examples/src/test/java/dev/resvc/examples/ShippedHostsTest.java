package dev.resvc.examples;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.firmware.DmarReader;
import dev.resvc.runtime.firmware.DmarTable;
import dev.resvc.runtime.guest.GuestLayout;
import dev.resvc.runtime.guest.GuestLayoutParser;
import dev.resvc.runtime.guest.GuestPresets;
import dev.resvc.runtime.host.HostBuilder;
import dev.resvc.runtime.host.SysfsReader;
import dev.resvc.runtime.host.SysfsSnapshot;
import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.InputNote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every shipped host reads cleanly, and its firmware explains every sysfs line. */
class ShippedHostsTest {
  private static final Path HOSTS = Path.of("hosts");

  static List<Path> hosts() throws IOException {
    try (Stream<Path> dirs = Files.list(HOSTS)) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> firmwareExplainsEverySysfsLine() throws IOException {
    assertThat(hosts()).isNotEmpty();
    return hosts().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
      List<InputNote> notes = new ArrayList<>();
      SysfsSnapshot snapshot = SysfsReader.read(dir, notes);
      assertThat(Files.exists(dir.resolve("README.md"))).isTrue();
      assertThat(snapshot.groups()).isNotEmpty();
      DmarTable dmar = DmarReader.read(snapshot.acpiTable("DMAR").orElseThrow(), "DMAR", true, notes);
      HostBuilder.withDmar(snapshot, dir.toString(), dmar, "DMAR", notes);
      assertThat(notes.stream().map(InputNote::render).toList()).isEmpty();
    }));
  }

  @Test
  void theServersRaidNicsAndIloCannotBeAssigned() throws InputException {
    List<InputNote> notes = new ArrayList<>();
    List<AssignmentCheck.GroupAnswer> answers =
        AssignmentCheck.check(HOSTS.resolve("hp-proliant-dl360-g7"), GuestPresets.q35(16L << 30), notes);
    assertThat(answers.stream().filter(a -> !a.assignable()).map(AssignmentCheck.GroupAnswer::groupId).toList())
        .containsExactly(5, 9, 10, 11).inOrder();
    AssignmentCheck.GroupAnswer raid = answers.stream().filter(a -> a.groupId() == 10).findFirst().orElseThrow();
    assertThat(raid.problems()).containsExactly(
        "0000:03:00.0 has a direct region 0x00000000df61e000 0x00000000df61ffff direct: the kernel refuses"
            + " to detach it from its 1:1 mapping (-EINVAL)");
    // The DMAR host address width (0x26: 39 bits) bounds the VT-d aperture.
    assertThat(raid.validIova().get(raid.validIova().size() - 1).end()).isEqualTo((1L << 39) - 1);
  }

  @Test
  void guestRamOverAnExcludedRegionCannotBeMapped() throws InputException {
    // A pc guest with 3576 MiB keeps all RAM below 4 GiB: [0, 0xdf7fffff] covers the RMRRs.
    List<AssignmentCheck.GroupAnswer> answers = AssignmentCheck.check(
        HOSTS.resolve("hp-proliant-dl360-g7"), GuestPresets.pc(3576L << 20), new ArrayList<>());
    AssignmentCheck.GroupAnswer raid = answers.stream().filter(a -> a.groupId() == 10).findFirst().orElseThrow();
    assertThat(raid.problems()).contains("guest RAM low-ram 0x0000000000000000..0x00000000df7fffff cannot be"
        + " mapped for DMA (-EINVAL): 0x00000000df61e000 0x00000000df61ffff direct");
    // The USB group's RMRRs are relaxable: VFIO leaves them in the valid ranges, so RAM maps.
    AssignmentCheck.GroupAnswer usb = answers.stream().filter(a -> a.groupId() == 6).findFirst().orElseThrow();
    assertThat(usb.assignable()).isTrue();
  }

  @Test
  void theLaptopsUsbAndGraphicsAreAssignable() throws InputException {
    List<AssignmentCheck.GroupAnswer> answers =
        AssignmentCheck.check(HOSTS.resolve("dell-latitude-5414"), GuestPresets.q35(4L << 30), new ArrayList<>());
    assertThat(answers.stream().allMatch(AssignmentCheck.GroupAnswer::assignable)).isTrue();
  }

  @Test
  void theCustomGuestLayoutParses() throws IOException, InputException {
    GuestLayout layout = GuestLayoutParser.parse(Files.readString(Path.of("guests/small-x86.layout")), "small-x86.layout");
    assertThat(layout.name()).isEqualTo("small-x86");
    assertThat(layout.ramSize().longValue()).isEqualTo((4L << 30) + (1L << 30));
  }
}
