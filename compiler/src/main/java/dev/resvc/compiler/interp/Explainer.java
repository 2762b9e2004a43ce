package dev.resvc.compiler.interp;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.CondPrinter;
import dev.resvc.compiler.check.Field;
import dev.resvc.compiler.check.Section;
import dev.resvc.runtime.model.PciDevice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The decision chain behind a classification or a conflict: every rule tried in order, whether it
 * matched, and for each part of its condition the value it had on these facts. {@code resvc explain}
 * prints it.
 */
public final class Explainer {
  private Explainer() {}

  /** One rule as tried: its parts with their values, and whether it decided. */
  public record Trial(String rule, String location, String condition, List<Part> parts, boolean matched) {}

  /** A part of a condition (a top-level {@code and} term), its value, and the facts it looked at. */
  public record Part(String text, boolean value, String facts) {}

  /** The trials of {@code section}'s rules on {@code facts}, up to the first that matches. */
  public static List<Trial> trials(CheckedPolicy policy, Section section, Interpreter.Facts facts) {
    List<Trial> out = new ArrayList<>();
    for (CheckedPolicy.Rule<?> r : policy.rules(section)) {
      Trial t = trial(r.name(), r.span().file() + ":" + r.span().line(), r.condition(), facts);
      out.add(t);
      if (t.matched()) {
        break;
      }
    }
    return out;
  }

  private static Trial trial(String name, String location, Cond c, Interpreter.Facts facts) {
    List<Part> parts = new ArrayList<>();
    for (Cond term : c.conjuncts()) {
      parts.add(new Part(term.accept(PART_TEXT), Interpreter.eval(term, facts), facts(term, facts)));
    }
    return new Trial(name, location, CondPrinter.print(c), parts, Interpreter.eval(c, facts));
  }

  /** A part as printed: a predicate use with its condition, so the reader sees what it tested. */
  private static final Cond.Visitor<String> PART_TEXT = new Cond.ConnectiveVisitor<>() {
    @Override
    public String visitBool(Cond.Bool c) {
      return CondPrinter.print(c);
    }

    @Override
    public String visitAnd(Cond.And c) {
      return CondPrinter.print(c);
    }

    @Override
    public String visitOr(Cond.Or c) {
      return CondPrinter.print(c);
    }

    @Override
    public String visitNot(Cond.Not c) {
      return CondPrinter.print(c);
    }

    @Override
    public String visitPredicateRef(Cond.PredicateRef p) {
      return p.name() + " = " + CondPrinter.print(p.body());
    }

    @Override
    protected String test(Cond c) {
      return CondPrinter.print(c);
    }
  };

  /** The facts a condition looked at, e.g. {@code class 0x0c0330, source rmrr}. */
  static String facts(Cond c, Interpreter.Facts f) {
    FactCollector collector = new FactCollector(f);
    c.accept(collector);
    return String.join(", ", collector.out.stream().distinct().toList());
  }

  /** Adds the facts each test looks at; a predicate's condition is entered once ({@code seen}), as it adds the same facts each time. */
  private static final class FactCollector implements Cond.Visitor<Void> {
    private final Interpreter.Facts f;
    private final List<String> out = new ArrayList<>();
    private final Set<Cond> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    FactCollector(Interpreter.Facts f) {
      this.f = f;
    }

    private Void add(String fact) {
      out.add(fact);
      return null;
    }

    private Void all(List<Cond> terms) {
      terms.forEach(t -> t.accept(this));
      return null;
    }

    @Override
    public Void visitBool(Cond.Bool c) {
      return null;
    }

    @Override
    public Void visitAnd(Cond.And a) {
      return all(a.terms());
    }

    @Override
    public Void visitOr(Cond.Or o) {
      return all(o.terms());
    }

    @Override
    public Void visitNot(Cond.Not n) {
      return n.operand().accept(this);
    }

    @Override
    public Void visitPredicateRef(Cond.PredicateRef p) {
      return seen.add(p.body()) ? p.body().accept(this) : null;
    }

    @Override
    public Void visitIntCompare(Cond.IntCompare i) {
      return add(fact(i.field()));
    }

    @Override
    public Void visitIntInRange(Cond.IntInRange r) {
      return add(fact(r.field()));
    }

    @Override
    public Void visitIntInSet(Cond.IntInSet s) {
      return add(fact(s.field()));
    }

    @Override
    public Void visitEnumIn(Cond.EnumIn e) {
      return add(fact(e.field()));
    }

    @Override
    public Void visitClassMatch(Cond.ClassMatch c) {
      return add(fact(Field.DEVICE_CLASS));
    }

    @Override
    public Void visitBdfIn(Cond.BdfIn c) {
      return add(deviceFact());
    }

    @Override
    public Void visitDownstreamOf(Cond.DownstreamOf c) {
      return add(deviceFact());
    }

    @Override
    public Void visitIsTrue(Cond.IsTrue c) {
      return add(c.field() == Field.DEVICE_BRIDGE ? deviceFact() : fact(c.field()));
    }

    @Override
    public Void visitStringIn(Cond.StringIn s) {
      return add(fact(s.field()));
    }

    @Override
    public Void visitProtHas(Cond.ProtHas c) {
      return add(fact(Field.REGION_PROT));
    }

    @Override
    public Void visitRegionOverlaps(Cond.RegionOverlaps c) {
      return add(regionFact());
    }

    @Override
    public Void visitRegionWithin(Cond.RegionWithin c) {
      return add(regionFact());
    }

    @Override
    public Void visitGuestIs(Cond.GuestIs c) {
      return add(guestFact());
    }

    @Override
    public Void visitWithinGuest(Cond.WithinGuest c) {
      return add(guestFact());
    }

    /** The field's value as {@link Field#fact} writes it. */
    private String fact(Field field) {
      return field.fact(f.kernel(), f.device(), f.group(), f.region(), f.guest());
    }

    /** A PCI function's address and the bridge right above it; another device's name and that it is not PCI. */
    private String deviceFact() {
      if (f.device() == null) {
        return "no device";
      } else if (f.device() instanceof PciDevice p) {
        return "device " + p.address().toShortString()
            + (p.upstreamBridges().isEmpty() ? "" : " below " + p.upstreamBridges().get(
                p.upstreamBridges().size() - 1).toShortString());
      }
      return "device " + f.device().name() + " (not PCI)";
    }

    private String regionFact() {
      return f.region() == null ? "no region" : "region " + f.region().range().map(Object::toString).orElse("(covers nothing)");
    }

    private String guestFact() {
      return f.guest() == null ? "no guest range" : "guest " + f.guest();
    }
  }
}
