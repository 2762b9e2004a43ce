package dev.resvc.runtime.host;

import static com.google.common.truth.Truth.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code /proc/cmdline} split and looked up as kernel/params.c does. */
class KernelCommandLineTest {
  @Test
  void wordsSplitOnBlanksWithQuotesGroupingAndStopAtDoubleDash() {
    KernelCommandLine c = KernelCommandLine.parse("  root=/dev/sda1  dyndbg=\"file x.c +p\" quiet -- single x=1");

    assertThat(c.words()).containsExactly("root=/dev/sda1", "dyndbg=file x.c +p", "quiet").inOrder();
  }

  @Test
  void theLastOccurrenceWinsAndDashesEqualUnderscores() {
    KernelCommandLine c = KernelCommandLine.parse("a.b_c=1 a.b-c=2 flag");

    assertThat(c.value("a.b_c")).hasValue("2");
    assertThat(c.value("flag")).hasValue("");
    assertThat(c.has("other")).isFalse();
  }

  @Test
  void boolsAreReadAsKstrtoboolReadsThem() {
    for (String yes : new String[] {"", "1", "y", "Y", "yes", "on", "ON"}) {
      assertThat(KernelCommandLine.kernelBool(yes)).hasValue(true);
    }
    for (String no : new String[] {"0", "n", "N", "no", "off", "Of"}) {
      assertThat(KernelCommandLine.kernelBool(no)).hasValue(false);
    }
    for (String bad : new String[] {"2", "o", "maybe"}) {
      assertThat(KernelCommandLine.kernelBool(bad)).isEqualTo(Optional.empty());
    }
  }
}
