package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;

/**
 * A checked condition: names resolved, constants folded, every test a field against constants. This
 * is what the interpreter runs, the code generator compiles and the analyser reasons about; none of
 * them sees the AST. Every node keeps the span of the source it came from.
 */
public sealed interface Cond {
  Span span();

  record Bool(Span span, boolean value) implements Cond {}

  record And(Span span, List<Cond> terms) implements Cond {
    public And {
      terms = List.copyOf(terms);
    }
  }

  record Or(Span span, List<Cond> terms) implements Cond {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  record Not(Span span, Cond operand) implements Cond {}

  /** A use of a named predicate; evaluates as its body, kept so explanations can name it. */
  record PredicateRef(Span span, String name, Cond body) implements Cond {}

  /** {@code field op value}, unsigned. */
  record IntCompare(Span span, IntField field, CompareOp op, long value) implements Cond {}

  /** {@code field in lo .. hi}, inclusive, unsigned. */
  record IntInRange(Span span, IntField field, long lo, long hi) implements Cond {}

  /** {@code field in {a, b, …}}. */
  record IntInSet(Span span, IntField field, List<Long> values) implements Cond {
    public IntInSet {
      values = List.copyOf(values);
    }
  }

  /** The field's value is one of the constants whose bits are set in {@code mask}. */
  record EnumIn(Span span, EnumField field, int mask) implements Cond {}

  /** {@code device.class matches PATTERN}: the top {@code bits} bits of the class equal those of {@code value}. */
  record ClassMatch(Span span, int value, int bits) implements Cond {}

  /** {@code device.bdf == A} or {@code device.bdf in {A, B}}. */
  record BdfIn(Span span, List<PciAddress> addresses) implements Cond {
    public BdfIn {
      addresses = List.copyOf(addresses);
    }
  }

  /** {@code device.downstream_of(BRIDGE)}: the device sits below that bridge. */
  record DownstreamOf(Span span, PciAddress bridge) implements Cond {}

  /** {@code device.driver} or {@code guest.name} equal to one of the strings (an absent driver is {@code ""}). */
  record StringIn(Span span, StringField field, List<String> values) implements Cond {
    public StringIn {
      values = List.copyOf(values);
    }
  }

  /** {@code device.bridge}. */
  record IsBridge(Span span) implements Cond {}

  /** {@code region.prot has FLAG}; {@code bit} is a {@link dev.resvc.runtime.model.Prot} bit. */
  record ProtHas(Span span, int bit) implements Cond {}

  /** {@code overlaps(RANGE)}: the region shares at least one address with the range. */
  record RegionOverlaps(Span span, AddressRange range) implements Cond {}

  /** {@code within(RANGE)}: every address of the region lies in the range (a region covering nothing is within nothing). */
  record RegionWithin(Span span, AddressRange range) implements Cond {}

  /**
   * {@code overlaps(guest)} / {@code overlaps(guest.ram)}: the region is being checked against a guest
   * range whose kind is in {@code kindMask} (conflicts only).
   */
  record GuestIs(Span span, int kindMask) implements Cond {}

  /** {@code within(guest)} / {@code within(guest.ram)}: as {@link GuestIs}, and the region lies inside that range. */
  record WithinGuest(Span span, int kindMask) implements Cond {}

  /** String-valued fields. */
  enum StringField {
    DEVICE_DRIVER(Scope.DEVICE, "driver"), GUEST_NAME(Scope.GUEST, "name");

    private final Scope scope;
    private final String name;

    StringField(Scope scope, String name) {
      this.scope = scope;
      this.name = name;
    }

    public Scope scope() {
      return scope;
    }

    public String spelling() {
      return scope.word() + "." + name;
    }
  }
}
