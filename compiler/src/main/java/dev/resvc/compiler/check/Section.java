package dev.resvc.compiler.check;

import java.util.Set;

/**
 * The two rule sections: {@code classify} sees a device, its IOMMU group and a region (no guest);
 * {@code conflicts} sees a merged region and, when the region overlaps one, a guest range (no device).
 * Both see the kernel the answer is for ({@code kernel.*}, {@code host.*}).
 */
public enum Section {
  CLASSIFY("classify", Set.of(Scope.DEVICE, Scope.REGION, Scope.KERNEL, Scope.HOST)),
  CONFLICTS("conflicts", Set.of(Scope.REGION, Scope.GUEST, Scope.KERNEL, Scope.HOST));

  private final String word;
  private final Set<Scope> scopes;

  Section(String word, Set<Scope> scopes) {
    this.word = word;
    this.scopes = scopes;
  }

  /** The section's keyword in policies. */
  public String word() {
    return word;
  }

  /** What its conditions may look at; a test of another scope is an error (E108). */
  public Set<Scope> scopes() {
    return scopes;
  }
}
