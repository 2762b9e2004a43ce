package dev.resvc.compiler.analysis;

/**
 * The two rule sections: {@code classify} sees a device, its IOMMU group and a region (no guest);
 * {@code conflicts} sees a merged region and, when the region overlaps one, a guest range (no device).
 */
public enum Section {
  CLASSIFY("classify"), CONFLICTS("conflicts");

  private final String word;

  Section(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
