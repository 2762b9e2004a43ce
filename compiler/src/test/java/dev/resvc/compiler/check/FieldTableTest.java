package dev.resvc.compiler.check;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.palantir.javapoet.JavaFile;
import dev.resvc.compiler.PolicyCompiler;
import dev.resvc.compiler.codegen.CompiledPolicies;
import dev.resvc.compiler.codegen.InMemoryJavaCompiler;
import dev.resvc.compiler.codegen.PolicyGenerator;
import dev.resvc.compiler.interp.Explainer;
import dev.resvc.compiler.interp.Interpreter;
import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.kernel.TargetKernel;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.IommuGroup;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.policy.Policy;
import dev.resvc.runtime.range.U64;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every field of the {@link Field} table has every phase's part: a value written through {@link
 * FieldValues} (how witnesses and tests write) reads back through the table's reader (the
 * interpreter's); the checker accepts a test of {@code scope.name}; the interpreter, the explainer and
 * the generated class (compiled in memory) all see the value; the field has a label; and a {@code
 * device} statement's attribute, where the field has one, sets it. A field added without one of these
 * fails here.
 */
class FieldTableTest {
  private static final long NUMBER = 0x1234;
  private static final String STRING = "sample";
  private static final PciAddress ADDRESS = PciAddress.of(0, 1, 2, 3);

  @TempDir Path dir;

  /** A value of {@code f} that differs from the one {@link FieldValues#NONE} gives it. */
  private static Object sample(Field f) {
    if (f == Field.HOST_MSI_ISOLATED) {
      return false; // the newest kernel, the default, has MSIs isolated
    }
    return switch (f.kind()) {
      case INT -> NUMBER;
      case ENUM -> f.runtimeConstants().get(f.runtimeConstants().size() - 1);
      case STRING -> STRING;
      case BDF -> ADDRESS;
      case BOOL -> true;
      case FLAGS -> (long) Prot.WRITE;
    };
  }

  /** The sample as a policy writes a test that holds for it alone. */
  private static String condition(Field f) {
    return switch (f.kind()) {
      case INT -> f.spelling() + " == " + (f.isVersion() ? KernelRelease.ofKey(NUMBER).version() : U64.hex(NUMBER));
      case ENUM -> f.spelling() + " == " + f.constants().get(f.constants().size() - 1);
      case STRING -> f.spelling() + " == \"" + STRING + "\"";
      case BDF -> f.spelling() + " == " + ADDRESS.toShortString();
      case BOOL -> sample(f).equals(true) ? f.spelling() : "not " + f.spelling();
      case FLAGS -> f.spelling() + " has " + f.constants().get(Integer.numberOfTrailingZeros(Prot.WRITE));
    };
  }

  /** The parts of an input written from {@code values}. */
  private record Input(TargetKernel kernel, Device device, int group, Region region, GuestRange guest) {
    static Input of(FieldValues values) {
      return new Input(values.kernel(), values.device(List.of()), values.group(), values.region(), values.guest());
    }

    /** The field's value; null for an optional field the input lacks. */
    Object read(Field f) {
      return f.read(kernel, device, group, region, guest).orElse(null);
    }
  }

  @Test
  void aValueWrittenReadsBack() {
    for (Field f : Field.values()) {
      Input in = Input.of(FieldValues.NONE.with(f, sample(f)));
      Object expected = switch (f.kind()) {
        case FLAGS -> new Prot(Prot.WRITE);
        default -> f == Field.REGION_SIZE ? BigInteger.valueOf(NUMBER) : sample(f);
      };
      assertWithMessage(f.spelling()).that(in.read(f)).isEqualTo(expected);
      assertWithMessage(f.spelling()).that(Input.of(FieldValues.NONE).read(f)).isNotEqualTo(expected);
    }
  }

  @Test
  void everyFieldIsLabelledAndSaysWhenItsPartIsAbsent() {
    for (Field f : Field.values()) {
      Input in = Input.of(FieldValues.NONE.with(f, sample(f)));
      String fact = f.fact(in.kernel(), in.device(), in.group(), in.region(), in.guest());
      assertWithMessage(f.spelling()).that(fact).isNotEmpty();
      assertWithMessage(f.spelling()).that(fact).isNotEqualTo(f.scope().absentFact());
      if (f.scope() == Scope.KERNEL || f.scope() == Scope.HOST) {
        continue; // the kernel is never absent
      }
      assertWithMessage(f.spelling()).that(f.fact(in.kernel(), null, -1, null, null)).isEqualTo(f.scope().absentFact());
    }
  }

  @Test
  void theCheckerInterpreterExplainerAndGeneratedCodeAgreeOnEveryField() throws IOException {
    StringBuilder classify = new StringBuilder();
    StringBuilder conflicts = new StringBuilder();
    for (Field f : Field.values()) {
      StringBuilder section = f.scope() == Scope.GUEST ? conflicts : classify;
      String decision = f.scope() == Scope.GUEST ? "fatal \"f\"" : "direct-relaxable";
      section.append("  rule ").append(f.name().toLowerCase()).append(": when ").append(condition(f))
          .append(" => ").append(decision).append(";\n");
    }
    CheckedPolicy checked = check("policy t.Fields;\nclassify {\n" + classify + "  default => keep;\n}\n"
        + "conflicts {\n" + conflicts + "  default => allow;\n}\n");
    JavaFile java = PolicyGenerator.generate(checked, "0");
    Map<String, byte[]> classes = InMemoryJavaCompiler.compile(List.of(java));
    Policy compiled = CompiledPolicies.load(classes);
    Interpreter interpreter = new Interpreter(checked);

    for (Field f : Field.values()) {
      String rule = f.name().toLowerCase();
      Input hit = Input.of(FieldValues.NONE.with(f, sample(f)));
      Input miss = Input.of(FieldValues.NONE);
      if (f.scope() == Scope.GUEST) {
        assertWithMessage(f.spelling()).that(
            interpreter.conflict(hit.kernel(), hit.region(), hit.guest()).provenance().rule()).isEqualTo(rule);
        assertWithMessage(f.spelling()).that(compiled.conflict(hit.kernel(), hit.region(), hit.guest()))
            .isEqualTo(interpreter.conflict(hit.kernel(), hit.region(), hit.guest()));
        assertWithMessage(f.spelling()).that(compiled.conflict(miss.kernel(), miss.region(), miss.guest()))
            .isEqualTo(checked.conflictDefault());
      } else {
        assertWithMessage(f.spelling()).that(interpreter.classify(hit.kernel(), hit.device(), hit.group(), hit.region())
            .provenance().rule()).isEqualTo(rule);
        assertWithMessage(f.spelling()).that(compiled.classify(hit.kernel(), hit.device(), hit.group(), hit.region()))
            .isEqualTo(interpreter.classify(hit.kernel(), hit.device(), hit.group(), hit.region()));
        assertWithMessage(f.spelling()).that(compiled.classify(miss.kernel(), miss.device(), miss.group(), miss.region()))
            .isEqualTo(checked.classifyDefault());
      }
      List<Explainer.Trial> trials = f.scope() == Scope.GUEST
          ? Explainer.trials(checked, Section.CONFLICTS,
              new Interpreter.Facts(hit.kernel(), null, -1, hit.region(), hit.guest()))
          : Explainer.trials(checked, Section.CLASSIFY,
              new Interpreter.Facts(hit.kernel(), hit.device(), hit.group(), hit.region(), null));
      assertWithMessage(f.spelling()).that(trials.get(trials.size() - 1).rule()).isEqualTo(rule);
      assertWithMessage(f.spelling()).that(trials.get(trials.size() - 1).parts().get(0).facts()).isNotEmpty();
    }
  }

  @Test
  void aDeviceStatementSetsEveryFieldWithAnAttribute() throws IOException {
    List<Field> withAttribute = new ArrayList<>();
    StringBuilder device = new StringBuilder("  device 00:01.0");
    for (Field f : Field.values()) {
      if (f.testAttribute().isEmpty()) {
        continue;
      }
      withAttribute.add(f);
      device.append(' ').append(f.testAttribute().get());
      switch (f.kind()) {
        case INT -> device.append(' ').append(U64.hex(NUMBER));
        case STRING -> device.append(" \"").append(STRING).append('"');
        case BOOL -> { }
        default -> throw new AssertionError(f + ": a device attribute of kind " + f.kind() + " is not covered here");
      }
    }
    assertThat(withAttribute).isNotEmpty();
    CheckedPolicy checked = check("policy t.Attrs;\nclassify {\n  default => keep;\n}\n"
        + "test \"attributes\" {\n" + device + ";\n  expect no findings;\n}\n");
    TestCase test = checked.tests().get(0);
    PciDevice d = test.host().devices().get(0);
    int group = test.host().groupOf(d.address()).orElseThrow().id();
    for (Field f : withAttribute) {
      Object expected = f.kind() == Field.Kind.INT ? (Object) NUMBER : sample(f);
      assertWithMessage(f.spelling()).that(f.read(test.kernel(), d, group, null, null).orElseThrow()).isEqualTo(expected);
    }
  }

  @Test
  void aPlatformStatementSetsEveryFieldWithAPlatformAttribute() throws IOException {
    List<Field> withAttribute = new ArrayList<>();
    StringBuilder platform = new StringBuilder("  platform \"dprc.1\"");
    for (Field f : Field.values()) {
      if (f.platformTestAttribute().isEmpty()) {
        continue;
      }
      withAttribute.add(f);
      platform.append(' ').append(f.platformTestAttribute().get());
      switch (f.kind()) {
        case INT -> platform.append(' ').append(U64.hex(NUMBER));
        case STRING -> platform.append(" \"").append(STRING).append('"');
        case ENUM -> platform.append(' ').append(f.constants().get(f.constants().size() - 1));
        default -> throw new AssertionError(f + ": a platform attribute of kind " + f.kind() + " is not covered here");
      }
    }
    assertThat(withAttribute).isNotEmpty();
    CheckedPolicy checked = check("policy t.PlatformAttrs;\nclassify {\n  default => keep;\n}\n"
        + "test \"attributes\" {\n" + platform + ";\n  expect no findings;\n}\n");
    TestCase test = checked.tests().get(0);
    IommuGroup group = test.host().groups().get(0);
    Device d = group.members().get(0).device();
    assertThat(d.name()).isEqualTo("dprc.1");
    for (Field f : withAttribute) {
      Object expected = f.kind() == Field.Kind.INT ? (Object) NUMBER : sample(f);
      assertWithMessage(f.spelling()).that(f.read(test.kernel(), d, group.id(), null, null).orElseThrow()).isEqualTo(expected);
    }
  }

  private CheckedPolicy check(String text) throws IOException {
    Path file = dir.resolve("fields.resv");
    Files.writeString(file, text);
    PolicyCompiler.Compilation c = PolicyCompiler.compile(file, "fields.resv");
    assertWithMessage(c.diagnostics().toString()).that(c.policy()).isPresent();
    return c.policy().orElseThrow();
  }
}
