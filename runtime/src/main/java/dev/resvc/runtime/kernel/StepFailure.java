package dev.resvc.runtime.kernel;

import dev.resvc.runtime.model.Device;
import dev.resvc.runtime.range.AddressRange;
import java.util.Objects;
import java.util.Optional;

/**
 * A step of giving a group to a VM that the kernel fails, as the kernel in force fails it: at
 * attach (the group or device is refused) or at map (a guest range cannot be mapped), with the call
 * the VMM makes, the errno it gets back and the line the kernel logs, if any.
 *
 * @param stage attach or map
 * @param call the ioctl that fails ({@code VFIO_GROUP_SET_CONTAINER}, {@code VFIO_SET_IOMMU}, {@code
 *     VFIO_DEVICE_BIND_IOMMUFD}, {@code VFIO_DEVICE_ATTACH_IOMMUFD_PT}, {@code VFIO_IOMMU_MAP_DMA},
 *     {@code IOMMU_IOAS_MAP})
 * @param errno what the call returns (negated)
 * @param device the device refused, when the refusal is a device's
 * @param range the guest range that cannot be mapped (map), or the region behind the refusal
 * @param function the kernel function that decides ({@code __iommu_device_set_domain}, …)
 * @param cause why, as facts; the log line and the explanation are worked out from it when read
 */
public record StepFailure(Stage stage, String call, Errno errno, Optional<Device> device,
    Optional<AddressRange> range, String function, StepCause cause) {
  public StepFailure {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(errno, "errno");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(cause, "cause");
  }

  /** The line the kernel logs, as it logs it; empty when it logs nothing. */
  public Optional<String> kernelLog() {
    return cause.kernelLog();
  }

  /** One sentence saying why, naming the era and commit (docs/kernel-eras.md). */
  public String why() {
    return cause.why();
  }

  /**
   * The step in one line, as resvc prints it: {@code refused at attach: VFIO_GROUP_SET_CONTAINER fails
   * with EINVAL (-22); the kernel logs "..."}, or for a map {@code guest RAM [...] cannot be mapped:
   * VFIO_IOMMU_MAP_DMA fails with EINVAL (-22); the kernel logs nothing}.
   */
  public String summary() {
    String what = stage == Stage.ATTACH ? "refused at attach: "
        : "guest RAM " + range.map(AddressRange::toString).orElse("") + " cannot be mapped: ";
    return what + call + " fails with " + errno + " (-" + errno.number() + "); the kernel logs "
        + kernelLog().map(line -> "\"" + line + "\"").orElse("nothing");
  }

  /** Where in the assignment a step fails. */
  public enum Stage {
    /** Taking the group or device: ownership, domain attach, IOVA list, MSI isolation. */
    ATTACH("attach"),
    /** Mapping guest memory into the IOMMU domain. */
    MAP("map");

    private final String resvName;

    Stage(String resvName) {
      this.resvName = resvName;
    }

    public String resvName() {
      return resvName;
    }

    @Override
    public String toString() {
      return resvName;
    }
  }
}
