package dev.resvc.compiler.check;

import dev.resvc.runtime.guest.GuestRange;
import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.model.Region;

/**
 * What a condition may look at: classify sees a device and its region; conflicts a merged region and a
 * guest range; both see the kernel the answer is for and the host's facts about it, always present.
 */
public enum Scope {
  DEVICE("device", "no device"), REGION("region", "no region"), GUEST("guest", "no guest range"),
  KERNEL("kernel", "no kernel"), HOST("host", "no host");

  private final String word;
  private final String absentFact;

  Scope(String word, String absentFact) {
    this.word = word;
    this.absentFact = absentFact;
  }

  public String word() {
    return word;
  }

  /** What an explanation says for a field of this scope when the input has no such part. */
  public String absentFact() {
    return absentFact;
  }

  /** Whether the input has this part; tests of a field of an absent part are false. */
  public boolean presentIn(Device device, Region region, GuestRange guest) {
    return switch (this) {
      case DEVICE -> device != null;
      case REGION -> region != null;
      case GUEST -> guest != null;
      case KERNEL, HOST -> true;
    };
  }
}
