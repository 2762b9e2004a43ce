package dev.resvc.compiler.syntax;

import static com.google.common.truth.Truth.assertThat;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.PolicyFile;
import dev.resvc.compiler.diag.Diagnostic;
import dev.resvc.compiler.diag.Diagnostics;
import java.util.List;

/** Helpers shared by the syntax tests. */
final class Parsing {
  private Parsing() {}

  record Result(PolicyFile file, List<Diagnostic> diagnostics) {
    List<String> messages() {
      return diagnostics.stream().map(Diagnostic::message).toList();
    }

    List<String> codes() {
      return diagnostics.stream().map(d -> d.code().id()).toList();
    }
  }

  static Result parse(String text) {
    Diagnostics d = new Diagnostics();
    PolicyFile f = PolicyParser.parse(text, "t.resv", d);
    return new Result(f, d.sorted());
  }

  static PolicyFile clean(String text) {
    Result r = parse(text);
    assertThat(r.messages()).isEmpty();
    return r.file();
  }

  /** The value of {@code const X = <text>;}. */
  static Expr constValue(String text) {
    PolicyFile f = clean("const X = " + text + ";");
    return ((Item.Const) f.items().get(0)).value();
  }

  /** The condition of {@code predicate p = <text>;}. */
  static Expr condition(String text) {
    PolicyFile f = clean("predicate p = " + text + ";");
    return ((Item.Predicate) f.items().get(0)).condition();
  }
}
