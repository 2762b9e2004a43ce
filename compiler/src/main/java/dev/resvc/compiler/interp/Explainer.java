package dev.resvc.compiler.interp;

import dev.resvc.compiler.check.CheckedPolicy;
import dev.resvc.compiler.check.Cond;
import dev.resvc.compiler.check.CondPrinter;
import dev.resvc.compiler.check.IntField;
import dev.resvc.runtime.range.U64;
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

  public static List<Trial> classify(CheckedPolicy policy, Interpreter.Facts facts) {
    List<Trial> out = new ArrayList<>();
    for (CheckedPolicy.ClassifyRule r : policy.classifyRules()) {
      Trial t = trial(r.name(), r.span().file() + ":" + r.span().line(), r.condition(), facts);
      out.add(t);
      if (t.matched()) {
        break;
      }
    }
    return out;
  }

  public static List<Trial> conflict(CheckedPolicy policy, Interpreter.Facts facts) {
    List<Trial> out = new ArrayList<>();
    for (CheckedPolicy.ConflictRule r : policy.conflictRules()) {
      Trial t = trial(r.name(), r.span().file() + ":" + r.span().line(), r.condition(), facts);
      out.add(t);
      if (t.matched()) {
        break;
      }
    }
    return out;
  }

  private static Trial trial(String name, String location, Cond c, Interpreter.Facts facts) {
    List<Cond> terms = c instanceof Cond.And a ? a.terms() : List.of(c);
    List<Part> parts = new ArrayList<>();
    for (Cond term : terms) {
      String text = CondPrinter.print(term);
      if (term instanceof Cond.PredicateRef p) {
        text = p.name() + " = " + CondPrinter.print(p.body());
      }
      parts.add(new Part(text, Interpreter.eval(term, facts), facts(term, facts)));
    }
    return new Trial(name, location, CondPrinter.print(c), parts, Interpreter.eval(c, facts));
  }

  /** The facts a condition looked at, e.g. {@code class 0x0c0330, source rmrr}. */
  static String facts(Cond c, Interpreter.Facts f) {
    List<String> out = new ArrayList<>();
    collect(c, f, out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return String.join(", ", out.stream().distinct().toList());
  }

  /** Adds the facts {@code c} looks at; a predicate's condition is entered once ({@code seen}), as it adds the same facts each time. */
  private static void collect(Cond c, Interpreter.Facts f, List<String> out, Set<Cond> seen) {
    if (c instanceof Cond.And a) {
      a.terms().forEach(t -> collect(t, f, out, seen));
    } else if (c instanceof Cond.Or o) {
      o.terms().forEach(t -> collect(t, f, out, seen));
    } else if (c instanceof Cond.Not n) {
      collect(n.operand(), f, out, seen);
    } else if (c instanceof Cond.PredicateRef p) {
      if (seen.add(p.body())) {
        collect(p.body(), f, out, seen);
      }
    } else if (c instanceof Cond.IntCompare i) {
      out.add(intFact(i.field(), f));
    } else if (c instanceof Cond.IntInRange r) {
      out.add(intFact(r.field(), f));
    } else if (c instanceof Cond.IntInSet s) {
      out.add(intFact(s.field(), f));
    } else if (c instanceof Cond.EnumIn e) {
      switch (e.field()) {
        case REGION_TYPE -> out.add(f.region() == null ? "no region" : "type " + f.region().type().resvName());
        case REGION_SOURCE -> out.add(f.region() == null ? "no region" : "source " + f.region().source().resvName());
        case GUEST_KIND -> out.add(f.guest() == null ? "no guest range" : "guest kind " + f.guest().kind());
        default -> { }
      }
    } else if (c instanceof Cond.ClassMatch) {
      out.add(f.device() == null ? "no device" : String.format("class 0x%06x", f.device().classCode()));
    } else if (c instanceof Cond.BdfIn || c instanceof Cond.DownstreamOf || c instanceof Cond.IsBridge) {
      out.add(f.device() == null ? "no device" : "device " + f.device().address().toShortString()
          + (f.device().upstreamBridges().isEmpty() ? "" : " below " + f.device().upstreamBridges().get(
              f.device().upstreamBridges().size() - 1).toShortString()));
    } else if (c instanceof Cond.StringIn s) {
      out.add(switch (s.field()) {
        case DEVICE_DRIVER -> f.device() == null ? "no device" : "driver \"" + f.device().driver().orElse("") + "\"";
        case GUEST_NAME -> f.guest() == null ? "no guest range" : "guest " + f.guest().name();
      });
    } else if (c instanceof Cond.ProtHas) {
      out.add(f.region() == null ? "no region" : "prot " + f.region().prot());
    } else if (c instanceof Cond.RegionOverlaps || c instanceof Cond.RegionWithin) {
      out.add(f.region() == null ? "no region" : "region " + f.region().range().map(Object::toString).orElse("(covers nothing)"));
    } else if (c instanceof Cond.GuestIs || c instanceof Cond.WithinGuest) {
      out.add(f.guest() == null ? "no guest range" : "guest " + f.guest());
    }
  }

  private static String intFact(IntField field, Interpreter.Facts f) {
    return switch (field) {
      case DEVICE_VENDOR -> f.device() == null ? "no device" : String.format("vendor 0x%04x", f.device().vendor());
      case DEVICE_ID -> f.device() == null ? "no device" : String.format("device_id 0x%04x", f.device().deviceId());
      case DEVICE_SUBSYSTEM_VENDOR -> f.device() == null ? "no device" : String.format("subsystem_vendor 0x%04x", f.device().subsystemVendor());
      case DEVICE_SUBSYSTEM_DEVICE -> f.device() == null ? "no device" : String.format("subsystem_device 0x%04x", f.device().subsystemDevice());
      case DEVICE_CLASS -> f.device() == null ? "no device" : String.format("class 0x%06x", f.device().classCode());
      case DEVICE_GROUP -> "group " + f.group();
      case REGION_START -> f.region() == null ? "no region" : "start " + U64.hex(f.region().start());
      case REGION_END -> f.region() == null ? "no region" : "end " + U64.hex(f.region().end());
      case REGION_SIZE -> f.region() == null ? "no region"
          : "size " + f.region().range().map(r -> r.size().toString(16)).map(s -> "0x" + s).orElse("0");
      case GUEST_START -> f.guest() == null ? "no guest range" : "guest start " + U64.hex(f.guest().range().start());
      case GUEST_END -> f.guest() == null ? "no guest range" : "guest end " + U64.hex(f.guest().range().end());
    };
  }
}
