package dev.resvc.compiler.format;

import static com.google.common.truth.Truth.assertThat;
import static dev.resvc.compiler.format.Fmt.assertCanonical;
import static dev.resvc.compiler.format.Fmt.fmt;

import org.junit.jupiter.api.Test;

class PolicyFormatterTest {
  // ---- constructs ------------------------------------------------------------------------------

  @Test
  void headerItems() {
    assertThat(fmt("policy  a . b.C ;import\"x.resv\" ;const K=4K;predicate p=device.class matches 0x0c03xx;"))
        .isEqualTo("""
            policy a.b.C;

            import "x.resv";
            const K = 4K;
            predicate p = device.class matches 0x0c03xx;
            """);
  }

  @Test
  void sectionsAndRules() {
    assertThat(fmt("classify{rule a:when region.source==rmrr=>direct-relaxable;default=>keep;}"
        + "conflicts{rule b:when region.type==msi and overlaps(guest.ram)=>fatal \"x {region}\";default=>allow;}"))
        .isEqualTo("""
            classify {
              rule a: when region.source == rmrr => direct-relaxable;
              default => keep;
            }

            conflicts {
              rule b: when region.type == msi and overlaps(guest.ram) => fatal "x {region}";
              default => allow;
            }
            """);
  }

  @Test
  void everyOperatorGetsSpaces() {
    assertThat(fmt("predicate p=not(a<1 or b<=2)and c>3 and d>=4 and e!=5 and f in{1,2 ,3}and g not in 1..5"
        + " and h in 0x1000+4K and region.prot has write and device.downstream_of(00:1c.0) and drop_(x,y);"))
        .isEqualTo("predicate p = not (a < 1 or b <= 2) and c > 3 and d >= 4 and e != 5 and f in {1, 2, 3}"
            + " and g not in 1 .. 5 and h in 0x1000 + 4K and region.prot has write"
            + " and device.downstream_of(00:1c.0) and drop_(x, y);\n");
  }

  @Test
  void methodAndPlainCallsKeepTheirSpelling() {
    assertCanonical("predicate p = device.downstream_of(00:1c.0);\npredicate q = downstream_of(00:1c.0);\n");
  }

  @Test
  void testStatements() {
    assertThat(fmt("""
        test "t" { device 00:14.0 vendor 0x8086 class 0x0c0330 bridge; region rmrr 0x1000..0x1fff type direct on 00:14.0;
        region ivmd 0x2000 + 4K on 0000:00:14.0; guest q35 ram 4G mmio 0x1000 .. 0x2000; guest "a.layout";
        expect 00:14.0 region 0x1000 type direct-relaxable; expect 00:14.0 region 0x2000 dropped;
        expect assignable; expect not assignable 00:14.0; expect fatal rule r on 00:14.0; expect warn;
        expect no findings; }
        test "empty" { }"""))
        .isEqualTo("""
            test "t" {
              device 00:14.0 vendor 0x8086 class 0x0c0330 bridge;
              region rmrr 0x1000 .. 0x1fff type direct on 00:14.0;
              region ivmd 0x2000 + 4K on 0000:00:14.0;
              guest q35 ram 4G mmio 0x1000 .. 0x2000;
              guest "a.layout";
              expect 00:14.0 region 0x1000 type direct-relaxable;
              expect 00:14.0 region 0x2000 dropped;
              expect assignable;
              expect not assignable 00:14.0;
              expect fatal rule r on 00:14.0;
              expect warn;
              expect no findings;
            }

            test "empty" {}
            """);
  }

  @Test
  void platformStatementsAndRegionsOnANamedDevice() {
    assertThat(fmt("test \"t\"{platform\"dprc.1\"kind fsl-mc driver \"fsl_mc_dprc\" group 3;"
        + "platform \"MSFT0201:00\" hid\"MSFT0201\";region ivmd 0x7d900000..0x7d9fffff on\"MSFT0201:00\";"
        + "expect\"MSFT0201:00\"region 0x7d900000 dropped;expect fatal on\"dprc.1\";"
        + "expect attach fails EINVAL on\"dprc.1\";expect assignable\"dprc.1\";}"))
        .isEqualTo("""
            test "t" {
              platform "dprc.1" kind fsl-mc driver "fsl_mc_dprc" group 3;
              platform "MSFT0201:00" hid "MSFT0201";
              region ivmd 0x7d900000 .. 0x7d9fffff on "MSFT0201:00";
              expect "MSFT0201:00" region 0x7d900000 dropped;
              expect fatal on "dprc.1";
              expect attach fails EINVAL on "dprc.1";
              expect assignable "dprc.1";
            }
            """);
  }

  @Test
  void literalsKeepTheirSpelling() {
    assertCanonical("""
        const A = 0xFEE0_0000 .. 0b1111;
        const B = 1_000 + 2M;
        predicate p = device.class matches 0x03xxxx or device.class matches 0X0C03XX or device.class == 0x0c0330;
        const S = "tab\\t \\"q\\" {region}";
        predicate q = device.bdf == 0000:00:1f.7 or true or not false;
        """);
  }

  @Test
  void parenthesesAreKept() {
    assertThat(fmt("predicate p = ((a)) and ( b or c );")).isEqualTo("predicate p = ((a)) and (b or c);\n");
  }

  // ---- long rules ------------------------------------------------------------------------------

  @Test
  void aRuleThatFitsStaysOnOneLine() {
    String rule = "  rule r: when region.type == direct => fatal \"" + "x".repeat(100 - 49) + "\";";
    assertThat(rule.length()).isEqualTo(100);
    assertCanonical("conflicts {\n" + rule + "\n}\n");
  }

  @Test
  void aLongerRuleBreaksBeforeTheArrowUnderWhen() {
    String message = "\"" + "x".repeat(100 - 48) + "\"";
    assertThat(fmt("conflicts { rule r: when region.type == direct => fatal " + message + "; }"))
        .isEqualTo("conflicts {\n  rule r: when region.type == direct\n          => fatal " + message + ";\n}\n");
  }

  @Test
  void aBrokenRuleThatFitsIsJoined() {
    assertThat(fmt("classify {\n  rule r: when a\n     => keep;\n}\n"))
        .isEqualTo("classify {\n  rule r: when a => keep;\n}\n");
  }

  // ---- comments --------------------------------------------------------------------------------

  @Test
  void commentsInEveryPosition() {
    assertThat(fmt("""
        // header
        /* block
           header */
        policy p.Q;   // trailing

        const X = 1;  // why
        // before predicate
        predicate p = a /* inline */ and b;
        classify { // after brace
          // before rule
          rule a: when x // in condition
            and y => keep; /* after */ // two
          /* before default */ default => keep;
          // last in section
        }
        test "t" {
          // inside test
          expect assignable; // trailing in test
        }
        // end of file
        """)).isEqualTo("""
            // header
            /* block
               header */
            policy p.Q;  // trailing

            const X = 1;  // why
            // before predicate
            predicate p = a /* inline */ and b;

            classify {  // after brace
              // before rule
              rule a: when x  // in condition
                           and y
                      => keep;  /* after */ // two
              /* before default */
              default => keep;
              // last in section
            }

            test "t" {
              // inside test
              expect assignable;  // trailing in test
            }
            // end of file
            """);
  }

  @Test
  void ownLineCommentBeforeTheArrow() {
    assertCanonical("""
        classify {
          rule a: when x
                  // why
                  => keep;
        }
        """);
  }

  @Test
  void commentsInsideExpressionsAndTestStatements() {
    assertCanonical("""
        predicate p = overlaps( /* a */ guest.ram) or device /* b */ . /* c */ class matches 0x03xxxx;

        test "t" {
          device 00:14.0  // the controller
              vendor 0x8086;
        }
        """);
  }

  @Test
  void onlyComments() {
    assertThat(fmt("  // nothing\n\n\n/* here */  ")).isEqualTo("// nothing\n\n/* here */\n");
    assertThat(fmt("")).isEqualTo("");
    assertThat(fmt(" \n\n")).isEqualTo("");
  }

  @Test
  void commentsInAnEmptyBlock() {
    assertCanonical("classify {\n  // nothing yet\n}\n");
    assertThat(fmt("conflicts { /* none */ }")).isEqualTo("conflicts {  /* none */\n}\n");
  }

  // ---- blank lines -----------------------------------------------------------------------------

  @Test
  void oneBlankLineBetweenTopLevelItems() {
    assertThat(fmt("policy a;\n\n\n\nclassify {}\nconflicts {}\n\n\ntest \"t\" {}"))
        .isEqualTo("policy a;\n\nclassify {}\n\nconflicts {}\n\ntest \"t\" {}\n");
  }

  @Test
  void blankLinesBetweenDeclarationsAreTheUsers() {
    assertCanonical("const A = 1;\nconst B = 2;\n\nconst C = 3;\npredicate p = a;\n");
    assertThat(fmt("const A = 1;\n\n\n\nconst B = 2;\n")).isEqualTo("const A = 1;\n\nconst B = 2;\n");
  }

  @Test
  void blankLinesBetweenRulesAndStatementsCollapseToOne() {
    assertThat(fmt("classify {\n\n  rule a: when x => keep;\n\n\n  rule b: when y => drop;\n  default => keep;\n\n}\n"))
        .isEqualTo("classify {\n  rule a: when x => keep;\n\n  rule b: when y => drop;\n  default => keep;\n}\n");
    assertThat(fmt("test \"t\" {\n  expect warn;\n\n\n  expect info;\n}\n"))
        .isEqualTo("test \"t\" {\n  expect warn;\n\n  expect info;\n}\n");
  }

  @Test
  void blankLinesAroundCommentsAreKept() {
    assertCanonical("""
        classify {
          rule a: when x => keep;

          // about b

          rule b: when y => drop;
        }

        // before conflicts

        conflicts {}
        """);
    assertThat(fmt("classify {}\n// about conflicts\nconflicts {}\n"))
        .isEqualTo("classify {}\n\n// about conflicts\nconflicts {}\n");
  }

  @Test
  void windowsLineEndingsBecomeUnix() {
    assertThat(fmt("const A = 1;\r\n// x\r\nconst B = 2;\r\n")).isEqualTo("const A = 1;\n// x\nconst B = 2;\n");
  }
}
