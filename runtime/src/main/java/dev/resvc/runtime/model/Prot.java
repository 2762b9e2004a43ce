package dev.resvc.runtime.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's {@code IOMMU_*} protection bits of a reserved region (include/linux/iommu.h: READ 1,
 * WRITE 2, CACHE 4, NOEXEC 8, MMIO 16, PRIV 32). They never affect merging or the sysfs output, but
 * they tell an engineer what firmware asked for; region files carry them as {@code prot=read|write}.
 */
public record Prot(int bits) {
  public static final int READ = 1;
  public static final int WRITE = 1 << 1;
  public static final int CACHE = 1 << 2;
  public static final int NOEXEC = 1 << 3;
  public static final int MMIO = 1 << 4;
  public static final int PRIV = 1 << 5;

  private static final String[] NAMES = {"read", "write", "cache", "noexec", "mmio", "priv"};

  public static final Prot NONE = new Prot(0);
  public static final Prot READ_WRITE = new Prot(READ | WRITE);
  /** What the Arm SMMU and virtio-iommu give their MSI windows. */
  public static final Prot MSI_DOORBELL = new Prot(WRITE | NOEXEC | MMIO);

  public Prot {
    if ((bits & ~0x3f) != 0) {
      throw new IllegalArgumentException("unknown prot bits " + Integer.toHexString(bits));
    }
  }

  /**
   * The flags written as {@link #toString()} writes them: {@code none}, or names joined by {@code |}
   * ({@code read|write}, {@code write|noexec|mmio}); empty for anything else.
   */
  public static Optional<Prot> parse(String text) {
    if (text.equals("none")) {
      return Optional.of(NONE);
    }
    int bits = 0;
    for (String name : text.split("\\|", -1)) {
      int i = List.of(NAMES).indexOf(name);
      if (i < 0 || (bits & (1 << i)) != 0) {
        return Optional.empty();
      }
      bits |= 1 << i;
    }
    return Optional.of(new Prot(bits));
  }

  public boolean has(int flag) {
    return (bits & flag) == flag;
  }

  public List<String> names() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      if ((bits & (1 << i)) != 0) {
        out.add(NAMES[i]);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return bits == 0 ? "none" : String.join("|", names());
  }
}
