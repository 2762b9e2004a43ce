package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;

/**
 * A folded constant: what a value expression (a literal, a range, a set, a constant's name) stands
 * for once names are resolved. The condition typer compares fields with these; test blocks build
 * their hosts from them.
 */
sealed interface Value {
  Span span();

  /** What kind of value this is, as a message names it ("an integer", "a set", …). */
  String kindName();

  record IntV(Span span, long value) implements Value {
    @Override
    public String kindName() {
      return "an integer";
    }
  }

  /** A kernel release; {@code hasPatch} as {@link dev.resvc.compiler.ast.Expr.VersionLit}. */
  record VersionV(Span span, KernelRelease release, boolean hasPatch) implements Value {
    @Override
    public String kindName() {
      return "a kernel version";
    }
  }

  /** {@code A .. B} over kernel releases, inclusive; {@code last} already extended to a series' end. */
  record VersionRangeV(Span span, KernelRelease first, KernelRelease last) implements Value {
    @Override
    public String kindName() {
      return "a range of kernel versions";
    }
  }

  record RangeV(Span span, AddressRange range) implements Value {
    @Override
    public String kindName() {
      return "an address range";
    }
  }

  record BdfV(Span span, PciAddress address) implements Value {
    @Override
    public String kindName() {
      return "a PCI address";
    }
  }

  record PatternV(Span span, int value, int bits) implements Value {
    @Override
    public String kindName() {
      return "a class pattern";
    }
  }

  record StrV(Span span, String value) implements Value {
    @Override
    public String kindName() {
      return "a string";
    }
  }

  record BoolV(Span span, boolean value) implements Value {
    @Override
    public String kindName() {
      return "a boolean";
    }
  }

  /** A bare name that is not a constant: an enum constant, resolved against the field it meets. */
  record Word(Span span, String word) implements Value {
    @Override
    public String kindName() {
      return "the name `" + word + "`";
    }
  }

  record SetV(Span span, List<Value> elements) implements Value {
    public SetV {
      elements = List.copyOf(elements);
    }

    @Override
    public String kindName() {
      return "a set";
    }
  }
}
