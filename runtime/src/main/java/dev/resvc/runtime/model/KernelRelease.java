package dev.resvc.runtime.model;

import dev.resvc.runtime.input.MessageText;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux kernel release as resvc keys its eras on it: {@code X.Y[.Z]}, read from the start of a
 * release string such as {@code 5.14.0-427.13.1.el9_4.x86_64} or {@code 6.8.0-45-generic}, whose
 * full text is kept for display. Distribution kernels back-port fixes, so an era is decided by
 * {@code X.Y} as mainline has it (docs/kernel-eras.md, open question 3).
 *
 * <p>{@link #key()} orders releases as one unsigned number, which is how policies compare {@code
 * kernel.version} and how the analyser's interval domain sees it.
 */
public record KernelRelease(int major, int minor, int patch, String text) implements Comparable<KernelRelease> {
  /** The largest major, minor and patch number a release may have (each fits its 20 bits of {@link #key()}). */
  public static final int MAX_PART = (1 << 20) - 1;

  private static final Pattern LEADING = Pattern.compile("(\\d{1,7})\\.(\\d{1,7})(?:\\.(\\d{1,7}))?(.*)", Pattern.DOTALL);

  public KernelRelease {
    checkPart("major", major);
    checkPart("minor", minor);
    checkPart("patch", patch);
    Objects.requireNonNull(text, "text");
  }

  private static void checkPart(String what, int value) {
    if (value < 0 || value > MAX_PART) {
      throw new IllegalArgumentException("kernel release " + what + " number " + value + " is out of range 0.." + MAX_PART);
    }
  }

  /** {@code X.Y} with patch 0. */
  public static KernelRelease of(int major, int minor) {
    return new KernelRelease(major, minor, 0, major + "." + minor);
  }

  /** {@code X.Y.Z}. */
  public static KernelRelease of(int major, int minor, int patch) {
    return new KernelRelease(major, minor, patch, major + "." + minor + "." + patch);
  }

  /**
   * Reads {@code X.Y[.Z]} from the start of a release string ({@code uname -r}, {@code
   * /proc/sys/kernel/osrelease}); anything after it (a local version) is kept in {@link #text} only.
   *
   * @throws IllegalArgumentException naming what is wrong, fit to show a user
   */
  public static KernelRelease parse(String release) {
    String text = release.strip();
    Matcher m = LEADING.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("kernel release '" + MessageText.clean(text)
          + "' does not start with X.Y (such as 6.8 or 5.14.0-427.el9)");
    }
    String rest = m.group(4);
    if (!rest.isEmpty() && Character.isDigit(rest.charAt(0))) {
      throw new IllegalArgumentException("kernel release '" + MessageText.clean(text) + "' has a number too long");
    }
    return new KernelRelease(part(m.group(1), text), part(m.group(2), text),
        m.group(3) == null ? 0 : part(m.group(3), text), text);
  }

  private static int part(String digits, String text) {
    int value = Integer.parseInt(digits);
    if (value > MAX_PART) {
      throw new IllegalArgumentException("kernel release '" + MessageText.clean(text) + "' has a number above " + MAX_PART);
    }
    return value;
  }

  /** Whether this release is {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return compareTo(of(major, minor)) >= 0;
  }

  /** The release as one number, {@code major << 40 | minor << 20 | patch}: the order of releases. */
  public long key() {
    return (long) major << 40 | (long) minor << 20 | patch;
  }

  /** {@code X.Y.Z} (or {@code X.Y} when the patch is 0), without the local version. */
  public String version() {
    return patch == 0 ? major + "." + minor : major + "." + minor + "." + patch;
  }

  /** The release of a {@link #key()}. */
  public static KernelRelease ofKey(long key) {
    int major = (int) (key >>> 40);
    int minor = (int) (key >>> 20 & MAX_PART);
    int patch = (int) (key & MAX_PART);
    return patch == 0 ? of(major, minor) : of(major, minor, patch);
  }

  @Override
  public int compareTo(KernelRelease other) {
    return Long.compare(key(), other.key());
  }

  @Override
  public String toString() {
    return text;
  }
}
