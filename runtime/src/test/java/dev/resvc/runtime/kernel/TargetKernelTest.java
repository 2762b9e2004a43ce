package dev.resvc.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.runtime.model.Backend;
import dev.resvc.runtime.model.KernelFacts;
import dev.resvc.runtime.model.KernelRelease;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetKernelTest {
  @Test
  void anUnknownKernelIsTheNewestAndSaysSo() {
    TargetKernel k = TargetKernel.resolve(KernelFacts.unknown(), Optional.empty(), Optional.empty());
    assertThat(k.release()).isEqualTo(TargetKernel.NEWEST);
    assertThat(k.backend()).isEqualTo(Backend.VFIO_TYPE1);
    assertThat(k.msiIsolated()).isTrue();
    assertThat(k.allowUnsafeInterrupts()).isFalse();
    assertThat(k.assumptions()).hasSize(2);
    assertThat(k.assumptions().get(0)).contains("kernel release unknown");
    assertThat(k.assumptions().get(1)).contains("MSI isolation not shown");
  }

  @Test
  void overridesWinOverTheHostsFacts() {
    KernelFacts facts = KernelFacts.unknown().withRelease(KernelRelease.parse("6.1.0-18-amd64"))
        .withInterruptRemapping(new KernelFacts.InterruptRemapping(false, "intremap=off on the command line"))
        .withVfioAllowUnsafeInterrupts(true);
    TargetKernel fromHost = TargetKernel.resolve(facts, Optional.empty(), Optional.empty());
    assertThat(fromHost.release().version()).isEqualTo("6.1");
    assertThat(fromHost.msiIsolated()).isFalse();
    assertThat(fromHost.allowUnsafeInterrupts()).isTrue();
    assertThat(fromHost.assumptions()).isEmpty();

    TargetKernel overridden = TargetKernel.resolve(facts, Optional.of(KernelRelease.of(6, 8)), Optional.of(Backend.IOMMUFD));
    assertThat(overridden.release().version()).isEqualTo("6.8");
    assertThat(overridden.backend()).isEqualTo(Backend.IOMMUFD);
    // iommufd has its own module parameter; the type1 one does not apply
    assertThat(overridden.allowUnsafeInterrupts()).isFalse();
  }
}
