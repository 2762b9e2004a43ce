package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Expr;
import org.junit.jupiter.api.Test;

class LiteralsTest {
  private static long value(String literal) {
    return ((Expr.IntLit) Parsing.constValue(literal)).value();
  }

  private static Parsing.Result bad(String literal) {
    return Parsing.parse("const X = " + literal + ";");
  }

  @Test
  void integers() {
    assertThat(value("0xffffffffffffffff")).isEqualTo(-1L);
    assertThat(value("18446744073709551615")).isEqualTo(-1L);
    assertThat(value("4K")).isEqualTo(4096L);
    assertThat(value("2G")).isEqualTo(2L << 30);
    assertThat(value("15E")).isEqualTo(15L << 60);
    assertThat(value("0b1010")).isEqualTo(10L);
    assertThat(value("0b1_0000")).isEqualTo(16L);
    assertThat(value("1_000")).isEqualTo(1000L);
    assertThat(value("0xfee0_0000")).isEqualTo(0xfee00000L);
    assertThat(((Expr.IntLit) Parsing.constValue("4K")).text()).isEqualTo("4K");
  }

  @Test
  void integersTooLarge() {
    for (String s : new String[] {"0x1_0000_0000_0000_0000", "18446744073709551616", "16E", "0b1"
        + "0".repeat(64)}) {
      Parsing.Result r = bad(s);
      assertThat(r.codes()).containsExactly("E004");
      assertThat(r.messages().get(0)).startsWith("integer `" + s + "` does not fit in 64 bits");
    }
  }

  @Test
  void classPatterns() {
    Expr.ClassPattern p = (Expr.ClassPattern) Parsing.constValue("0x0C03XX");
    assertThat(p.value()).isEqualTo(0x0c0300);
    assertThat(p.matchedBits()).isEqualTo(16);
    assertThat(((Expr.ClassPattern) Parsing.constValue("0xffxxxx")).value()).isEqualTo(0xff0000);
  }

  @Test
  void pciAddresses() {
    Expr.BdfLit full = (Expr.BdfLit) Parsing.constValue("0000:ff:1f.7");
    assertThat(full.bus()).isEqualTo(0xff);
    assertThat(full.device()).isEqualTo(0x1f);
    assertThat(full.function()).isEqualTo(7);
    Expr.BdfLit seg = (Expr.BdfLit) Parsing.constValue("abcd:00:14.3");
    assertThat(seg.segment()).isEqualTo(0xabcd);
    assertThat(bad("00:20.0").messages()).containsExactly("PCI address `00:20.0`: device 0x20 is above 0x1f");
    assertThat(bad("00:1f.8").messages()).containsExactly("PCI address `00:1f.8`: function 8 is above 7");
    assertThat(bad("00:1f.8").codes()).containsExactly("E005");
  }

  @Test
  void identifiersWithDashes() {
    for (String id : new String[] {"direct-relaxable", "sw-msi", "msi-window", "iort-rmr", "ht-window"}) {
      assertThat(((Expr.Name) Parsing.constValue(id)).name()).isEqualTo(id);
    }
  }

  @Test
  void unknownCharacter() {
    Parsing.Result r = Parsing.parse("const A = 1;\nconst B = $2;\n");
    assertThat(r.codes()).containsExactly("E001");
    assertThat(r.messages()).containsExactly("unknown character `$`");
    assertThat(r.diagnostics().get(0).span().line()).isEqualTo(2);
    assertThat(r.diagnostics().get(0).span().column()).isEqualTo(11);
  }

  @Test
  void unterminatedString() {
    Parsing.Result r = Parsing.parse("const A = \"abc;\nconst B = 2;\n");
    assertThat(r.codes()).contains("E007");
    assertThat(r.messages()).contains("unterminated string: add the closing `\"` before the end of the line");
    assertThat(r.file().items().stream().filter(i -> i instanceof dev.resvc.compiler.ast.Item.Const c
        && c.name().equals("B")).count()).isEqualTo(1);
  }

  @Test
  void unterminatedComment() {
    Parsing.Result r = Parsing.parse("const A = 1;\n/* never closed\nconst B = 2;\n");
    assertThat(r.codes()).containsExactly("E008");
    assertThat(r.messages()).containsExactly("unterminated comment: `/*` has no matching `*/`");
    assertThat(r.file().items()).hasSize(1);
    assertThat(r.file().comments()).hasSize(1);
  }
}
