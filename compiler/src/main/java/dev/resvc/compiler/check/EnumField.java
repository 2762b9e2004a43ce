package dev.resvc.compiler.check;

import dev.resvc.runtime.guest.GuestKind;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import java.util.Arrays;
import java.util.List;

/** Fields whose values are a small closed set; conditions on them become bit masks over the constants. */
public enum EnumField {
  REGION_TYPE(Scope.REGION, "type", Arrays.stream(RegionType.values()).map(RegionType::resvName).toList()),
  REGION_SOURCE(Scope.REGION, "source", Arrays.stream(RegionSource.values()).map(RegionSource::resvName).toList()),
  GUEST_KIND(Scope.GUEST, "kind", Arrays.stream(GuestKind.values()).map(GuestKind::resvName).toList());

  private final Scope scope;
  private final String name;
  private final List<String> constants;

  EnumField(Scope scope, String name, List<String> constants) {
    this.scope = scope;
    this.name = name;
    this.constants = constants;
  }

  public Scope scope() {
    return scope;
  }

  public String fieldName() {
    return name;
  }

  /** The constants in the runtime enum's order: bit {@code i} of a mask is constant {@code i}. */
  public List<String> constants() {
    return constants;
  }

  public int allMask() {
    return (1 << constants.size()) - 1;
  }

  public String spelling() {
    return scope.word() + "." + name;
  }

  /** The constant names set in {@code mask}, in order. */
  public List<String> names(int mask) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < constants.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        out.add(constants.get(i));
      }
    }
    return out;
  }
}
