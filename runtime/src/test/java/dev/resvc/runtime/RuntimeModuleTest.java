package dev.resvc.runtime;

import static com.google.common.truth.Truth.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The runtime's module, as built from {@code module-info.java}: its name, that it needs nothing but
 * JDK modules ({@code java.base}; {@code java.xml} for libvirt domain XML), and exactly which
 * packages it exports. A new package, or an export added or dropped, fails here until this list (and
 * docs/architecture.md, which draws it) says why.
 */
class RuntimeModuleTest {
  static final String NAME = "dev.resvc.runtime";

  /** What embedders and generated classes use; see module-info.java for why each is here. */
  static final Set<String> EXPORTED = Set.of(
      "dev.resvc.runtime.firmware",
      "dev.resvc.runtime.guest",
      "dev.resvc.runtime.host",
      "dev.resvc.runtime.input",
      "dev.resvc.runtime.kernel",
      "dev.resvc.runtime.model",
      "dev.resvc.runtime.policy",
      "dev.resvc.runtime.policy.index",
      "dev.resvc.runtime.range",
      "dev.resvc.runtime.vmm");

  /** Packages of the module that embedders do not see. None today: every package has an embedder's use. */
  static final Set<String> INTERNAL = Set.of();

  /** The descriptor of the built module ({@code target/classes}), not of the test run's patched one. */
  private static ModuleDescriptor built() {
    ModuleReference ref = ModuleFinder.of(Path.of("target/classes")).find(NAME).orElseThrow(
        () -> new AssertionError("no module " + NAME + " in target/classes: is module-info.java compiled?"));
    return ref.descriptor();
  }

  @Test
  void theModuleIsNamedAndNeedsOnlyJdkModules() {
    ModuleDescriptor d = built();
    assertThat(d.isAutomatic()).isFalse();
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
        .containsExactly("java.base", "java.xml");
    assertThat(d.uses()).isEmpty();
    assertThat(d.provides()).isEmpty();
  }

  @Test
  void exportsExactlyTheEmbeddersPackagesToEveryone() {
    ModuleDescriptor d = built();
    for (ModuleDescriptor.Exports e : d.exports()) {
      assertThat(e.isQualified()).isFalse();
    }
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactlyElementsIn(EXPORTED);
    assertThat(d.opens()).isEmpty();
  }

  @Test
  void everyPackageIsExportedOrKnownToBeInternal() {
    Set<String> accounted = new HashSet<>(EXPORTED);
    accounted.addAll(INTERNAL);
    assertThat(built().packages()).containsExactlyElementsIn(accounted);
  }

  /** The tests run inside the named module (surefire patches them in), as an embedder's module sees it. */
  @Test
  void testsRunInsideTheNamedModule() {
    Module module = RuntimeModuleTest.class.getModule();
    assertThat(module.isNamed()).isTrue();
    assertThat(module.getName()).isEqualTo(NAME);
    assertThat(module.getDescriptor().exports().stream().map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet())).containsExactlyElementsIn(EXPORTED);
  }
}
