package dev.resvc.compiler.ast;

import java.util.List;
import java.util.Optional;

/** A statement inside a {@code test "…" { … }} block: the host and guest it builds, and what it expects. */
public sealed interface TestStmt extends Node {
  /** {@code name value} after {@code device BDF} or {@code guest PRESET}, e.g. {@code vendor 0x8086}, {@code ram 4G}. */
  record Attr(Span span, String name, Optional<Expr> value) implements Node {}

  /**
   * {@code device 00:14.0 vendor 0x8086 device_id 0xa36d class 0x0c0330 [driver "x"] [group N]
   * [below 00:1c.0] [bridge];}
   */
  record DeviceStmt(Span span, Expr.BdfLit address, List<Attr> attrs) implements TestStmt {
    public DeviceStmt {
      attrs = List.copyOf(attrs);
    }
  }

  /**
   * {@code region SOURCE RANGE [type TYPE] on BDF;} — a region the firmware or driver reports for a
   * device; without {@code type}, the type the kernel would give it.
   */
  record RegionStmt(Span span, String source, Span sourceSpan, Expr range, Optional<String> type,
      Expr.BdfLit device) implements TestStmt {}

  /** {@code guest q35 ram 4G;} or {@code guest "file.layout";}. */
  record GuestStmt(Span span, String preset, List<Attr> attrs, Optional<Expr.StringLit> file) implements TestStmt {
    public GuestStmt {
      attrs = List.copyOf(attrs);
    }
  }

  /** {@code expect …;} */
  record ExpectStmt(Span span, Expectation expectation) implements TestStmt {}

  /** What a test expects. */
  sealed interface Expectation extends Node {
    /** {@code expect 00:14.0 region 0x3e2e0000 type direct-relaxable;} (the device's region that starts there). */
    record RegionType(Span span, Expr.BdfLit device, Expr address, String typeName) implements Expectation {}

    /** {@code expect 00:14.0 region 0x3e2e0000 dropped;} */
    record RegionDropped(Span span, Expr.BdfLit device, Expr address) implements Expectation {}

    /** {@code expect assignable;} / {@code expect not assignable;} (for the group of {@code device} when given). */
    record Assignable(Span span, boolean assignable, Optional<Expr.BdfLit> device) implements Expectation {}

    /** {@code expect fatal [rule NAME] [on BDF];} — at least one such finding. */
    record Finding(Span span, Action.Severity severity, Optional<String> rule, Optional<Expr.BdfLit> device)
        implements Expectation {}

    /** {@code expect no findings;} */
    record NoFindings(Span span) implements Expectation {}
  }
}
