package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.resvc.runtime.model.KernelRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KernelEraTest {
  /** The runtime module's tests run in runtime/; the evidence page is docs/kernel-eras.md of the same clone. */
  private static final Path ERAS_DOC = Path.of("..", "docs", "kernel-eras.md");

  @Test
  void everyCommitIsCitedInTheEvidencePage() throws IOException {
    String doc = Files.readString(ERAS_DOC);
    for (KernelEra era : KernelEra.values()) {
      if (!era.commit().isEmpty()) {
        assertWithMessage("%s cites %s, which docs/kernel-eras.md must give evidence for", era, era.commit())
            .that(doc).contains(era.commit());
      }
      assertWithMessage("%s's release v%s appears in docs/kernel-eras.md", era, era.since().version())
          .that(doc).contains("v" + era.since().version());
    }
  }

  @Test
  void semanticsListsEveryEraWithItsReleaseAndCommit() throws IOException {
    String semantics = Files.readString(Path.of("..", "docs", "semantics.md"));
    for (KernelEra era : KernelEra.values()) {
      String row = "| `" + era.name() + "` | v" + era.since().version() + " | "
          + (era.commit().isEmpty() ? "(series)" : era.commit()) + " |";
      assertWithMessage("docs/semantics.md's era table has the row for %s", era).that(semantics).contains(row);
    }
  }

  @Test
  void aBoundaryHoldsFromItsReleaseOn() {
    assertThat(KernelEra.REQUIRE_DIRECT.in(KernelRelease.parse("6.5.13"))).isFalse();
    assertThat(KernelEra.REQUIRE_DIRECT.in(KernelRelease.parse("6.6.0-rc1"))).isTrue();
    assertThat(KernelEra.REQUIRE_DIRECT.in(KernelRelease.parse("6.8.0-45-generic"))).isTrue();
    assertThat(KernelEra.VFIO_IOVA_LIST.in(KernelRelease.parse("4.19.0-26-amd64"))).isFalse();
    assertThat(KernelEra.VFIO_IOVA_LIST.in(KernelRelease.parse("5.14.0-427.el9"))).isTrue();
    assertThat(KernelEra.REQUIRE_DIRECT.cite()).isEqualTo("v6.6 (a48ce36e2786)");
    assertThat(KernelEra.IOMMUFD.cite()).isEqualTo("v6.2");
  }

  @Test
  void noBoundaryLiesPastTheNewestReleaseModelled() {
    for (KernelEra era : KernelEra.values()) {
      assertWithMessage("%s", era).that(era.in(TargetKernel.NEWEST)).isTrue();
    }
  }
}
