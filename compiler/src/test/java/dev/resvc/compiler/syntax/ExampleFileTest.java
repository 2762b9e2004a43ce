package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.ast.TestStmt;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The example of LANGUAGE.md section 4, exactly as written there. */
class ExampleFileTest {
  static final String EXAMPLE = """
      policy examples.IntelVtdKernelDefault;        // also the generated Java class name

      const MSI_WINDOW = 0xfee00000 .. 0xfeefffff;
      predicate usb      = device.class matches 0x0c03xx;
      predicate graphics = device.class matches 0x03xxxx;

      classify {
        rule usb_rmrr:      when region.source == rmrr and usb      => direct-relaxable;
        rule graphics_rmrr: when region.source == rmrr and graphics => direct-relaxable;
        default => keep;
      }

      conflicts {
        rule msi_in_ram:    when region.type == msi and overlaps(guest.ram)
                            => fatal "MSI window {region} overlaps guest RAM {overlap}";
        rule rmrr_locked:   when region.type == direct
                            => fatal "{device} has a non-relaxable RMRR {region}: assignment is refused";
        rule relaxed_ram:   when region.type == direct-relaxable and overlaps(guest.ram)
                            => warn "relaxable RMRR {region} lies in guest RAM {overlap}";
        default => allow;
      }

      test "USB controller RMRR is relaxable" {
        device 00:14.0 vendor 0x8086 device_id 0xa36d class 0x0c0330;
        region rmrr 0x3e2e0000 .. 0x3e2fffff on 00:14.0;
        guest q35 ram 4G;
        expect 00:14.0 region 0x3e2e0000 type direct-relaxable;
        expect assignable;
      }
      """;

  private static Span at(int line, int column, int length) {
    return new Span("t.resv", line, column, length);
  }

  @Test
  void parsesWithoutDiagnostics() {
    PolicyFile f = Parsing.clean(EXAMPLE);
    assertThat(f.file()).isEqualTo("t.resv");
    assertThat(f.items().stream().map(i -> i.getClass().getSimpleName()).toList())
        .containsExactly("PolicyDecl", "Const", "Predicate", "Predicate", "Classify", "Conflicts", "Test").inOrder();
  }

  @Test
  void headerItems() {
    PolicyFile f = Parsing.clean(EXAMPLE);
    assertThat(f.items().get(0)).isEqualTo(new Item.PolicyDecl(at(1, 1, 38), "examples.IntelVtdKernelDefault"));
    Item.Const c = (Item.Const) f.items().get(1);
    assertThat(c.name()).isEqualTo("MSI_WINDOW");
    assertThat(c.nameSpan()).isEqualTo(at(3, 7, 10));
    assertThat(c.span()).isEqualTo(at(3, 1, 44));
    assertThat(c.value()).isEqualTo(new Expr.RangeLit(at(3, 20, 24),
        new Expr.IntLit(at(3, 20, 10), 0xfee00000L, "0xfee00000"),
        new Expr.IntLit(at(3, 34, 10), 0xfeefffffL, "0xfeefffff")));
    Item.Predicate usb = (Item.Predicate) f.items().get(2);
    assertThat(usb.condition()).isEqualTo(new Expr.Matches(at(4, 22, 29),
        new Expr.Field(at(4, 22, 12), "device", "class"),
        new Expr.ClassPattern(at(4, 43, 8), 0x0c0300, 16, "0x0c03xx")));
    Item.Predicate graphics = (Item.Predicate) f.items().get(3);
    assertThat(((Expr.Matches) graphics.condition()).pattern())
        .isEqualTo(new Expr.ClassPattern(at(5, 43, 8), 0x030000, 8, "0x03xxxx"));
  }

  @Test
  void classifySection() {
    Item.Classify classify = (Item.Classify) Parsing.clean(EXAMPLE).items().get(4);
    assertThat(classify.items()).hasSize(3);
    RuleItem.Rule usb = (RuleItem.Rule) classify.items().get(0);
    assertThat(usb.name()).isEqualTo("usb_rmrr");
    assertThat(usb.nameSpan()).isEqualTo(at(8, 8, 8));
    assertThat(usb.span()).isEqualTo(at(8, 3, 80));
    assertThat(usb.condition()).isEqualTo(new Expr.And(at(8, 28, 29),
        new Expr.Compare(at(8, 28, 21), new Expr.Field(at(8, 28, 13), "region", "source"), Expr.CompareOp.EQ,
            new Expr.Name(at(8, 45, 4), "rmrr")),
        new Expr.Name(at(8, 54, 3), "usb")));
    assertThat(usb.action()).isEqualTo(new Action.SetType(at(8, 66, 16), "direct-relaxable"));
    assertThat(classify.items().get(2)).isEqualTo(new RuleItem.Default(at(10, 3, 16), new Action.Keep(at(10, 14, 4))));
  }

  @Test
  void conflictsSection() {
    Item.Conflicts conflicts = (Item.Conflicts) Parsing.clean(EXAMPLE).items().get(5);
    assertThat(conflicts.items()).hasSize(4);
    RuleItem.Rule msi = (RuleItem.Rule) conflicts.items().get(0);
    assertThat(msi.name()).isEqualTo("msi_in_ram");
    Expr.And cond = (Expr.And) msi.condition();
    assertThat(cond.right()).isEqualTo(new Expr.Call(at(14, 51, 19), "overlaps",
        java.util.List.of(new Expr.Field(at(14, 60, 9), "guest", "ram"))));
    Action.Report report = (Action.Report) msi.action();
    assertThat(report.severity()).isEqualTo(Action.Severity.FATAL);
    assertThat(report.span().line()).isEqualTo(15);
    assertThat(report.message().value()).isEqualTo("MSI window {region} overlaps guest RAM {overlap}");
    assertThat(report.message().span()).isEqualTo(at(15, 32, 50));
    RuleItem.Rule relaxed = (RuleItem.Rule) conflicts.items().get(2);
    assertThat(((Action.Report) relaxed.action()).severity()).isEqualTo(Action.Severity.WARN);
    assertThat(((Expr.Compare) ((Expr.And) relaxed.condition()).left()).right())
        .isEqualTo(new Expr.Name(at(18, 43, 16), "direct-relaxable"));
    assertThat(((RuleItem.Default) conflicts.items().get(3)).action()).isInstanceOf(Action.Allow.class);
  }

  @Test
  void testBlock() {
    Item.Test test = (Item.Test) Parsing.clean(EXAMPLE).items().get(6);
    assertThat(test.name().value()).isEqualTo("USB controller RMRR is relaxable");
    assertThat(test.statements()).hasSize(5);
    TestStmt.DeviceStmt device = (TestStmt.DeviceStmt) test.statements().get(0);
    assertThat(device.address()).isEqualTo(new Expr.BdfLit(at(24, 10, 7), 0, 0, 0x14, 0, "00:14.0"));
    assertThat(device.attrs().stream().map(TestStmt.Attr::name).toList())
        .containsExactly("vendor", "device_id", "class").inOrder();
    assertThat(device.attrs().get(2).value()).hasValue(new Expr.IntLit(at(24, 55, 8), 0x0c0330, "0x0c0330"));
    TestStmt.RegionStmt region = (TestStmt.RegionStmt) test.statements().get(1);
    assertThat(region.source()).isEqualTo("rmrr");
    assertThat(region.type()).isEmpty();
    assertThat(region.range()).isInstanceOf(Expr.RangeLit.class);
    TestStmt.GuestStmt guest = (TestStmt.GuestStmt) test.statements().get(2);
    assertThat(guest.preset()).isEqualTo("q35");
    assertThat(guest.attrs().get(0).value()).hasValue(new Expr.IntLit(at(26, 17, 2), 4L << 30, "4G"));
    TestStmt.ExpectStmt expect = (TestStmt.ExpectStmt) test.statements().get(3);
    assertThat(expect.expectation()).isEqualTo(new TestStmt.Expectation.RegionType(at(27, 10, 47),
        new Expr.BdfLit(at(27, 10, 7), 0, 0, 0x14, 0, "00:14.0"),
        new Expr.IntLit(at(27, 25, 10), 0x3e2e0000L, "0x3e2e0000"), "direct-relaxable"));
    assertThat(((TestStmt.ExpectStmt) test.statements().get(4)).expectation())
        .isEqualTo(new TestStmt.Expectation.Assignable(at(28, 10, 10), true, Optional.empty()));
  }

  @Test
  void commentIsKept() {
    PolicyFile f = Parsing.clean(EXAMPLE);
    assertThat(f.comments()).containsExactly(
        new PolicyFile.Comment(at(1, 47, 37), 1, "// also the generated Java class name"));
  }
}
