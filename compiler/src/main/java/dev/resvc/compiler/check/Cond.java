package dev.resvc.compiler.check;

import dev.resvc.compiler.ast.Expr.CompareOp;
import dev.resvc.compiler.ast.Span;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.AddressRange;
import java.util.List;
import java.util.Optional;

/**
 * A checked condition: names resolved, constants folded, every test a field against constants. This
 * is what the interpreter runs, the code generator compiles and the analyser reasons about; none of
 * them sees the AST. Every node keeps the span of the source it came from.
 */
public sealed interface Cond {
  Span span();

  /** Calls the method of {@code v} for this node's kind. */
  <R> R accept(Visitor<R> v);

  /**
   * One method per node kind, so that javac names every phase a new kind must reach (Java 17 has no
   * pattern-matching switch to check that). Phases implement it; none allocates a visitor per node.
   */
  interface Visitor<R> {
    R visitBool(Bool c);

    R visitAnd(And c);

    R visitOr(Or c);

    R visitNot(Not c);

    R visitPredicateRef(PredicateRef c);

    R visitIntCompare(IntCompare c);

    R visitIntInRange(IntInRange c);

    R visitIntInSet(IntInSet c);

    R visitEnumIn(EnumIn c);

    R visitClassMatch(ClassMatch c);

    R visitBdfIn(BdfIn c);

    R visitDownstreamOf(DownstreamOf c);

    R visitStringIn(StringIn c);

    R visitIsTrue(IsTrue c);

    R visitProtHas(ProtHas c);

    R visitRegionOverlaps(RegionOverlaps c);

    R visitRegionWithin(RegionWithin c);

    R visitGuestIs(GuestIs c);

    R visitWithinGuest(WithinGuest c);
  }

  /**
   * A visitor for walks that look only at the connectives ({@code and}, {@code or}, {@code not},
   * predicate uses, constants) and treat every test alike, through {@link #test}. A new test kind
   * must be routed here, once, for all of them.
   */
  abstract class ConnectiveVisitor<R> implements Visitor<R> {
    /** Any test of a field: everything but the connectives and constants. */
    protected abstract R test(Cond c);

    @Override
    public R visitIntCompare(IntCompare c) {
      return test(c);
    }

    @Override
    public R visitIntInRange(IntInRange c) {
      return test(c);
    }

    @Override
    public R visitIntInSet(IntInSet c) {
      return test(c);
    }

    @Override
    public R visitEnumIn(EnumIn c) {
      return test(c);
    }

    @Override
    public R visitClassMatch(ClassMatch c) {
      return test(c);
    }

    @Override
    public R visitBdfIn(BdfIn c) {
      return test(c);
    }

    @Override
    public R visitDownstreamOf(DownstreamOf c) {
      return test(c);
    }

    @Override
    public R visitStringIn(StringIn c) {
      return test(c);
    }

    @Override
    public R visitIsTrue(IsTrue c) {
      return test(c);
    }

    @Override
    public R visitProtHas(ProtHas c) {
      return test(c);
    }

    @Override
    public R visitRegionOverlaps(RegionOverlaps c) {
      return test(c);
    }

    @Override
    public R visitRegionWithin(RegionWithin c) {
      return test(c);
    }

    @Override
    public R visitGuestIs(GuestIs c) {
      return test(c);
    }

    @Override
    public R visitWithinGuest(WithinGuest c) {
      return test(c);
    }
  }

  // The shape queries below are overridden by the few node kinds they concern; every other kind,
  // present or future, answers as a test does.

  /** The operands of an {@code and}, {@code or} or {@code not}; none for a constant, a test or a predicate use. */
  default List<Cond> operands() {
    return List.of();
  }

  /** The terms of this {@code and}, or this condition alone. */
  default List<Cond> conjuncts() {
    return List.of(this);
  }

  /** The terms of this {@code or}, or this condition alone. */
  default List<Cond> disjuncts() {
    return List.of(this);
  }

  /** Whether this is the constant {@code value} (a folded condition). */
  default boolean isConstant(boolean value) {
    return false;
  }

  /** This node, if it is a use of a named predicate. */
  default Optional<PredicateRef> asPredicateUse() {
    return Optional.empty();
  }

  record Bool(Span span, boolean value) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitBool(this);
    }

    @Override
    public boolean isConstant(boolean value) {
      return this.value == value;
    }
  }

  record And(Span span, List<Cond> terms) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitAnd(this);
    }

    @Override
    public List<Cond> operands() {
      return terms;
    }

    @Override
    public List<Cond> conjuncts() {
      return terms;
    }

    public And {
      terms = List.copyOf(terms);
    }
  }

  record Or(Span span, List<Cond> terms) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitOr(this);
    }

    @Override
    public List<Cond> operands() {
      return terms;
    }

    @Override
    public List<Cond> disjuncts() {
      return terms;
    }

    public Or {
      terms = List.copyOf(terms);
    }
  }

  record Not(Span span, Cond operand) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitNot(this);
    }

    @Override
    public List<Cond> operands() {
      return List.of(operand);
    }
  }

  /** A use of a named predicate; evaluates as its body, kept so explanations can name it. */
  record PredicateRef(Span span, String name, Cond body) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitPredicateRef(this);
    }

    @Override
    public Optional<PredicateRef> asPredicateUse() {
      return Optional.of(this);
    }
  }

  /** {@code field op value}, unsigned, over an integer field ({@link Field.Kind#INT}). */
  record IntCompare(Span span, Field field, CompareOp op, long value) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitIntCompare(this);
    }
  }

  /** {@code field in lo .. hi}, inclusive, unsigned. */
  record IntInRange(Span span, Field field, long lo, long hi) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitIntInRange(this);
    }
  }

  /** {@code field in {a, b, …}}. */
  record IntInSet(Span span, Field field, List<Long> values) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitIntInSet(this);
    }

    public IntInSet {
      values = List.copyOf(values);
    }
  }

  /** An enum field's ({@link Field.Kind#ENUM}) value is one of the constants whose bits are set in {@code mask}. */
  record EnumIn(Span span, Field field, int mask) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitEnumIn(this);
    }
  }

  /** {@code device.class matches PATTERN}: the top {@code bits} bits of the class equal those of {@code value}. */
  record ClassMatch(Span span, int value, int bits) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitClassMatch(this);
    }
  }

  /** {@code device.bdf == A} or {@code device.bdf in {A, B}}. */
  record BdfIn(Span span, List<PciAddress> addresses) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitBdfIn(this);
    }

    public BdfIn {
      addresses = List.copyOf(addresses);
    }
  }

  /** {@code device.downstream_of(BRIDGE)}: the device sits below that bridge. */
  record DownstreamOf(Span span, PciAddress bridge) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitDownstreamOf(this);
    }
  }

  /** A string field ({@code device.driver}, {@code guest.name}) equal to one of the strings (an absent driver is {@code ""}). */
  record StringIn(Span span, Field field, List<String> values) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitStringIn(this);
    }

    public StringIn {
      values = List.copyOf(values);
    }
  }

  /** A boolean field ({@link Field.Kind#BOOL}) named as a condition: {@code device.bridge}, {@code host.msi_isolated}. */
  record IsTrue(Span span, Field field) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitIsTrue(this);
    }
  }

  /** {@code region.prot has FLAG}; {@code bit} is a {@link dev.resvc.runtime.model.Prot} bit. */
  record ProtHas(Span span, int bit) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitProtHas(this);
    }
  }

  /** {@code overlaps(RANGE)}: the region shares at least one address with the range. */
  record RegionOverlaps(Span span, AddressRange range) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitRegionOverlaps(this);
    }
  }

  /** {@code within(RANGE)}: every address of the region lies in the range (a region covering nothing is within nothing). */
  record RegionWithin(Span span, AddressRange range) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitRegionWithin(this);
    }
  }

  /**
   * {@code overlaps(guest)} / {@code overlaps(guest.ram)}: the region is being checked against a guest
   * range whose kind is in {@code kindMask} (conflicts only).
   */
  record GuestIs(Span span, int kindMask) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitGuestIs(this);
    }
  }

  /** {@code within(guest)} / {@code within(guest.ram)}: as {@link GuestIs}, and the region lies inside that range. */
  record WithinGuest(Span span, int kindMask) implements Cond {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visitWithinGuest(this);
    }
  }
}
