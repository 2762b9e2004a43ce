/**
 * The resvc runtime: what a virtual-machine manager embeds to read a host, rebuild its reserved
 * regions as the kernel does, and ask a compiled policy whether a group can be assigned. No
 * dependencies.
 *
 * <p>Every package is exported, each for a reason an embedder meets: {@code range}, {@code model}
 * and {@code guest} are the values everything is stated in; {@code policy} is the interface generated
 * classes implement and the evaluator that runs them, {@code policy.index} the lookup tables
 * generated classes of large policies build; {@code host} reads {@code /sys} or a snapshot into a
 * {@code Host}; {@code input} is how every reader reports ({@code InputException}, {@code
 * InputNote}, {@code Read}); {@code firmware} holds the decoded ACPI tables that {@code
 * host.Firmware} carries and the readers that decode tables a VMM already has; {@code kernel} holds
 * the kernel's algorithms, which {@code Verdict} answers in ({@code VfioIovaList.AttachResult}) and
 * which a VMM may run on its own; {@code vmm} reads the VM definitions VMMs keep (a libvirt domain, a
 * QEMU command line), which is why the module needs {@code java.xml}, a JDK module. How the command
 * line prints them is not here: that is the compiler's {@code dev.resvc.cli.render}. {@code RuntimeModuleTest} pins this list.
 */
module dev.resvc.runtime {
  requires java.xml;

  exports dev.resvc.runtime.firmware;
  exports dev.resvc.runtime.guest;
  exports dev.resvc.runtime.host;
  exports dev.resvc.runtime.input;
  exports dev.resvc.runtime.kernel;
  exports dev.resvc.runtime.model;
  exports dev.resvc.runtime.policy;
  exports dev.resvc.runtime.policy.index;
  exports dev.resvc.runtime.range;
  exports dev.resvc.runtime.vmm;
}
