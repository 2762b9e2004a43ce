package dev.resvc.compiler.ast;

import dev.resvc.runtime.kernel.StepFailure;
import java.util.List;
import java.util.Optional;

/** A statement inside a {@code test "…" { … }} block: the host and guest it builds, and what it expects. */
public sealed interface TestStmt extends Node {
  /** Calls the {@link Visitor} method for this kind of node. */
  <R> R accept(Visitor<R> v);

  /**
   * One method per kind of test statement, so that javac names every walk a new kind must reach.
   */
  interface Visitor<R> {
    R visit(DeviceStmt s);
    R visit(PlatformStmt s);
    R visit(RegionStmt s);
    R visit(GuestStmt s);
    R visit(KernelStmt s);
    R visit(BackendStmt s);
    R visit(IommuStmt s);
    R visit(MsiStmt s);
    R visit(ExpectStmt s);
  }

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

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /**
   * {@code platform "dprc.1" [kind fsl-mc] [hid "AMDI0040"] [driver "x"] [group N];} — a group member
   * that is not PCI, by its kernel name; {@code kind} defaults to {@code platform}.
   */
  record PlatformStmt(Span span, Expr.StringLit name, List<Attr> attrs) implements TestStmt {
    public PlatformStmt {
      attrs = List.copyOf(attrs);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /**
   * {@code region SOURCE RANGE [type TYPE] on BDF;} or {@code … on "NAME";} — a region the firmware or
   * driver reports for a device (a PCI function by its address, another member by its name); without
   * {@code type}, the type the kernel would give it.
   *
   * @param device an {@link Expr.BdfLit} or an {@link Expr.StringLit}
   */
  record RegionStmt(Span span, String source, Span sourceSpan, Expr range, Optional<String> type,
      Expr device) implements TestStmt {
    public RegionStmt {
      if (!(device instanceof Expr.BdfLit || device instanceof Expr.StringLit)) {
        throw new IllegalArgumentException("a region is on a PCI address or a device name: " + device);
      }
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code guest q35 ram 4G;} or {@code guest "file.layout";}. */
  record GuestStmt(Span span, String preset, List<Attr> attrs, Optional<Expr.StringLit> file) implements TestStmt {
    public GuestStmt {
      attrs = List.copyOf(attrs);
    }

    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code kernel 5.14;}: the release the test answers for (default: the newest modelled). */
  record KernelStmt(Span span, Expr.VersionLit release) implements TestStmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code backend iommufd;}: the VFIO backend (default {@code vfio-type1}). */
  record BackendStmt(Span span, String name, Span nameSpan) implements TestStmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code iommu intel;}: the IOMMU driver (default: unknown, which no {@code kernel.driver} test matches). */
  record IommuStmt(Span span, String name, Span nameSpan) implements TestStmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code msi isolated;} / {@code msi not isolated;} (default: isolated). */
  record MsiStmt(Span span, boolean isolated) implements TestStmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** {@code expect …;} */
  record ExpectStmt(Span span, Expectation expectation) implements TestStmt {
    @Override
    public <R> R accept(Visitor<R> v) {
      return v.visit(this);
    }
  }

  /** What a test expects. */
  sealed interface Expectation extends Node {
    /** Calls the {@link Visitor} method for this kind of node. */
    <R> R accept(Visitor<R> v);

    /**
     * One method per kind of expectation, so that javac names every walk a new kind must reach.
     */
    interface Visitor<R> {
      R visit(RegionType x);
      R visit(RegionDropped x);
      R visit(Assignable x);
      R visit(Finding x);
      R visit(NoFindings x);
      R visit(Step x);
    }

    /**
     * {@code expect 00:14.0 region 0x3e2e0000 type direct-relaxable;} (the device's region that starts
     * there). In every expectation a device is a PCI address ({@link Expr.BdfLit}) or the name of a
     * member declared by {@code platform} ({@link Expr.StringLit}).
     */
    record RegionType(Span span, Expr device, Expr address, String typeName) implements Expectation {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.visit(this);
      }
    }

    /** {@code expect 00:14.0 region 0x3e2e0000 dropped;} */
    record RegionDropped(Span span, Expr device, Expr address) implements Expectation {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.visit(this);
      }
    }

    /** {@code expect assignable;} / {@code expect not assignable;} (for the group of {@code device} when given). */
    record Assignable(Span span, boolean assignable, Optional<Expr> device) implements Expectation {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.visit(this);
      }
    }

    /** {@code expect fatal [rule NAME] [on BDF];} — at least one such finding. */
    record Finding(Span span, Action.Severity severity, Optional<String> rule, Optional<Expr> device)
        implements Expectation {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.visit(this);
      }
    }

    /** {@code expect no findings;} */
    record NoFindings(Span span) implements Expectation {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.visit(this);
      }
    }

    /**
     * {@code expect attach fails EPERM on 03:00.0;}, {@code expect map fails EINVAL at 0x0 .. 0x7fffffff;},
     * {@code expect attach succeeds;}: what the kernel's own step does (the group of {@code device},
     * or some group).
     *
     * @param stage {@code attach} or {@code map}
     * @param errno the errno name after {@code fails}; empty for {@code succeeds}
     * @param at the guest range after {@code at}
     */
    record Step(Span span, StepFailure.Stage stage, Optional<Name> errno, Optional<Expr> at, Optional<Expr> device)
        implements Expectation {
      @Override
      public <R> R accept(Visitor<R> v) {
        return v.visit(this);
      }
    }

    /** A name as written, with where it is, for messages about it. */
    record Name(Span span, String text) implements Node {}
  }
}
