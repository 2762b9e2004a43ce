package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.AddressRange;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folds value expressions to {@link Value}s, each constant once: the one place where literals, ranges,
 * sets and constants' names get their meaning, shared by the condition typer and the test blocks.
 */
final class ConstantFolder {
  private final Declarations decls;
  private final Reporter report;
  private final Map<String, Value> folded = new HashMap<>();

  ConstantFolder(Declarations decls, Reporter report) {
    this.decls = decls;
    this.report = report;
  }

  /** Folds every declared constant, used or not, so that mistakes in them are reported. */
  void foldAll() {
    decls.constNames().forEach(n -> constValue(n, decls.constant(n).nameSpan()));
  }

  /**
   * {@code e} as a value where a literal value is required (test blocks): empty, with a diagnostic,
   * when it is not one, including a bare name that is no constant.
   */
  Optional<Value> constant(Expr e) {
    Value v = value(e);
    return v == null || unknownConstant(v) ? Optional.empty() : Optional.of(v);
  }

  /**
   * Reports a bare name met where no enum constant can stand (E101, with the closest constant), and
   * says whether it did; the caller reports a kind error otherwise.
   */
  boolean unknownConstant(Value v) {
    if (v instanceof Value.Word w) {
      report.unknown(
          "E101", w.span(), "unknown constant `" + w.word() + "`", w.word(), decls.constNames(), null);
      return true;
    }
    return false;
  }

  private Value constValue(String name, Span use) {
    if (folded.containsKey(name)) {
      return folded.get(name);
    }
    Item.Const c = decls.constant(name);
    if (!decls.enter("const " + name)) {
      report.error("E117", use, "constant `" + name + "` refers to itself" + decls.cycle("const " + name));
      return null;
    }
    Value v = value(c.value());
    decls.leave("const " + name);
    folded.put(name, v);
    return v;
  }

  /** Folds a value expression; null (with a diagnostic) when it is not one. */
  Value value(Expr e) {
    if (e instanceof Expr.IntLit i) {
      return new Value.IntV(i.span(), i.value());
    }
    if (e instanceof Expr.StringLit s) {
      return new Value.StrV(s.span(), s.value());
    }
    if (e instanceof Expr.BoolLit b) {
      return new Value.BoolV(b.span(), b.value());
    }
    if (e instanceof Expr.BdfLit b) {
      return bdf(b);
    }
    if (e instanceof Expr.ClassPattern p) {
      return new Value.PatternV(p.span(), p.value(), p.matchedBits());
    }
    if (e instanceof Expr.Paren p) {
      return value(p.inner());
    }
    if (e instanceof Expr.Name n) {
      if (decls.isConst(n.name())) {
        return constValue(n.name(), n.span());
      }
      if (decls.isPredicate(n.name())) {
        report.error("E103", n.span(), "`" + n.name() + "` is a predicate (a condition), not a value");
        return null;
      }
      return new Value.Word(n.span(), n.name());
    }
    if (e instanceof Expr.RangeLit r) {
      return range(r);
    }
    if (e instanceof Expr.SizedRange r) {
      return sizedRange(r);
    }
    if (e instanceof Expr.SetLit s) {
      List<Value> elements = new ArrayList<>();
      boolean ok = true;
      for (Expr x : s.elements()) {
        Value v = value(x);
        if (v == null) {
          ok = false;
        } else {
          elements.add(v);
        }
      }
      return ok ? new Value.SetV(s.span(), elements) : null;
    }
    report.error(
        "E103",
        e.span(),
        "expected a value (a number, range, PCI address, class pattern, string or"
            + " constant) but found a condition");
    return null;
  }

  private Value range(Expr.RangeLit r) {
    Value lo = value(r.start());
    Value hi = value(r.end());
    if (!(lo instanceof Value.IntV l) || !(hi instanceof Value.IntV h)) {
      if (lo != null && hi != null && !unknownConstant(lo) & !unknownConstant(hi)) {
        report.error(
            "E103",
            r.span(),
            "a range needs integers at both ends, found " + lo.kindName() + " and " + hi.kindName());
      }
      return null;
    }
    if (U64.lessThan(h.value(), l.value())) {
      report.error(
          "E118",
          r.span(),
          "range end "
              + U64.hex(h.value())
              + " lies below its start "
              + U64.hex(l.value())
              + " (ranges are inclusive: `lo .. hi`)");
      return null;
    }
    return new Value.RangeV(r.span(), new AddressRange(l.value(), h.value()));
  }

  private Value sizedRange(Expr.SizedRange r) {
    Value lo = value(r.start());
    Value size = value(r.size());
    if (!(lo instanceof Value.IntV l) || !(size instanceof Value.IntV s)) {
      if (lo != null && size != null && !unknownConstant(lo) & !unknownConstant(size)) {
        report.error(
            "E103",
            r.span(),
            "`start + size` needs integers, found " + lo.kindName() + " and " + size.kindName());
      }
      return null;
    }
    if (s.value() == 0) {
      report.error("E118", r.span(), "a range of size 0 covers nothing");
      return null;
    }
    if (Long.compareUnsigned(l.value() + s.value() - 1, l.value()) < 0) {
      report.error(
          "E104",
          r.span(),
          U64.hex(l.value()) + " + " + U64.hex(s.value()) + " runs past 0xffffffffffffffff");
      return null;
    }
    return new Value.RangeV(r.span(), new AddressRange(l.value(), l.value() + s.value() - 1));
  }

  private Value bdf(Expr.BdfLit b) {
    return pciAddress(b).<Value>map(a -> new Value.BdfV(b.span(), a)).orElse(null);
  }

  /** The PCI address a literal spells; empty (E005) when its device or function is out of range. */
  Optional<PciAddress> pciAddress(Expr.BdfLit b) {
    try {
      return Optional.of(PciAddress.of(b.segment(), b.bus(), b.device(), b.function()));
    } catch (IllegalArgumentException e) {
      report.error("E005", b.span(), e.getMessage());
      return Optional.empty();
    }
  }
}
