package dev.resvc.runtime.kernel;

/** The error numbers the assignment steps fail with (include/uapi/asm-generic/errno-base.h, errno.h). */
public enum Errno {
  EPERM(1, "Operation not permitted"),
  EINVAL(22, "Invalid argument"),
  EADDRINUSE(98, "Address already in use");

  private final int number;
  private final String text;

  Errno(int number, String text) {
    this.number = number;
    this.text = text;
  }

  /** The positive number; the kernel returns its negation. */
  public int number() {
    return number;
  }

  /** {@code strerror}'s text, which QEMU and libvirt print. */
  public String text() {
    return text;
  }
}
