package dev.resvc.runtime.policy;

/** How a conflict is judged; {@link #FATAL} makes the group unassignable. */
public enum Severity {
  ALLOW("allow"),
  INFO("info"),
  WARN("warn"),
  FATAL("fatal");

  private final String keyword;

  Severity(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }
}
