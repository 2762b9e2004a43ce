package dev.resvc.compiler.check;

/** What a condition may look at: classify sees a device and its region; conflicts a merged region and a guest range. */
public enum Scope {
  DEVICE("device"), REGION("region"), GUEST("guest");

  private final String word;

  Scope(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
