package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr;
import dev.resvc.compiler.ast.Item;
import dev.resvc.compiler.ast.Span;
import dev.resvc.compiler.diag.Code;
import dev.resvc.runtime.model.KernelRelease;
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
  private final Expr.Visitor<Value> folding = new Folding();

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
          Code.UNKNOWN_NAME, w.span(), "unknown constant `" + w.word() + "`", w.word(), decls.constNames(), null);
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
      report.error(Code.DEFINITION_CYCLE, use, "constant `" + name + "` refers to itself" + decls.cycle("const " + name));
      return null;
    }
    Value v = value(c.value());
    decls.leave("const " + name);
    folded.put(name, v);
    return v;
  }

  /** Folds a value expression; null (with a diagnostic) when it is not one. */
  Value value(Expr e) {
    return e.accept(folding);
  }

  /** One fold per kind of expression; the kinds that are conditions are not values. */
  private final class Folding implements Expr.Visitor<Value> {
    @Override
    public Value visit(Expr.BoolLit b) {
      return new Value.BoolV(b.span(), b.value());
    }

    @Override
    public Value visit(Expr.IntLit i) {
      return new Value.IntV(i.span(), i.value());
    }

    @Override
    public Value visit(Expr.VersionLit v) {
      return new Value.VersionV(v.span(), v.release(), v.hasPatch());
    }

    @Override
    public Value visit(Expr.StringLit s) {
      return new Value.StrV(s.span(), s.value());
    }

    @Override
    public Value visit(Expr.BdfLit b) {
      return pciAddress(b).<Value>map(a -> new Value.BdfV(b.span(), a)).orElse(null);
    }

    @Override
    public Value visit(Expr.ClassPattern p) {
      return new Value.PatternV(p.span(), p.value(), p.matchedBits());
    }

    @Override
    public Value visit(Expr.Name n) {
      if (decls.isConst(n.name())) {
        return constValue(n.name(), n.span());
      }
      if (decls.isPredicate(n.name())) {
        report.error(
            Code.KIND_MISMATCH, n.span(), "`" + n.name() + "` is a predicate (a condition), not a value");
        return null;
      }
      return new Value.Word(n.span(), n.name());
    }

    @Override
    public Value visit(Expr.RangeLit r) {
      return range(r);
    }

    @Override
    public Value visit(Expr.SizedRange r) {
      return sizedRange(r);
    }

    @Override
    public Value visit(Expr.SetLit s) {
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

    @Override
    public Value visit(Expr.Paren p) {
      return value(p.inner());
    }

    @Override
    public Value visit(Expr.Field f) {
      return notAValue(f);
    }

    @Override
    public Value visit(Expr.Call c) {
      return notAValue(c);
    }

    @Override
    public Value visit(Expr.Not n) {
      return notAValue(n);
    }

    @Override
    public Value visit(Expr.And a) {
      return notAValue(a);
    }

    @Override
    public Value visit(Expr.Or o) {
      return notAValue(o);
    }

    @Override
    public Value visit(Expr.Compare c) {
      return notAValue(c);
    }

    @Override
    public Value visit(Expr.In i) {
      return notAValue(i);
    }

    @Override
    public Value visit(Expr.Matches m) {
      return notAValue(m);
    }

    @Override
    public Value visit(Expr.Has h) {
      return notAValue(h);
    }

    private Value notAValue(Expr e) {
      report.error(
          Code.KIND_MISMATCH,
          e.span(),
          "expected a value (a number, range, PCI address, class pattern, string or"
              + " constant) but found a condition");
      return null;
    }
  }

  private Value range(Expr.RangeLit r) {
    Value lo = value(r.start());
    Value hi = value(r.end());
    if (lo instanceof Value.VersionV l && hi instanceof Value.VersionV h) {
      return versionRange(r, l, h);
    }
    if (!(lo instanceof Value.IntV l) || !(hi instanceof Value.IntV h)) {
      if (lo != null && hi != null && !unknownConstant(lo) & !unknownConstant(hi)) {
        report.error(
            Code.KIND_MISMATCH,
            r.span(),
            "a range needs integers (or kernel versions) at both ends, found " + lo.kindName() + " and " + hi.kindName());
      }
      return null;
    }
    if (U64.lessThan(h.value(), l.value())) {
      report.error(
          Code.EMPTY_RANGE,
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

  /**
   * {@code A .. B} over kernel releases: from A to B inclusive, where a B written {@code X.Y} ends the
   * {@code X.Y} series ({@code 5.3 .. 6.5} holds for 6.5.9), because that is what the range is read as.
   */
  private Value versionRange(Expr.RangeLit r, Value.VersionV lo, Value.VersionV hi) {
    KernelRelease end = hi.hasPatch() ? hi.release()
        : KernelRelease.of(hi.release().major(), hi.release().minor(), KernelRelease.MAX_PART);
    if (end.compareTo(lo.release()) < 0) {
      report.error(Code.EMPTY_RANGE, r.span(), "range end " + hi.release().version() + " lies below its start "
          + lo.release().version() + " (ranges are inclusive: `lo .. hi`)");
      return null;
    }
    return new Value.VersionRangeV(r.span(), lo.release(), end);
  }

  private Value sizedRange(Expr.SizedRange r) {
    Value lo = value(r.start());
    Value size = value(r.size());
    if (!(lo instanceof Value.IntV l) || !(size instanceof Value.IntV s)) {
      if (lo != null && size != null && !unknownConstant(lo) & !unknownConstant(size)) {
        report.error(
            Code.KIND_MISMATCH,
            r.span(),
            "`start + size` needs integers, found " + lo.kindName() + " and " + size.kindName());
      }
      return null;
    }
    if (s.value() == 0) {
      report.error(Code.EMPTY_RANGE, r.span(), "a range of size 0 covers nothing");
      return null;
    }
    if (Long.compareUnsigned(l.value() + s.value() - 1, l.value()) < 0) {
      report.error(
          Code.VALUE_TOO_WIDE,
          r.span(),
          U64.hex(l.value()) + " + " + U64.hex(s.value()) + " runs past 0xffffffffffffffff");
      return null;
    }
    return new Value.RangeV(r.span(), new AddressRange(l.value(), l.value() + s.value() - 1));
  }

  /** The PCI address a literal spells; empty (E005) when its device or function is out of range. */
  Optional<PciAddress> pciAddress(Expr.BdfLit b) {
    try {
      return Optional.of(PciAddress.of(b.segment(), b.bus(), b.device(), b.function()));
    } catch (IllegalArgumentException e) {
      report.error(Code.BAD_PCI_ADDRESS, b.span(), e.getMessage());
      return Optional.empty();
    }
  }
}
