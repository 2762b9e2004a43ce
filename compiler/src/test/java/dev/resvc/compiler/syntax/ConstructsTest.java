package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Action;
import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.ast.RuleItem;
import dev.resvc.compiler.ast.TestStmt;
import dev.resvc.compiler.ast.TestStmt.Expectation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every construct of the grammar, one at a time. */
class ConstructsTest {
  @Test
  void importAndOrderOfItems() {
    PolicyFile f = Parsing.clean("""
        policy a.b.C;
        test "t" { expect no findings; }
        import "pci-classes.resv";
        const A = 1;
        """);
    assertThat(f.items()).hasSize(4);
    Item.Import imp = (Item.Import) f.items().get(2);
    assertThat(imp.path().value()).isEqualTo("pci-classes.resv");
    assertThat(imp.path().text()).isEqualTo("\"pci-classes.resv\"");
  }

  @Test
  void policyMustComeFirst() {
    Parsing.Result r = Parsing.parse("const A = 1;\npolicy a.B;\n");
    assertThat(r.codes()).containsExactly("E009");
    assertThat(r.messages()).containsExactly("the `policy` declaration must come first in the file");
  }

  @Test
  void precedenceOrAndNot() {
    Expr e = Parsing.condition("not a or b and c");
    Expr.Or or = (Expr.Or) e;
    assertThat(or.left()).isInstanceOf(Expr.Not.class);
    Expr.And and = (Expr.And) or.right();
    assertThat(((Expr.Name) and.left()).name()).isEqualTo("b");
    Expr.And chain = (Expr.And) Parsing.condition("a and b and c");
    assertThat(chain.left()).isInstanceOf(Expr.And.class);
    assertThat(((Expr.Name) chain.right()).name()).isEqualTo("c");
    Expr.Not twice = (Expr.Not) Parsing.condition("not not a");
    assertThat(twice.operand()).isInstanceOf(Expr.Not.class);
  }

  @Test
  void comparisons() {
    for (Expr.CompareOp op : Expr.CompareOp.values()) {
      Expr.Compare c = (Expr.Compare) Parsing.condition("region.start " + op.symbol() + " 0x1000");
      assertThat(c.op()).isEqualTo(op);
      assertThat(c.left()).isInstanceOf(Expr.Field.class);
    }
  }

  @Test
  void inSetRangeAndNegated() {
    Expr.In set = (Expr.In) Parsing.condition("region.type in {direct, direct-relaxable}");
    assertThat(set.negated()).isFalse();
    assertThat(((Expr.SetLit) set.container()).elements()).hasSize(2);
    Expr.In range = (Expr.In) Parsing.condition("device.vendor not in 0x1000 .. 0x10ff");
    assertThat(range.negated()).isTrue();
    assertThat(range.container()).isInstanceOf(Expr.RangeLit.class);
    Expr.In empty = (Expr.In) Parsing.condition("region.source in {}");
    assertThat(((Expr.SetLit) empty.container()).elements()).isEmpty();
  }

  @Test
  void matchesHasCallsMethodsParens() {
    Expr.Matches m = (Expr.Matches) Parsing.condition("device.class matches 0x0c0330");
    assertThat(m.pattern()).isInstanceOf(Expr.IntLit.class);
    Expr.Has h = (Expr.Has) Parsing.condition("region.prot has write");
    assertThat(h.flag()).isEqualTo(new Expr.Name(h.flag().span(), "write"));
    Expr.Call within = (Expr.Call) Parsing.condition("within(MSI_WINDOW)");
    assertThat(within.function()).isEqualTo("within");
    Expr.Call down = (Expr.Call) Parsing.condition("device.downstream_of(00:1c.0)");
    assertThat(down.function()).isEqualTo("downstream_of");
    assertThat(down.args()).hasSize(1);
    assertThat(((Expr.BdfLit) down.args().get(0)).device()).isEqualTo(0x1c);
    Expr.Paren p = (Expr.Paren) Parsing.condition("(a or b)");
    assertThat(p.inner()).isInstanceOf(Expr.Or.class);
    assertThat(Parsing.condition("true")).isInstanceOf(Expr.BoolLit.class);
    Expr.Field kind = (Expr.Field) Parsing.condition("guest.kind");
    assertThat(kind.object()).isEqualTo("guest");
    assertThat(((Expr.Field) Parsing.condition("region.type")).field()).isEqualTo("type");
  }

  @Test
  void methodOnNonDeviceIsReported() {
    Parsing.Result r = Parsing.parse("predicate p = region.downstream_of(00:1c.0);");
    assertThat(r.codes()).containsExactly("E009");
  }

  @Test
  void rangesAsValues() {
    Expr.SizedRange sized = (Expr.SizedRange) Parsing.constValue("0xfee00000 + 1M");
    assertThat(((Expr.IntLit) sized.size()).value()).isEqualTo(1L << 20);
    assertThat(Parsing.constValue("0 .. 0xffffffffffffffff")).isInstanceOf(Expr.RangeLit.class);
  }

  @Test
  void actions() {
    PolicyFile f = Parsing.clean("""
        classify { rule a: when x => keep; rule b: when x => drop; rule c: when x => sw-msi; default => keep; }
        conflicts { rule d: when x => allow; rule e: when x => info "i"; rule f: when x => warn "w";
                    default => fatal "f {region}"; }
        """);
    List<RuleItem> classify = ((Item.Classify) f.items().get(0)).items();
    assertThat(((RuleItem.Rule) classify.get(0)).action()).isInstanceOf(Action.Keep.class);
    assertThat(((RuleItem.Rule) classify.get(1)).action()).isInstanceOf(Action.Drop.class);
    assertThat(((Action.SetType) ((RuleItem.Rule) classify.get(2)).action()).typeName()).isEqualTo("sw-msi");
    List<RuleItem> conflicts = ((Item.Conflicts) f.items().get(1)).items();
    assertThat(((RuleItem.Rule) conflicts.get(0)).action()).isInstanceOf(Action.Allow.class);
    assertThat(((Action.Report) ((RuleItem.Rule) conflicts.get(1)).action()).severity())
        .isEqualTo(Action.Severity.INFO);
    Action.Report dflt = (Action.Report) ((RuleItem.Default) conflicts.get(3)).action();
    assertThat(dflt.severity()).isEqualTo(Action.Severity.FATAL);
    assertThat(dflt.message().value()).isEqualTo("f {region}");
  }

  @Test
  void testStatements() {
    PolicyFile f = Parsing.clean("""
        test "all" {
          device 0000:00:1c.0 bridge;
          device 01:00.0 vendor 0x10de device_id 0x1234 class 0x030000 subsystem_vendor 0x1
                 subsystem_device 0x2 driver "nvidia" group 3 below 00:1c.0;
          region rmrr 0x1000 + 4K type direct on 01:00.0;
          region msi-window MSI_WINDOW on 01:00.0;
          guest q35 ram 4G;
          guest "custom.layout";
          expect 01:00.0 region 0x1000 type direct;
          expect 01:00.0 region 0x1000 dropped;
          expect not assignable 01:00.0;
          expect assignable;
          expect fatal rule rmrr_locked on 01:00.0;
          expect warn;
          expect info on 01:00.0;
          expect no findings;
        }
        """);
    List<TestStmt> s = ((Item.Test) f.items().get(0)).statements();
    assertThat(s).hasSize(14);
    TestStmt.DeviceStmt bridge = (TestStmt.DeviceStmt) s.get(0);
    assertThat(bridge.address().text()).isEqualTo("0000:00:1c.0");
    assertThat(bridge.attrs().get(0).name()).isEqualTo("bridge");
    assertThat(bridge.attrs().get(0).value()).isEmpty();
    TestStmt.DeviceStmt gpu = (TestStmt.DeviceStmt) s.get(1);
    assertThat(gpu.attrs().stream().map(TestStmt.Attr::name).toList()).containsExactly("vendor", "device_id",
        "class", "subsystem_vendor", "subsystem_device", "driver", "group", "below").inOrder();
    assertThat(gpu.attrs().get(5).value().get()).isInstanceOf(Expr.StringLit.class);
    assertThat(gpu.attrs().get(7).value().get()).isInstanceOf(Expr.BdfLit.class);
    TestStmt.RegionStmt region = (TestStmt.RegionStmt) s.get(2);
    assertThat(region.range()).isInstanceOf(Expr.SizedRange.class);
    assertThat(region.type()).hasValue("direct");
    assertThat(((TestStmt.RegionStmt) s.get(3)).source()).isEqualTo("msi-window");
    assertThat(((TestStmt.RegionStmt) s.get(3)).range()).isInstanceOf(Expr.Name.class);
    TestStmt.GuestStmt file = (TestStmt.GuestStmt) s.get(5);
    assertThat(file.file().get().value()).isEqualTo("custom.layout");
    assertThat(file.preset()).isEmpty();
    assertThat(expectation(s.get(6))).isInstanceOf(Expectation.RegionType.class);
    assertThat(expectation(s.get(7))).isInstanceOf(Expectation.RegionDropped.class);
    Expectation.Assignable not = (Expectation.Assignable) expectation(s.get(8));
    assertThat(not.assignable()).isFalse();
    assertThat(not.device()).isPresent();
    assertThat(((Expectation.Assignable) expectation(s.get(9))).device()).isEmpty();
    Expectation.Finding fatal = (Expectation.Finding) expectation(s.get(10));
    assertThat(fatal.severity()).isEqualTo(Action.Severity.FATAL);
    assertThat(fatal.rule()).hasValue("rmrr_locked");
    assertThat(((Expr.BdfLit) fatal.device().get()).bus()).isEqualTo(1);
    Expectation.Finding warn = (Expectation.Finding) expectation(s.get(11));
    assertThat(warn.rule()).isEmpty();
    assertThat(warn.device()).isEmpty();
    assertThat(((Expectation.Finding) expectation(s.get(12))).device()).isPresent();
    assertThat(expectation(s.get(13))).isInstanceOf(Expectation.NoFindings.class);
  }

  private static Expectation expectation(TestStmt s) {
    return ((TestStmt.ExpectStmt) s).expectation();
  }

  @Test
  void commentsAreCollectedInOrder() {
    PolicyFile f = Parsing.clean("""
        // one
        const A = /* inline */ 1; /* two
        lines */
        """);
    assertThat(f.comments().stream().map(PolicyFile.Comment::text).toList())
        .containsExactly("// one", "/* inline */", "/* two\nlines */").inOrder();
    PolicyFile.Comment multi = f.comments().get(2);
    assertThat(multi.span().line()).isEqualTo(2);
    assertThat(multi.span().column()).isEqualTo(27);
    assertThat(multi.span().length()).isEqualTo(6);
    assertThat(multi.endLine()).isEqualTo(3);
  }

  @Test
  void stringEscapes() {
    Expr.StringLit s = (Expr.StringLit) Parsing.constValue("\"a\\\"b\\\\c\\nd\\te\"");
    assertThat(s.value()).isEqualTo("a\"b\\c\nd\te");
    Parsing.Result bad = Parsing.parse("const A = \"x\\qy\";");
    assertThat(bad.codes()).containsExactly("E006");
    assertThat(bad.diagnostics().get(0).span().column()).isEqualTo(13);
  }
}
