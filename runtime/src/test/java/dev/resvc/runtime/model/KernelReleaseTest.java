package dev.resvc.runtime.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KernelReleaseTest {
  @Test
  void readsDistributionReleaseStrings() {
    KernelRelease rhel = KernelRelease.parse("5.14.0-427.13.1.el9_4.x86_64\n");
    assertThat(rhel.major()).isEqualTo(5);
    assertThat(rhel.minor()).isEqualTo(14);
    assertThat(rhel.patch()).isEqualTo(0);
    assertThat(rhel.text()).isEqualTo("5.14.0-427.13.1.el9_4.x86_64");
    assertThat(rhel.version()).isEqualTo("5.14");
    KernelRelease debian = KernelRelease.parse("4.19.0-26-amd64");
    assertThat(debian.version()).isEqualTo("4.19");
    assertThat(KernelRelease.parse("6.8.12").version()).isEqualTo("6.8.12");
    assertThat(KernelRelease.parse("6.6").text()).isEqualTo("6.6");
  }

  @Test
  void ordersAsVersionsNotAsStrings() {
    assertThat(KernelRelease.of(5, 14)).isGreaterThan(KernelRelease.of(5, 4));
    assertThat(KernelRelease.of(6, 10)).isGreaterThan(KernelRelease.of(6, 9));
    assertThat(KernelRelease.of(6, 6, 1)).isGreaterThan(KernelRelease.of(6, 6));
    assertThat(KernelRelease.parse("6.5.13-foo").atLeast(6, 6)).isFalse();
    assertThat(KernelRelease.parse("6.6.0-rc1").atLeast(6, 6)).isTrue();
  }

  @Test
  void keyRoundTripsAtTheLimits() {
    KernelRelease top = KernelRelease.of(KernelRelease.MAX_PART, KernelRelease.MAX_PART, KernelRelease.MAX_PART);
    assertThat(KernelRelease.ofKey(top.key())).isEqualTo(top);
    assertThat(top.key()).isGreaterThan(0L);
    assertThat(KernelRelease.ofKey(KernelRelease.of(6, 6).key()).version()).isEqualTo("6.6");
  }

  @Test
  void rejectsWhatIsNotARelease() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> KernelRelease.parse("linux")).getMessage())
        .contains("does not start with X.Y");
    assertThat(assertThrows(IllegalArgumentException.class, () -> KernelRelease.parse("6")).getMessage())
        .contains("does not start with X.Y");
    assertThrows(IllegalArgumentException.class, () -> KernelRelease.parse("99999999.1"));
    assertThrows(IllegalArgumentException.class, () -> KernelRelease.parse("1.2048576"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> KernelRelease.parse("x\u0000y")).getMessage())
        .doesNotContain("\u0000");
  }
}
